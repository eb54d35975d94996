"""Studio work over REST: tasks (mine, filters), a step's kanban and moving a card, time per task and
day (one's week, taking an entry back, a lead's week by member), the production grid, Gantt rows,
versions with files, QC1/QC2 decisions, downloads, the activity feed and the dashboard.

Internal users read with VIEW; vendor accounts see only their partner's tasks and files, client
accounts only the reviews shared with them (GET /studio/shared-reviews). Every file download is
checked against the caller's organization and partner. Dashboard parts export with ?format=csv|xlsx.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Response, UploadFile, status
from pydantic import BaseModel

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import EXPORTABLE, Format, listing
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.core.messages import t
from services.studio import activity, dashboard, files, grid, kanban, review_queue, reviews, tasks, timesheets
from services.studio.activity import ActivityRead
from services.studio.dashboard import StudioDashboard
from services.studio.grid import GanttRow, GridRead
from services.studio.kanban import KanbanRead
from services.studio.review_queue import BatchApproval, QueuedTask
from services.studio.reviews import Decision, ReviewRead, VersionRead
from services.studio.tasks import TaskRead, TaskUpdate
from services.studio.timesheets import WeekRead

router = APIRouter(prefix="/studio", tags=["studio"], responses=AUTHENTICATED)
TASK_COLUMNS = [("id", t("Task")), ("entity_code", t("Entity")), ("step_name", t("Step")), ("status", t("Status")),
                ("assignee_label", t("Assignee")), ("due_date", t("Due")), ("estimate_hours", t("Estimate (h)")),
                ("spent_minutes", t("Spent (min)")), ("rework_loops", t("Rework loops"))]
DashboardPart = Literal["summary", "progress", "throughput", "late"]


class TimeBody(BaseModel):
    day: date
    minutes: int
    note: str = ""


class MoveBody(BaseModel):
    to_status: str
    comment: str = ""


class RetentionBody(BaseModel):
    days: int


@router.get("/tasks", response_model=list[TaskRead], responses=EXPORTABLE,
            summary="Tasks (filters: project, step, status, episode, assignee; mine=true for your own)")
def list_tasks(actor: CurrentActor, project_id: int | None = None, step_id: int | None = None, status: str | None = None,
               episode_id: int | None = None, assignee_member_id: int | None = None, mine: bool = False,
               format: Format = "json"):
    with db_session() as s, transaction(s):
        rows = tasks.list_tasks(s, actor, project_id=project_id, step_id=step_id, status=status, episode_id=episode_id,
                                assignee_member_id=assignee_member_id, mine=mine, limit=5000)
    return listing(rows, TASK_COLUMNS, format, "studio-tasks")


@router.get("/tasks/{task_id}", response_model=TaskRead, summary="A task")
def get_task(task_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return tasks.get_task_read(s, actor, task_id)


@router.patch("/tasks/{task_id}", response_model=TaskRead, summary="Assign a task (slot or vendor), dates, estimate")
def update_task(task_id: int, body: TaskUpdate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return tasks.update_task(s, actor, task_id, body, now=utcnow())


@router.post("/tasks/{task_id}/start", response_model=TaskRead, responses=errors(409), summary="Start working on a task")
def start_task(task_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return tasks.start_task(s, actor, task_id, now=utcnow())


@router.post("/tasks/{task_id}/time", response_model=TaskRead, summary="Log time on a task (minutes on a day)")
def log_time(task_id: int, body: TimeBody, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return tasks.log_time(s, actor, task_id, body.day, body.minutes, note=body.note, now=utcnow())


@router.post("/tasks/{task_id}/versions", response_model=VersionRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Submit a version with files (images, video, PDF, zip) for review")
async def submit_version(task_id: int, actor: CurrentActor, files_: Annotated[list[UploadFile], File(alias="files")],
                         comment: Annotated[str, Form()] = ""):
    uploads = [files.Upload(filename=f.filename or "", content_type=f.content_type or "", data=await f.read())
               for f in files_]
    with db_session() as s, transaction(s):
        return reviews.submit_version(s, actor, task_id, uploads, comment=comment, now=utcnow())


@router.get("/tasks/{task_id}/versions", response_model=list[VersionRead], summary="A task's versions and files")
def list_versions(task_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return reviews.versions(s, actor, task_id)


@router.post("/tasks/{task_id}/reviews/{stage}", response_model=ReviewRead, responses=errors(409),
             summary="QC1 (team lead) or QC2 (production manager) approves or rejects the latest version")
def decide(task_id: int, stage: Literal["qc1", "qc2"], body: Decision, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return reviews.decide(s, actor, task_id, stage, body, now=utcnow())


@router.get("/tasks/{task_id}/reviews", response_model=list[ReviewRead], summary="A task's review decisions")
def list_reviews(task_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return reviews.reviews(s, actor, task_id)


@router.get("/shared-reviews", response_model=list[ReviewRead], summary="Client accounts: the reviews shared with you")
def shared_reviews(actor: CurrentActor):
    with db_session() as s, transaction(s):
        return reviews.client_reviews(s, actor)


@router.get("/files/{file_id}", summary="Download a version's file (or its thumbnail)",
            responses={200: {"content": {"application/octet-stream": {}}}, **errors(404)})
def download(file_id: int, actor: CurrentActor, thumbnail: bool = False):
    with db_session() as s, transaction(s):
        name, content_type, data = files.open_file(s, actor, file_id, thumbnail=thumbnail)
    safe = name.replace('"', "")
    return Response(data, media_type=content_type, headers={"Content-Disposition": f'inline; filename="{safe}"',
                                                            "X-Content-Type-Options": "nosniff"})


@router.get("/projects/{project_id}/grid", response_model=GridRead, summary="The production grid (cuts x steps)")
def production_grid(project_id: int, actor: CurrentActor, episode_id: int | None = None, step_key: str | None = None,
                    status: str | None = None, assignee_member_id: int | None = None, search: str = ""):
    with db_session() as s, transaction(s):
        return grid.production_grid(s, actor, project_id, episode_id=episode_id, step_key=step_key, status=status,
                                    assignee_member_id=assignee_member_id, search=search)


@router.get("/projects/{project_id}/kanban/{step_id}", response_model=KanbanRead,
            summary="One step's tasks in columns by workflow state (filters: episode, assignee slot)")
def kanban_board(project_id: int, step_id: int, actor: CurrentActor, episode_id: int | None = None,
                 assignee_member_id: int | None = None):
    with db_session() as s, transaction(s):
        return kanban.board(s, actor, project_id, step_id, episode_id=episode_id, assignee_member_id=assignee_member_id)


@router.post("/tasks/{task_id}/move", response_model=TaskRead, responses=errors(409),
             summary="Move a kanban card into another state (one workflow transition; a rejection needs a comment)")
def move_card(task_id: int, body: MoveBody, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return kanban.move_card(s, actor, task_id, body.to_status, comment=body.comment, now=utcnow())


@router.get("/timesheets/mine", response_model=WeekRead, summary="Your time of the week of `day` (per task and day)")
def my_week(actor: CurrentActor, day: date | None = None):
    with db_session() as s, transaction(s):
        return timesheets.my_week(s, actor, day or utcnow().date())


@router.delete("/time-entries/{entry_id}", response_model=TaskRead, summary="Take back a time entry (yours)")
def remove_time(entry_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return timesheets.remove_entry(s, actor, entry_id, now=utcnow())


@router.get("/projects/{project_id}/timesheets", response_model=WeekRead,
            summary="Leads: the project's time of the week of `day`, by member, with totals")
def team_week(project_id: int, actor: CurrentActor, day: date | None = None):
    with db_session() as s, transaction(s):
        return timesheets.team_week(s, actor, project_id, day or utcnow().date())


@router.get("/projects/{project_id}/schedule", response_model=list[GanttRow], summary="Steps per episode with the deadline")
def schedule(project_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return grid.gantt_rows(s, actor, project_id)


@router.get("/projects/{project_id}/dashboard", response_model=StudioDashboard, responses=EXPORTABLE,
            summary="Progress, first-pass rate, rework, throughput vs quota, late tasks (parts export as CSV/xlsx)")
def project_dashboard(project_id: int, actor: CurrentActor, today: date | None = None, part: DashboardPart = "summary",
                      format: Format = "json"):
    with db_session() as s, transaction(s):
        board = dashboard.dashboard(s, actor, project_id, today=today or utcnow().date())
    if format == "json" or part == "summary":
        return board
    rows, columns = {"progress": (board.cells, dashboard.PROGRESS_COLUMNS),
                     "throughput": (board.throughput, dashboard.THROUGHPUT_COLUMNS),
                     "late": (board.late, dashboard.LATE_COLUMNS)}[part]
    return listing(rows, columns, format, f"studio-{part}")


@router.get("/activity/{entity}/{entity_id}", response_model=list[ActivityRead],
            summary="The activity feed of a project, cut, asset or task (purged after the retention)")
def activity_feed(entity: str, entity_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return activity.feed(s, actor, entity, entity_id)


@router.put("/settings/activity-retention", response_model=RetentionBody, summary="Days the activity feed is kept (admins)")
def set_retention(body: RetentionBody, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return RetentionBody(days=activity.set_retention(s, actor, body.days, now=utcnow()))


class BatchApproved(BaseModel):
    approved: int


@router.get("/reviews/{stage}", response_model=list[QueuedTask], responses=errors(422),
            summary="Tasks waiting for my QC1 or QC2 decision, with their latest version")
def review_queue_list(stage: Literal["qc1", "qc2"], actor: CurrentActor, project_id: int | None = None) -> list[QueuedTask]:
    with db_session() as s, transaction(s):
        return review_queue.queue(s, actor, stage, project_id=project_id)


@router.post("/reviews/{stage}/approve", response_model=BatchApproved, responses=errors(409, 422),
             summary="Approve the latest version of several tasks at QC1 or QC2: all of them or none")
def review_queue_approve(stage: Literal["qc1", "qc2"], body: BatchApproval, actor: CurrentActor) -> BatchApproved:
    with db_session() as s, transaction(s):
        return BatchApproved(approved=review_queue.approve_many(s, actor, stage, body, now=utcnow()))
