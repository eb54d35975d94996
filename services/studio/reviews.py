"""Versions and the two-stage review: an artist (or a vendor) submits a version with files, the team
lead decides QC1, then the production manager QC2.

Invariants: a version is submitted only from todo, in progress or rework (the task goes to
"waiting for review"); QC1 needs STUDIO_QC1 and a task waiting for or in QC1; QC2 needs STUDIO_QC2
and a task that passed QC1 (in QC2) - never before; a rejection needs a comment, sends the task to
rework and counts one more loop; a decision may carry strokes drawn on an image of that version
(annotations.py); every decision is a StudioReview row on the latest version and
notifies the next person (QC1 leads, QC2 managers, or the artist/vendor), in the app and by email
through the notification centre; a client account sees only reviews shared with it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.base import pk
from models.studio import StudioMember, StudioProject
from models.studio_work import StudioAccount, StudioReview, StudioTask, StudioVersion
from services.config.notifications import notify_people
from services.core.access import Actor, Permission, require
from services.core.errors import Conflict, Invalid
from services.core.messages import t
from services.studio import files as file_store
from services.studio.annotations import Annotation, checked_annotation
from services.studio.common import announce, portal_account
from services.studio.events import REVIEWED, TaskVersionSubmitted
from services.studio.tasks import ENTITY, get_task, label, move, require_worker

DECISIONS = ("approve", "reject")


class FileRead(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    has_thumbnail: bool


class ReviewRead(BaseModel):
    id: int
    task_id: int
    version_id: int
    version_number: int = 0
    stage: str
    decision: str
    reason: str
    comment: str
    frame: int | None
    timecode: str
    annotation: Annotation | None = None
    shared_with_client: bool
    user_id: int | None
    at: datetime


class VersionRead(BaseModel):
    id: int
    task_id: int
    number: int
    comment: str
    status: str
    submitted_by: int | None
    submitted_at: datetime
    files: list[FileRead] = []


class Decision(BaseModel):
    decision: str
    reason: str = ""
    comment: str = ""
    frame: int | None = None
    timecode: str = ""
    annotation: Annotation | None = None      # strokes drawn on an image of the version (annotations.py)
    share_with_client: bool = False


def _version_read(session: Session, v: StudioVersion) -> VersionRead:
    read = VersionRead.model_validate(v, from_attributes=True)
    read.files = [FileRead(id=f.id, filename=f.filename, content_type=f.content_type, size=f.size,
                           has_thumbnail=f.thumbnail_key is not None) for f in file_store.files_of_version(session, pk(v))]
    return read


def _latest(session: Session, task_id: int) -> StudioVersion | None:
    return session.exec(select(StudioVersion).where(StudioVersion.task_id == task_id)
                        .order_by(col(StudioVersion.number).desc())).first()


def submit_version(session: Session, actor: Actor, task_id: int, uploads: list[file_store.Upload], *,
                   comment: str = "", now: datetime) -> VersionRead:
    task = get_task(session, actor, task_id, for_update=True)
    require_worker(session, actor, task)
    if task.status not in ("todo", "in_progress", "rework"):
        raise Conflict(t("A version can be submitted while the task is to do, in progress or in rework."))
    if not uploads:
        raise Invalid(t("Attach at least one file."), fields={"files": t("Required.")})
    if len(comment) > 2000:
        raise Invalid(fields={"comment": t("At most {limit} characters.", limit=2000)})
    for upload in uploads:
        file_store.check_upload(session, actor.organization_id, upload)
    number = (session.exec(select(func.max(StudioVersion.number)).where(StudioVersion.task_id == task.id)).one() or 0) + 1
    version = StudioVersion(organization_id=actor.organization_id, task_id=pk(task), number=number,
                            comment=comment.strip(), submitted_by=actor.user_id, submitted_at=now)
    session.add(version)
    session.flush()
    for upload in uploads:
        file_store.store(session, actor, task, pk(version), upload)
    before = task.status
    if task.status == "todo":
        move(session, actor, task, "start", now=now)
    move(session, actor, task, "resubmit" if task.status == "rework" else "submit", comment=comment, now=now)
    announce(session, actor, TaskVersionSubmitted, pk(task),
             {"status": {"before": before, "after": task.status}, "version": {"before": number - 1, "after": number}},
             project_id=task.project_id, now=now, version=number)
    leads = _leads(session, task.project_id)
    _notify(session, actor, task, t("QC1 please: {task} v{version}", task=label(session, pk(task)), version=number),
            comment, now,
            user_ids=leads, roles=() if leads else ("supervisor",))
    return _version_read(session, version)


def decide(session: Session, actor: Actor, task_id: int, stage: str, data: Decision, *, now: datetime) -> ReviewRead:
    """QC1 or QC2 approves or rejects the latest version (QC2's approval moves the task to "approved", whose
    workflow hook stamps approved_at with the move's time)."""
    if stage not in ("qc1", "qc2"):
        raise Invalid(fields={"stage": t("qc1 or qc2.")})
    require(actor, Permission.STUDIO_QC1 if stage == "qc1" else Permission.STUDIO_QC2)
    task = get_task(session, actor, task_id, for_update=True)
    if data.decision not in DECISIONS:
        raise Invalid(fields={"decision": t("approve or reject.")})
    if data.decision == "reject" and not data.comment.strip():
        raise Invalid(t("Say what to rework."), fields={"comment": t("Required for a rejection.")})
    if data.frame is not None and data.frame < 0:
        raise Invalid(fields={"frame": t("Not negative.")})
    if stage == "qc1" and task.status not in ("waiting_review", "qc1"):
        raise Conflict(t("QC1 reviews a task that waits for review."))
    if stage == "qc2" and task.status != "qc2":
        raise Conflict(t("QC2 comes only after QC1 has approved."))
    version = _latest(session, pk(task))
    if version is None:
        raise Conflict(t("No version was submitted."))
    drawing = checked_annotation(session, actor.organization_id, pk(version), data.annotation)
    before = task.status
    if stage == "qc1" and task.status == "waiting_review":
        move(session, actor, task, "qc1_take", now=now)
    move(session, actor, task, f"{stage}_{data.decision}", comment=data.comment, now=now)
    review = StudioReview(organization_id=actor.organization_id, task_id=pk(task), version_id=pk(version), stage=stage,
                          decision=data.decision, reason=data.reason.strip()[:200], comment=data.comment.strip()[:2000],
                          frame=data.frame, timecode=data.timecode.strip()[:16], annotation=drawing,
                          shared_with_client=data.share_with_client, user_id=actor.user_id, at=now)
    session.add(review)
    changes: dict[str, dict[str, Any]] = {"status": {"before": before, "after": task.status}}
    if drawing:
        changes["annotation"] = {"before": None, "after": f"{len(drawing['strokes'])} strokes"}
    if data.decision == "reject":
        task.rework_loops += 1
        changes["rework_loops"] = {"before": task.rework_loops - 1, "after": task.rework_loops}
        version.status = "rejected"
    else:
        version.status = "approved" if stage == "qc2" else "qc1_passed"
        if stage == "qc1":
            task.qc1_passed_at = now
    session.add_all([task, version])
    session.flush()
    announce(session, actor, REVIEWED[stage, data.decision], pk(task), changes, project_id=task.project_id, now=now,
             version=version.number, stage=stage, decision=data.decision)
    _notify_next(session, actor, task, stage, data, version.number, now)
    return _review_read(review, version.number)


def _notify_next(session: Session, actor: Actor, task: StudioTask, stage: str, data: Decision, number: int,
                 now: datetime) -> None:
    what = {"task": label(session, pk(task)), "version": number}
    if data.decision == "reject":
        _notify(session, actor, task, t("Rework ({stage}): {task} v{version}", stage=stage.upper(), **what),
                data.comment, now, user_ids=_workers(session, task))
    elif stage == "qc1":
        _notify(session, actor, task, t("QC2 please: {task} v{version}", **what), data.comment, now, roles=("manager",))
    else:
        _notify(session, actor, task, t("Approved: {task} v{version}", **what), data.comment, now,
                user_ids=_workers(session, task))


def _notify(session: Session, actor: Actor, task: StudioTask, title: str, body: str, now: datetime, *,
            user_ids=(), roles=()) -> None:
    notify_people(session, organization_id=task.organization_id, title=title, body=body,
                  link=f"/studio/task?id={task.id}", kind="studio.review", user_ids=tuple(user_ids), roles=roles,
                  entity_type=ENTITY, entity_id=task.id, now=now, exclude_user_id=actor.user_id)


def _leads(session: Session, project_id: int) -> list[int]:
    return [u for u in session.exec(select(StudioMember.user_id).where(
        StudioMember.project_id == project_id, StudioMember.is_lead == True)).all() if u]  # noqa: E712


def _workers(session: Session, task: StudioTask) -> list[int]:
    """The artist of the assigned slot and the accounts of the task's vendor."""
    users: list[int] = []
    member = session.get(StudioMember, task.assignee_member_id) if task.assignee_member_id else None
    if member and member.user_id:
        users.append(member.user_id)
    partners = {p for p in (task.vendor_partner_id, member.partner_id if member else None) if p}
    if partners:
        users += list(session.exec(select(StudioAccount.user_id).where(col(StudioAccount.partner_id).in_(partners),
                                                                       StudioAccount.kind == "vendor")).all())
    return users


def _review_read(r: StudioReview, number: int) -> ReviewRead:
    read = ReviewRead.model_validate(r, from_attributes=True)
    read.version_number = number
    return read


def versions(session: Session, actor: Actor, task_id: int) -> list[VersionRead]:
    task = get_task(session, actor, task_id)
    rows = session.exec(select(StudioVersion).where(StudioVersion.task_id == task.id)
                        .order_by(col(StudioVersion.number))).all()
    return [_version_read(session, v) for v in rows]


def reviews(session: Session, actor: Actor, task_id: int) -> list[ReviewRead]:
    task = get_task(session, actor, task_id)
    rows = session.exec(select(StudioReview, StudioVersion.number)
                        .join(StudioVersion, col(StudioVersion.id) == StudioReview.version_id)
                        .where(StudioReview.task_id == task.id).order_by(col(StudioReview.at), col(StudioReview.id))).all()
    return [_review_read(r, n) for r, n in rows]


def client_reviews(session: Session, actor: Actor) -> list[ReviewRead]:
    """A client account's view: the reviews shared with it, on projects whose client it is."""
    account = portal_account(session, actor, "client")
    rows = session.exec(select(StudioReview, StudioVersion.number)
                        .join(StudioVersion, col(StudioVersion.id) == StudioReview.version_id)
                        .join(StudioTask, col(StudioTask.id) == StudioReview.task_id)
                        .join(StudioProject, col(StudioProject.id) == StudioTask.project_id)
                        .where(StudioReview.organization_id == actor.organization_id,
                               StudioReview.shared_with_client == True,  # noqa: E712
                               StudioProject.client_partner_id == account.partner_id)
                        .order_by(col(StudioReview.at).desc())).all()
    return [_review_read(r, n) for r, n in rows]
