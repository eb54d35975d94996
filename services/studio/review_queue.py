"""The review queue: the tasks waiting for a person's QC1 or QC2 decision, and approving many at once.

A lead or a production manager reviewing a batch (the 40 in-between cuts a vendor delivered) looks at them on the
task pages and then approves the ones that pass together. Rejections stay one at a time: each needs its own
comment, and often a drawing, on the task page.

- `queue(session, actor, stage, project_id=None)`: QC1 sees tasks waiting for review or in QC1; QC2 the tasks in
  QC2; each with its latest version number; tasks the actor may read (services/studio/tasks.list_tasks).
- `approve_many(session, actor, stage, task_ids, comment, now)`: `reviews.decide` for each, in the caller's one
  transaction: every task passes or none does, and the refusal names the task that stopped the batch.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import Session, col, func, select

from models.studio_work import StudioVersion
from services.core.access import Actor, Permission, require
from services.core.errors import Conflict, Invalid
from services.core.messages import t
from services.studio import reviews
from services.studio.reviews import Decision
from services.studio.tasks import TaskRead, label, list_tasks

STATUSES = {"qc1": ("waiting_review", "qc1"), "qc2": ("qc2",)}
PERMISSION = {"qc1": Permission.STUDIO_QC1, "qc2": Permission.STUDIO_QC2}
MAX_BATCH = 500


class QueuedTask(BaseModel):
    task: TaskRead
    version: int                    # the latest version's number: the one the decision is about


class BatchApproval(BaseModel):
    task_ids: list[int] = Field(min_length=1, max_length=MAX_BATCH)
    comment: str = Field(default="", max_length=2000)


def stages(actor: Actor) -> list[str]:
    """The review stages this person decides."""
    return [stage for stage, permission in PERMISSION.items() if permission in actor.permissions]


def queue(session: Session, actor: Actor, stage: str, *, project_id: int | None = None,
          limit: int = MAX_BATCH) -> list[QueuedTask]:
    """Tasks waiting for `stage`, oldest due date first."""
    _check_stage(actor, stage)
    waiting = [t for status in STATUSES[stage]
               for t in list_tasks(session, actor, project_id=project_id, status=status, limit=limit)]
    waiting.sort(key=lambda t: (t.due_date is None, t.due_date, t.id))
    waiting = waiting[:limit]
    numbers = dict(session.exec(select(StudioVersion.task_id, func.max(StudioVersion.number))
                                .where(col(StudioVersion.task_id).in_([t.id for t in waiting] or [-1]))
                                .group_by(col(StudioVersion.task_id))).all())
    return [QueuedTask(task=t, version=int(numbers.get(t.id) or 0)) for t in waiting]


def approve_many(session: Session, actor: Actor, stage: str, data: BatchApproval, *, now: datetime) -> int:
    """Approve the latest version of every task at `stage`; all or none. Returns how many were approved."""
    _check_stage(actor, stage)
    ids = list(dict.fromkeys(data.task_ids))
    for task_id in ids:
        try:
            reviews.decide(session, actor, task_id, stage, Decision(decision="approve", comment=data.comment), now=now)
        except (Conflict, Invalid) as error:       # a task the actor can see stopped the batch: name it
            raise type(error)(t("{task}: {problem}", task=label(session, task_id), problem=error.message),
                              fields=error.fields) from error
    return len(ids)


def _check_stage(actor: Actor, stage: str) -> None:
    if stage not in STATUSES:
        raise Invalid(fields={"stage": t("qc1 or qc2.")})
    require(actor, PERMISSION[stage])

