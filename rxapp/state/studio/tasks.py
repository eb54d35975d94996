"""/studio/my-tasks (and /studio/portal for vendor accounts): the signed-in person's tasks, phone-first;
/studio/task?id=N: one task with its versions (thumbnails), the upload of a new version, the QC1/QC2
decision form (with a drawing over the latest image, assets/annotate.js), the reviews (drawings shown over
their image) and the activity feed. Every handler goes through services/studio (which re-checks the
actor: an artist cannot approve, QC2 waits for QC1, a vendor sees only its partner's tasks)."""
from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass, field

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.studio.live_project import STATUS_COLORS, STATUS_LABELS
from rxapp.state.studio.project import FeedLine, feed_lines
from services.core import formats
from services.core.errors import DomainError, Invalid, NotFound, Unauthorized
from services.org import profile as profile_service
from services.studio import activity, files, reviews, tasks
from services.studio.annotations import Annotation, parse_annotation
from services.studio.common import is_portal
from services.studio.reviews import Decision
from services.studio.tasks import TaskRead

UPLOAD_ID = "studio-version-files"


@dataclass
class TaskLine:
    id: int = 0
    code: str = ""
    step: str = ""
    status: str = ""
    status_label: str = ""
    color: str = "gray"
    due: str = ""
    loops: int = 0
    href: str = ""


def task_line(t: TaskRead) -> TaskLine:
    return TaskLine(id=t.id, code=t.entity_code, step=t.step_name, status=t.status,
                    status_label=STATUS_LABELS.get(t.status, t.status), color=STATUS_COLORS.get(t.status, "gray"),
                    due=formats.day(t.due_date, fmt="short"), loops=t.rework_loops,
                    href=routes.studio_task_url(t.id))


@dataclass
class FileLine:
    id: int = 0
    name: str = ""
    thumb: str = ""                  # a data: URL of the thumbnail (access checked when it was read)


@dataclass
class VersionLine:
    number: int = 0
    status: str = ""
    comment: str = ""
    at: str = ""
    files: list[FileLine] = field(default_factory=list)


@dataclass
class StrokeLine:
    color: str = ""
    width: float = 3
    points: str = ""                 # "x,y x,y ..." in a 1000 x 1000 box laid over the image


@dataclass
class ReviewLine:
    stage: str = ""
    decision: str = ""
    version: int = 0
    comment: str = ""
    where: str = ""
    at: str = ""
    image: str = ""                  # the annotated image's thumbnail (data: URL), "" without a drawing
    strokes: list[StrokeLine] = field(default_factory=list)


def stroke_lines(annotation: Annotation | None) -> list[StrokeLine]:
    return [StrokeLine(color=s.color, width=s.width,
                       points=" ".join(f"{x * 1000:.1f},{y * 1000:.1f}" for x, y in s.points))
            for s in (annotation.strokes if annotation else [])]


class PartnerGuard(AuthState, mixin=True):
    """Pages open to internal people (VIEW) and to vendor accounts (STUDIO_PORTAL)."""

    @rx.event
    def require_reader_or_partner(self):
        try:
            profile = self._use_case(profile_service.get_profile)
        except DomainError as error:
            return self._ask_to_log_in(error.message if isinstance(error, Unauthorized) else "Log in first.")
        self._show_profile(profile)
        if not {"view", "studio_portal"} & set(self.permissions):
            return rx.redirect(routes.NOT_ALLOWED)
        return None


def _mine(session, actor):
    return tasks.list_tasks(session, actor, mine=not is_portal(actor), limit=500)


class MyTasksState(AuthState):
    lines: list[TaskLine] = []
    loading: bool = True
    load_error: str = ""

    @rx.event
    def load(self):
        try:
            rows = self._use_case(_mine)
        except DomainError as error:
            self.lines, self.loading, self.load_error = [], False, _(error.message)
            return self._refused(error, quiet=True)
        order = {s: i for i, s in enumerate(("rework", "in_progress", "todo", "waiting_review", "qc1", "qc2", "approved"))}
        self.lines = [task_line(t) for t in sorted(rows, key=lambda t: (order.get(t.status, 9), t.due_date or utcnow().date()))]
        self.loading, self.load_error = False, ""


def _detail(session, actor, task_id: int):
    """The task, its versions, thumbnails (of the last 3 versions and of annotated images), reviews, feed."""
    task = tasks.get_task_read(session, actor, task_id)
    versions = reviews.versions(session, actor, task_id)
    review_rows = reviews.reviews(session, actor, task_id)
    wanted = {f.id for v in versions[-3:] for f in v.files if f.has_thumbnail}
    wanted |= {r.annotation.file_id for r in review_rows if r.annotation}
    thumbs = {}
    for file_id in sorted(wanted):
        try:
            _, content_type, data = files.open_file(session, actor, file_id, thumbnail=True)
        except NotFound:
            continue
        thumbs[file_id] = f"data:{content_type};base64,{base64.b64encode(data).decode()}"
    feed = [] if is_portal(actor) else activity.feed(session, actor, "task", task_id, limit=50)
    return task, versions, thumbs, review_rows, feed


class TaskState(PartnerGuard, AuthState):
    task_id: int = 0
    code: str = ""
    step: str = ""
    status: str = ""
    status_label: str = ""
    color: str = "gray"
    loops: int = 0
    load_error: str = ""
    versions: list[VersionLine] = []
    review_lines: list[ReviewLine] = []
    feed: list[FeedLine] = []
    comment_error: str = ""
    uploading: bool = False
    draw_file_id: int = 0            # the latest version's first image, drawn on in the decision form
    draw_src: str = ""

    @rx.var
    def can_submit(self) -> bool:
        return self.status in ("todo", "in_progress", "rework") and (
            "studio_work" in self.permissions or "studio_portal" in self.permissions)

    @rx.var
    def can_qc1(self) -> bool:
        return self.status in ("waiting_review", "qc1") and "studio_qc1" in self.permissions

    @rx.var
    def can_qc2(self) -> bool:
        return self.status == "qc2" and "studio_qc2" in self.permissions

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.task_id = as_id(query.get("id", ""))
        self.comment_error = ""
        return TaskState.load

    @rx.event
    def load(self):
        try:
            task, versions, thumbs, review_rows, feed = self._use_case(_detail, self.task_id)
        except DomainError as error:
            self.load_error = _(error.message)
            return self._refused(error, quiet=True)
        self.load_error = ""
        self.code, self.step, self.status, self.loops = task.entity_code, task.step_name, task.status, task.rework_loops
        self.status_label, self.color = STATUS_LABELS.get(task.status, task.status), STATUS_COLORS.get(task.status, "gray")
        self.versions = [VersionLine(number=v.number, status=v.status, comment=v.comment,
                                     at=self._when(v.submitted_at),
                                     files=[FileLine(id=f.id, name=f.filename, thumb=thumbs.get(f.id, ""))
                                            for f in v.files]) for v in reversed(versions)]
        self.review_lines = [ReviewLine(stage=r.stage.upper(), decision=r.decision, version=r.version_number,
                                        comment=r.comment, at=self._when(r.at),
                                        where=(f"#{r.frame}" if r.frame is not None else "") + (f" {r.timecode}" if r.timecode else ""))
                             for r in reversed(review_rows)]
        for line, r in zip(self.review_lines, reversed(review_rows), strict=True):
            if r.annotation and r.annotation.file_id in thumbs:
                line.image, line.strokes = thumbs[r.annotation.file_id], stroke_lines(r.annotation)
        latest = versions[-1].files if versions else []
        image = next((f for f in latest if f.content_type.startswith("image/") and f.id in thumbs), None)
        self.draw_file_id, self.draw_src = (image.id, thumbs[image.id]) if image else (0, "")
        self.feed = feed_lines(feed)

    @rx.event
    async def submit(self, uploads: list[rx.UploadFile]):
        if not uploads:
            yield rx.toast.error(_("Choose at least one file."))
            return
        self.uploading = True
        yield
        items = []
        for u in uploads:
            name = u.name or "file"
            kind = getattr(u, "content_type", None) or mimetypes.guess_type(name)[0] or "application/octet-stream"
            items.append(files.Upload(filename=name, content_type=kind, data=await u.read()))
        try:
            version = self._use_case(reviews.submit_version, self.task_id, items, now=utcnow())
        except DomainError as error:
            self.uploading = False
            for event in self._refused(error):
                yield event
            return
        self.uploading = False
        yield rx.clear_selected_files(UPLOAD_ID)
        yield rx.toast.success(_("Version {n} submitted for review").format(n=version.number))
        yield TaskState.load

    @rx.event
    def decide(self, form: dict):
        stage, decision = ("qc2" if self.status == "qc2" else "qc1"), str(form.get("decision", ""))
        frame = str(form.get("frame", "")).strip()
        try:
            data = Decision(decision=decision, comment=str(form.get("comment", "")), reason=str(form.get("reason", "")),
                            frame=int(frame) if frame.isdigit() else None, timecode=str(form.get("timecode", "")),
                            annotation=parse_annotation(str(form.get("annotation", "") or "")),
                            share_with_client=form.get("share") in ("on", True, "true"))
            self._use_case(reviews.decide, self.task_id, stage, data, now=utcnow())
        except Invalid as error:
            if "annotation" in error.fields:
                return rx.toast.error(_(error.fields["annotation"]))
            self.comment_error = _(error.fields.get("comment") or error.message)
            return None
        except DomainError as error:
            return self._refused(error)
        self.comment_error = ""
        return [rx.toast.success(_("Decision saved")), TaskState.load]
