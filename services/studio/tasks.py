"""Tasks per entity and step: assignment, status on the workflow engine ("studio_task"), time logged,
and the task lists (my tasks, filters); kanban.py, grid.py and timesheets.py build their views on them.

Invariants: custom fields of "studio_task" are set one task at a time (update_task, STUDIO_MANAGE);
a task's `status` mirrors its workflow instance; a task without one is `todo` and gets
one on its first move (`move`), so bulk creation never starts 28,800 instances; an artist works on
a task with STUDIO_WORK, a vendor account only on tasks of its partner (assigned to the partner or
to a slot the partner fills); assignment needs STUDIO_MANAGE; time is logged in whole minutes per
day and adds to `spent_minutes`; every change is audited, in the activity feed and announced.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, or_, select

from models.base import pk, referenced
from models.studio import StudioAsset, StudioCut, StudioEpisode, StudioMember, StudioPartner, StudioProject, StudioStep
from models.studio_work import StudioActivity, StudioTask, StudioTimesheet
from services.config import custom_fields, workflow, workflow_hooks
from services.config.workflow_hooks import Entered
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Forbidden, Invalid, NotFound
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.studio.common import (
    announce,
    apply,
    check,
    is_portal,
    plain,
    portal_account,
    require_manager,
    require_reader,
)
from services.studio.events import TaskBulkUpdated, TaskStarted, TaskTimeLogged, TaskUpdated

ENTITY = "studio_task"
STATUSES = ("todo", "in_progress", "waiting_review", "qc1", "qc2", "rework", "approved")
OPEN_STATUSES = STATUSES[:-1]


class TaskRead(BaseModel):
    id: int
    project_id: int
    step_id: int
    step_key: str = ""
    step_name: str = ""
    episode_id: int | None
    episode_number: int | None = None
    cut_id: int | None
    asset_id: int | None
    entity_code: str = ""
    status: str
    assignee_member_id: int | None
    assignee_label: str = ""
    vendor_partner_id: int | None
    start_date: date | None
    due_date: date | None
    estimate_hours: Decimal | None
    spent_minutes: int
    rework_loops: int
    approved_at: datetime | None
    custom: dict = {}


class TaskUpdate(BaseModel):
    assignee_member_id: int | None = None
    vendor_partner_id: int | None = None
    start_date: date | None = None
    due_date: date | None = None
    estimate_hours: Decimal | None = None
    custom: dict | None = None          # custom field values by key (None: unchanged; "" clears one)


# ---- the workflow hooks ---------------------------------------------------------------------------

def _fields(session: Session, task_id: int) -> dict:
    task = session.get(StudioTask, task_id)
    if task is None:
        return {}
    return {"status": task.status, "rework_loops": task.rework_loops,
            **{f"custom.{k}": v for k, v in (task.custom or {}).items()}}


def _on_state(session: Session, task_id: int, entered: Entered) -> None:
    """The task follows its workflow state; it is approved when its instance entered "approved" (the
    transition's clock)."""
    task = session.get(StudioTask, task_id)
    if task is None:
        return
    task.status = entered.state
    if entered.state == "approved" and task.approved_at is None:
        task.approved_at = entered.at
    session.add(task)


def label(session: Session, task_id: int) -> str:
    task = session.get(StudioTask, task_id)
    if task is None:
        return t("task #{id}", id=task_id)
    project = referenced(session, StudioProject, task.project_id)
    step = referenced(session, StudioStep, task.step_id)
    return f"{project.number} {_entity_code(session, task)} {step.name}"


def _watchers(session: Session, task_id: int) -> list[int]:
    task = session.get(StudioTask, task_id)
    member = session.get(StudioMember, task.assignee_member_id) if task and task.assignee_member_id else None
    return [member.user_id] if member and member.user_id else []


custom_fields.register_entity(ENTITY, "Studio tasks", model=StudioTask, permission=Permission.STUDIO_MANAGE)
workflow_hooks.register_entity(ENTITY, fields=_fields, on_state=_on_state, label=label, watchers=_watchers,
                         link=lambda task_id: f"/studio/task?id={task_id}")


def _entity_code(session: Session, task: StudioTask) -> str:
    if task.cut_id:
        cut = referenced(session, StudioCut, task.cut_id)
        episode = session.get(StudioEpisode, cut.episode_id) if cut.episode_id else None
        return f"EP{episode.number:02d} {cut.code}" if episode else cut.code
    asset = session.get(StudioAsset, task.asset_id)
    return asset.code if asset else ""


# ---- access --------------------------------------------------------------------------------------

def partner_owns(session: Session, task: StudioTask, partner_id: int) -> bool:
    if task.vendor_partner_id == partner_id:
        return True
    member = session.get(StudioMember, task.assignee_member_id) if task.assignee_member_id else None
    return bool(member and member.partner_id == partner_id)


def get_task(session: Session, actor: Actor, task_id: int, *, for_update: bool = False) -> StudioTask:
    """The task, when the actor may see it: internal VIEW, or a vendor account whose partner owns it."""
    task = get_scoped(session, actor, StudioTask, task_id, t("Task"), for_update=for_update)
    if is_portal(actor):
        account = portal_account(session, actor)
        if account.kind != "vendor" or not partner_owns(session, task, account.partner_id):
            raise NotFound(t("Task not found."))
    else:
        require_reader(actor)
    return task


def require_worker(session: Session, actor: Actor, task: StudioTask) -> None:
    """May the actor work on this task (start, submit, log time)?"""
    if is_portal(actor):
        return  # get_task has checked the vendor owns it
    require(actor, Permission.STUDIO_WORK)


# ---- moves on the workflow -----------------------------------------------------------------------

def move(session: Session, actor: Actor, task: StudioTask, key: str, *, comment: str = "", now: datetime) -> str:
    """Take one workflow transition (starting the instance first when the task has none); the new state."""
    try:
        workflow.instance(session, actor, ENTITY, pk(task))
    except NotFound:
        workflow.start(session, actor, ENTITY, pk(task), now=now)
    result = workflow.transition(session, actor, ENTITY, pk(task), key, comment=comment, now=now)
    session.flush()
    return result.state


def start_task(session: Session, actor: Actor, task_id: int, *, now: datetime) -> TaskRead:
    task = get_task(session, actor, task_id, for_update=True)
    require_worker(session, actor, task)
    before = task.status
    move(session, actor, task, "start", now=now)
    announce(session, actor, TaskStarted, pk(task), {"status": {"before": before, "after": task.status}},
             project_id=task.project_id, now=now)
    return task_read(session, task)


def update_task(session: Session, actor: Actor, task_id: int, data: TaskUpdate, *, now: datetime) -> TaskRead:
    require_manager(actor)
    task = get_task(session, actor, task_id, for_update=True)
    values = data.model_dump(exclude_unset=True)
    custom = values.pop("custom", None)
    problems = task_problems(session, actor, task, values)
    if custom is not None:
        values["custom"] = custom_fields.validate(session, actor, ENTITY, custom, current=task.custom, problems=problems)
    check(problems)
    changes = apply(task, values)
    if changes:
        task.updated_at, task.updated_by = now, actor.user_id
        session.add(task)
        announce(session, actor, TaskUpdated, pk(task), changes, project_id=task.project_id, now=now)
    return task_read(session, task)


def update_task_checks(session: Session, actor: Actor, task: StudioTask, values: dict) -> None:
    check(task_problems(session, actor, task, values))


def task_problems(session: Session, actor: Actor, task: StudioTask, values: dict) -> dict[str, str]:
    """What is wrong with an assignment/dates/estimate change, by field."""
    problems: dict[str, str] = {}
    if values.get("assignee_member_id") is not None:
        member = session.get(StudioMember, values["assignee_member_id"])
        if member is None or member.project_id != task.project_id:
            problems["assignee_member_id"] = t("Not a member slot of this project.")
    if values.get("vendor_partner_id") is not None:
        partner = session.get(StudioPartner, values["vendor_partner_id"])
        if partner is None or partner.organization_id != actor.organization_id:
            problems["vendor_partner_id"] = t("Unknown partner.")
    if values.get("estimate_hours") is not None and values["estimate_hours"] < 0:
        problems["estimate_hours"] = t("Not negative.")
    start, due = values.get("start_date", task.start_date), values.get("due_date", task.due_date)
    if start and due and due < start:
        problems["due_date"] = t("On or after the start.")
    return problems


def bulk_update(session: Session, actor: Actor, task_ids: list[int], data: TaskUpdate, *, now: datetime) -> int:
    """The same assignment/dates for many tasks of one project (a grid selection): one UPDATE, one
    activity row per task (executemany), one audit entry and one event for the batch."""
    require_manager(actor)
    values = data.model_dump(exclude_unset=True)
    if values.pop("custom", None) is not None:
        raise Invalid(fields={"custom": t("Custom fields are set one task at a time.")})
    rows = session.exec(select(StudioTask).where(StudioTask.organization_id == actor.organization_id,
                                                 col(StudioTask.id).in_(task_ids))).all()
    if not rows or not values:
        return 0
    if len({t.project_id for t in rows}) > 1 or len(rows) != len(set(task_ids)):
        raise NotFound(t("Some tasks were not found in one project."))
    update_task_checks(session, actor, rows[0], values)
    activity = [{"organization_id": actor.organization_id, "project_id": t.project_id, "entity": "task",
                 "entity_id": t.id, "action": "updated", "user_id": actor.user_id, "at": now,
                 "changes": {k: {"before": plain(getattr(t, k)), "after": plain(v)} for k, v in values.items()
                             if getattr(t, k) != v}} for t in rows]
    session.execute(sa.update(StudioTask).where(col(StudioTask.id).in_([t.id for t in rows]))
                    .values(**values, updated_at=now, updated_by=actor.user_id).execution_options(
                        synchronize_session=False))
    session.execute(sa.insert(StudioActivity), [a for a in activity if a["changes"]])
    audit(session, actor, "studio_task", None, "bulk_updated", {"tasks": len(rows), **{
        k: plain(v) for k, v in values.items()}}, at=now)
    record(session, TaskBulkUpdated(organization_id=actor.organization_id, actor_user_id=actor.user_id, at=now,
                                    project_id=rows[0].project_id, tasks=len(rows)))
    session.expire_all()
    return len(rows)


def log_time(session: Session, actor: Actor, task_id: int, day: date, minutes: int, *, note: str = "",
             now: datetime) -> TaskRead:
    task = get_task(session, actor, task_id, for_update=True)
    require_worker(session, actor, task)
    check({} if 0 < minutes <= 24 * 60 else {"minutes": t("Between {low} and {high} minutes.", low=1, high=1440)})
    member_id = session.exec(select(StudioMember.id).where(StudioMember.project_id == task.project_id,
                                                           StudioMember.user_id == actor.user_id)).first()
    session.add(StudioTimesheet(organization_id=actor.organization_id, task_id=pk(task), member_id=member_id,
                                user_id=actor.user_id, day=day, minutes=minutes, note=note.strip()[:500], created_at=now))
    before = task.spent_minutes
    task.spent_minutes += minutes
    session.add(task)
    announce(session, actor, TaskTimeLogged, pk(task),
             {"spent_minutes": {"before": before, "after": task.spent_minutes}}, project_id=task.project_id, now=now)
    return task_read(session, task)


# ---- reads ---------------------------------------------------------------------------------------

def task_read(session: Session, task: StudioTask) -> TaskRead:
    read = TaskRead.model_validate(task, from_attributes=True)
    step = referenced(session, StudioStep, task.step_id)
    read.step_key, read.step_name = step.key, step.name
    read.entity_code = _entity_code(session, task)
    if task.episode_id:
        read.episode_number = referenced(session, StudioEpisode, task.episode_id).number
    if task.assignee_member_id:
        member = referenced(session, StudioMember, task.assignee_member_id)
        read.assignee_label = member.person_name or member.role_title
    return read


def get_task_read(session: Session, actor: Actor, task_id: int) -> TaskRead:
    return task_read(session, get_task(session, actor, task_id))


def list_tasks(session: Session, actor: Actor, *, project_id: int | None = None, step_id: int | None = None,
               status: str | None = None, episode_id: int | None = None, assignee_member_id: int | None = None,
               mine: bool = False, cut_id: int | None = None, asset_id: int | None = None,
               limit: int = 500) -> list[TaskRead]:
    """Tasks the actor may see; `mine`: assigned to a slot the user fills (or, for a vendor, its partner's)."""
    query = select(StudioTask).where(StudioTask.organization_id == actor.organization_id)
    if is_portal(actor):
        account = portal_account(session, actor, "vendor")
        slots = select(StudioMember.id).where(StudioMember.partner_id == account.partner_id)
        query = query.where(or_(StudioTask.vendor_partner_id == account.partner_id,
                                col(StudioTask.assignee_member_id).in_(slots)))
    else:
        require_reader(actor)
        if mine:
            slots = select(StudioMember.id).where(StudioMember.user_id == actor.user_id)
            query = query.where(col(StudioTask.assignee_member_id).in_(slots))
    for column, value in ((StudioTask.project_id, project_id), (StudioTask.step_id, step_id),
                          (StudioTask.status, status), (StudioTask.episode_id, episode_id),
                          (StudioTask.assignee_member_id, assignee_member_id), (StudioTask.cut_id, cut_id),
                          (StudioTask.asset_id, asset_id)):
        if value is not None:
            query = query.where(column == value)
    rows = session.exec(query.order_by(col(StudioTask.due_date), col(StudioTask.id)).limit(limit)).all()
    return task_reads(session, rows)


def task_reads(session: Session, rows: Sequence[StudioTask]) -> list[TaskRead]:
    """`task_read` of many tasks: the steps, cuts, episodes, assets and slots they name are read with one
    query each first, so each task's `session.get` finds them in the session (kept in `held` meanwhile:
    the session keeps only rows something references)."""
    held: list = []

    def load(model, ids) -> list:
        found = [i for i in set(ids) if i is not None]
        rows_ = session.exec(select(model).where(col(model.id).in_(found))).all() if found else []
        held.extend(rows_)
        return list(rows_)

    cuts = load(StudioCut, (t.cut_id for t in rows))
    load(StudioEpisode, [t.episode_id for t in rows] + [c.episode_id for c in cuts])
    load(StudioStep, (t.step_id for t in rows))
    load(StudioAsset, (t.asset_id for t in rows))
    load(StudioMember, (t.assignee_member_id for t in rows))
    return [task_read(session, t) for t in rows]


def require_task_access(session: Session, actor: Actor, task_id: int) -> StudioTask:
    try:
        return get_task(session, actor, task_id)
    except NotFound:
        raise
    except Forbidden:
        raise NotFound(t("Task not found.")) from None
