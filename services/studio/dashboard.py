"""The studio dashboard of a project: progress per episode and step, QC first-pass rate, rework
loops, throughput per member/vendor per week against the slot's quota, late tasks.

Definitions: progress = approved tasks / tasks (per episode and step); first-pass rate = tasks
approved with no rejection / approved tasks; rework loops = rejections (QC1 or QC2); throughput =
tasks approved in an ISO week per assignee slot (or vendor when no slot); a task is late when its
due date is before `today` and it is not approved. Aggregates run in the database (one query per
figure). VIEW reads; exports go through services/core/exports.py.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col

from models.studio import StudioCut, StudioEpisode, StudioMember, StudioPartner, StudioStep
from models.studio_work import StudioTask
from services.core.access import Actor
from services.core.messages import t
from services.studio.common import get_project, require_reader


class ProgressCell(BaseModel):
    episode_number: int | None
    step_key: str
    step_name: str
    tasks: int
    approved: int
    share: float


class ThroughputRow(BaseModel):
    who: str
    week: str              # ISO year-week, e.g. 2026-W10
    approved: int
    quota: int | None


class LateTask(BaseModel):
    task_id: int
    entity_code: str
    step_name: str
    status: str
    due_date: date
    assignee: str


class StudioDashboard(BaseModel):
    tasks: int
    approved: int
    progress: float
    first_pass_rate: float | None
    rework_loops: int
    tasks_with_rework: int
    cells: list[ProgressCell]
    throughput: list[ThroughputRow]
    late: list[LateTask]


def dashboard(session: Session, actor: Actor, project_id: int, *, today: date) -> StudioDashboard:
    require_reader(actor)
    get_project(session, actor, project_id)
    tk = StudioTask
    approved = sa.func.sum(sa.case((col(tk.status) == "approved", 1), else_=0))
    first = sa.func.sum(sa.case((sa.and_(col(tk.status) == "approved", col(tk.rework_loops) == 0), 1), else_=0))
    loops = sa.func.sum(tk.rework_loops)
    reworked = sa.func.sum(sa.case((col(tk.rework_loops) > 0, 1), else_=0))
    total, done, first_pass, loop_sum, reworked_n = session.execute(
        sa.select(sa.func.count(col(tk.id)), approved, first, loops, reworked).where(col(tk.project_id) == project_id)).one()
    cells = [ProgressCell(episode_number=ep, step_key=key, step_name=name, tasks=n, approved=int(a or 0),
                          share=(int(a or 0) / n) if n else 0.0)
             for ep, key, name, _, n, a in session.execute(
                 sa.select(col(StudioEpisode.number), col(StudioStep.key), col(StudioStep.name), col(StudioStep.position),
                           sa.func.count(col(tk.id)), approved).select_from(tk).join(StudioStep, col(StudioStep.id) == tk.step_id)
                 .join(StudioEpisode, col(StudioEpisode.id) == tk.episode_id, isouter=True)
                 .where(col(tk.project_id) == project_id)
                 .group_by(col(StudioEpisode.number), col(StudioStep.key), col(StudioStep.name), col(StudioStep.position))
                 .order_by(col(StudioEpisode.number), col(StudioStep.position))).all()]
    done = int(done or 0)
    return StudioDashboard(tasks=total, approved=done, progress=(done / total) if total else 0.0,
                           first_pass_rate=(int(first_pass or 0) / done) if done else None,
                           rework_loops=int(loop_sum or 0), tasks_with_rework=int(reworked_n or 0), cells=cells,
                           throughput=throughput(session, project_id), late=late_tasks(session, project_id, today))


def throughput(session: Session, project_id: int) -> list[ThroughputRow]:
    tk = StudioTask
    rows = session.execute(sa.select(col(tk.approved_at), col(StudioMember.person_name), col(StudioMember.role_title),
                                     col(StudioMember.weekly_quota), col(StudioPartner.name))
                           .join(StudioMember, col(StudioMember.id) == tk.assignee_member_id, isouter=True)
                           .join(StudioPartner, col(StudioPartner.id) == tk.vendor_partner_id, isouter=True)
                           .where(col(tk.project_id) == project_id, col(tk.status) == "approved",
                                  col(tk.approved_at).is_not(None))).all()
    counts: dict[tuple[str, str], list] = {}
    for approved_at, person, role, quota, vendor in rows:
        who = person or role or vendor or "-"
        year, week, _ = approved_at.isocalendar()
        key = (who, f"{year}-W{week:02d}")
        entry = counts.setdefault(key, [0, quota])
        entry[0] += 1
    return [ThroughputRow(who=who, week=week, approved=n, quota=quota)
            for (who, week), (n, quota) in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0]))]


def late_tasks(session: Session, project_id: int, today: date, *, limit: int = 500) -> list[LateTask]:
    tk = StudioTask
    rows = session.execute(sa.select(col(tk.id), col(StudioCut.code), col(StudioEpisode.number), col(StudioStep.name),
                                     col(tk.status), col(tk.due_date), col(StudioMember.person_name),
                                     col(StudioMember.role_title))
                           .join(StudioStep, col(StudioStep.id) == tk.step_id)
                           .join(StudioCut, col(StudioCut.id) == tk.cut_id, isouter=True)
                           .join(StudioEpisode, col(StudioEpisode.id) == tk.episode_id, isouter=True)
                           .join(StudioMember, col(StudioMember.id) == tk.assignee_member_id, isouter=True)
                           .where(col(tk.project_id) == project_id, col(tk.status) != "approved", col(tk.due_date) < today)
                           .order_by(col(tk.due_date), col(tk.id)).limit(limit)).all()
    return [LateTask(task_id=i, entity_code=f"EP{ep:02d} {code}" if ep else (code or f"#{i}"), step_name=step,
                     status=status, due_date=due, assignee=person or role or "")
            for i, code, ep, step, status, due, person, role in rows]


LATE_COLUMNS = [("task_id", t("Task")), ("entity_code", t("Cut")), ("step_name", t("Step")), ("status", t("Status")),
                ("due_date", t("Due")), ("assignee", t("Assignee"))]
THROUGHPUT_COLUMNS = [("who", t("Member or vendor")), ("week", t("Week")), ("approved", t("Approved")),
                      ("quota", t("Quota"))]
PROGRESS_COLUMNS = [("episode_number", t("Episode")), ("step_name", t("Step")), ("tasks", t("Tasks")),
                    ("approved", t("Approved")), ("share", t("Share"))]
