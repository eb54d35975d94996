"""The studio's domain events, one class per name (services/core/events.py: typed events).

`studio.<entity>.<action>`: every change a studio service makes (common.announce records it with its
audit entry and activity row) names the changed row (`entity_id`) and its project (`project_id`, None
for partners and templates, which belong to the organization); the live studio views refresh on the
events of their project. A batch change of tasks (`studio.task.bulk_updated`) names the project and
how many tasks it changed.
"""
from __future__ import annotations

from dataclasses import dataclass

from services.core.events import DomainEvent, event_type

__all__ = [
    "AssetCreated", "AssetUpdated", "CutAssetCast", "CutCreated", "CutUpdated", "MemberCreated", "MemberLinked",
    "MilestoneCreated", "MilestoneUpdated",
    "PartnerAccountLinked", "PartnerCreated", "PartnerUpdated", "ProjectBreakdownImported", "ProjectBulkCreated",
    "ProjectCreated", "ProjectEpisodeAdded", "ProjectEpisodeUpdated",
    "ProjectPartnerAdded", "ProjectSequenceAdded", "ProjectStepAdded", "ProjectUpdated",
    "REVIEWED", "StudioEvent", "TaskBulkUpdated", "TaskMoved", "TaskReviewed", "TaskQc1Approved", "TaskQc1Rejected",
    "TaskQc2Approved", "TaskQc2Rejected", "TaskStarted", "TaskTimeLogged", "TaskTimeRemoved", "TaskUpdated",
    "TaskVersionSubmitted", "TemplateCreated",
]


@dataclass(frozen=True, kw_only=True)
class StudioEvent(DomainEvent):
    """A change of one studio row; the NAME's middle and last words are the activity feed's entity and action."""
    entity_id: int
    project_id: int | None

    @classmethod
    def entity(cls) -> str:
        return cls.NAME.split(".")[1]

    @classmethod
    def action(cls) -> str:
        return cls.NAME.split(".")[2]


@event_type
@dataclass(frozen=True, kw_only=True)
class TemplateCreated(StudioEvent):
    NAME = "studio.template.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class ProjectCreated(StudioEvent):
    NAME = "studio.project.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class ProjectUpdated(StudioEvent):
    NAME = "studio.project.updated"


@event_type
@dataclass(frozen=True, kw_only=True)
class MilestoneCreated(StudioEvent):
    NAME = "studio.milestone.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class MilestoneUpdated(StudioEvent):
    NAME = "studio.milestone.updated"


@event_type
@dataclass(frozen=True, kw_only=True)
class ProjectStepAdded(StudioEvent):
    NAME = "studio.project.step_added"


@event_type
@dataclass(frozen=True, kw_only=True)
class ProjectEpisodeAdded(StudioEvent):
    NAME = "studio.project.episode_added"


@event_type
@dataclass(frozen=True, kw_only=True)
class ProjectEpisodeUpdated(StudioEvent):
    NAME = "studio.project.episode_updated"


@event_type
@dataclass(frozen=True, kw_only=True)
class ProjectSequenceAdded(StudioEvent):
    NAME = "studio.project.sequence_added"


@event_type
@dataclass(frozen=True, kw_only=True)
class ProjectBulkCreated(StudioEvent):
    NAME = "studio.project.bulk_created"


@event_type
@dataclass(frozen=True, kw_only=True)
class ProjectBreakdownImported(StudioEvent):
    NAME = "studio.project.breakdown_imported"


@event_type
@dataclass(frozen=True, kw_only=True)
class ProjectPartnerAdded(StudioEvent):
    NAME = "studio.project.partner_added"


@event_type
@dataclass(frozen=True, kw_only=True)
class PartnerCreated(StudioEvent):
    NAME = "studio.partner.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class PartnerUpdated(StudioEvent):
    NAME = "studio.partner.updated"


@event_type
@dataclass(frozen=True, kw_only=True)
class PartnerAccountLinked(StudioEvent):
    NAME = "studio.partner.account_linked"


@event_type
@dataclass(frozen=True, kw_only=True)
class MemberCreated(StudioEvent):
    NAME = "studio.member.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class MemberLinked(StudioEvent):
    NAME = "studio.member.linked"


@event_type
@dataclass(frozen=True, kw_only=True)
class CutCreated(StudioEvent):
    NAME = "studio.cut.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class CutUpdated(StudioEvent):
    NAME = "studio.cut.updated"


@event_type
@dataclass(frozen=True, kw_only=True)
class CutAssetCast(StudioEvent):
    NAME = "studio.cut.asset_cast"


@event_type
@dataclass(frozen=True, kw_only=True)
class AssetCreated(StudioEvent):
    NAME = "studio.asset.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class AssetUpdated(StudioEvent):
    NAME = "studio.asset.updated"


@event_type
@dataclass(frozen=True, kw_only=True)
class TaskStarted(StudioEvent):
    NAME = "studio.task.started"


@event_type
@dataclass(frozen=True, kw_only=True)
class TaskUpdated(StudioEvent):
    NAME = "studio.task.updated"


@event_type
@dataclass(frozen=True, kw_only=True)
class TaskTimeLogged(StudioEvent):
    NAME = "studio.task.time_logged"


@event_type
@dataclass(frozen=True, kw_only=True)
class TaskTimeRemoved(StudioEvent):
    NAME = "studio.task.time_removed"


@event_type
@dataclass(frozen=True, kw_only=True)
class TaskMoved(StudioEvent):
    """A workflow move made on the kanban that no other use case names (for example into QC1)."""
    NAME = "studio.task.moved"


@event_type
@dataclass(frozen=True, kw_only=True)
class TaskVersionSubmitted(StudioEvent):
    NAME = "studio.task.version_submitted"
    version: int


@dataclass(frozen=True, kw_only=True)
class TaskReviewed(StudioEvent):
    """A QC decision on a task's latest version (`stage` qc1 or qc2, `decision` approve or reject)."""
    version: int
    stage: str
    decision: str


@event_type
@dataclass(frozen=True, kw_only=True)
class TaskQc1Approved(TaskReviewed):
    NAME = "studio.task.qc1_approved"


@event_type
@dataclass(frozen=True, kw_only=True)
class TaskQc1Rejected(TaskReviewed):
    NAME = "studio.task.qc1_rejected"


@event_type
@dataclass(frozen=True, kw_only=True)
class TaskQc2Approved(TaskReviewed):
    NAME = "studio.task.qc2_approved"


@event_type
@dataclass(frozen=True, kw_only=True)
class TaskQc2Rejected(TaskReviewed):
    NAME = "studio.task.qc2_rejected"


REVIEWED: dict[tuple[str, str], type[TaskReviewed]] = {
    ("qc1", "approve"): TaskQc1Approved, ("qc1", "reject"): TaskQc1Rejected,
    ("qc2", "approve"): TaskQc2Approved, ("qc2", "reject"): TaskQc2Rejected,
}


@event_type
@dataclass(frozen=True, kw_only=True)
class TaskBulkUpdated(DomainEvent):
    """One assignment/dates change applied to `tasks` tasks of one project (a grid selection)."""
    NAME = "studio.task.bulk_updated"
    project_id: int
    tasks: int
