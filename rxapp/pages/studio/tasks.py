"""/studio/my-tasks and /studio/portal (phone-first list of one's tasks) and /studio/task?id=N (versions
with thumbnails, upload of a new version, the QC1/QC2 decision with a comment, a frame or timecode and a
drawing over the latest image, reviews with their drawings over the image, and the activity feed)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.custom_fields import custom_field_inputs
from rxapp.components.master import form_field, select_control
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, error_state, list_states, page_header, text_input, upload_zone
from rxapp.i18n import _
from rxapp.state.studio.assign import TaskAssignState as A
from rxapp.state.studio.project import FeedLine
from rxapp.state.studio.tasks import (
    UPLOAD_ID,
    FileLine,
    MyTasksState,
    ReviewLine,
    StrokeLine,
    TaskLine,
    VersionLine,
)
from rxapp.state.studio.tasks import TaskState as T

ACCEPT = {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"], "image/gif": [".gif"],
          "video/mp4": [".mp4"], "video/quicktime": [".mov"], "application/pdf": [".pdf"], "application/zip": [".zip"]}


def _task_card(t: TaskLine) -> rx.Component:
    return rx.link(rx.card(rx.flex(
        rx.flex(rx.text.strong(t.code), rx.text(t.step, size="2", color_scheme="gray"), direction="column"),
        rx.flex(rx.badge(t.status_label, color_scheme=t.color, variant="solid"),
                rx.text(t.due, size="1", color_scheme="gray", white_space="nowrap"), direction="column", align="end"),
        justify="between", align="center", min_height=TOUCH)), href=t.href, underline="none", data_testid="my-task")


def my_tasks_page() -> rx.Component:
    return shell(
        page_header(_("My tasks"), _("Rework first, then what is in progress and to do.")),
        list_states(MyTasksState.loading, MyTasksState.load_error, MyTasksState.lines.length() == 0,
                    _("Nothing assigned to you."), MyTasksState.load,
                    rx.flex(rx.foreach(MyTasksState.lines, _task_card), direction="column", spacing="2")),
    )


def _file(f: FileLine) -> rx.Component:
    return rx.flex(rx.cond(f.thumb != "", rx.image(src=f.thumb, width="160px", alt=f.name)), rx.text(f.name, size="1"),
                   direction="column", spacing="1")


def _version(v: VersionLine) -> rx.Component:
    return rx.card(rx.flex(rx.text.strong("v", v.number), rx.badge(v.status, variant="soft"),
                           rx.text(v.at, size="1", color_scheme="gray"), spacing="2", align="center"),
                   rx.text(v.comment, size="2"), rx.flex(rx.foreach(v.files, _file), spacing="2", wrap="wrap"),
                   data_testid="version")


def _stroke(s: StrokeLine) -> rx.Component:
    return rx.el.svg.polyline(points=s.points, fill="none", stroke=s.color, stroke_width=s.width,
                              stroke_linecap="round", stroke_linejoin="round", vector_effect="non-scaling-stroke")


def _drawing(r: ReviewLine) -> rx.Component:
    """The reviewer's strokes over the image they were drawn on (both scale with the box)."""
    return rx.box(
        rx.image(src=r.image, width="100%", display="block", alt=_("Annotated image")),
        rx.el.svg(rx.foreach(r.strokes, _stroke), view_box="0 0 1000 1000", preserve_aspect_ratio="none",
                  position="absolute", top="0", left="0", width="100%", height="100%", pointer_events="none"),
        position="relative", width="100%", max_width="480px", data_testid="review-drawing")


def _review(r: ReviewLine) -> rx.Component:
    return rx.flex(
        rx.flex(rx.badge(r.stage), rx.badge(r.decision, color_scheme=rx.cond(r.decision == "approve", "green", "red")),
                rx.text("v", r.version, size="1"), rx.text(r.where, size="1"), rx.text(r.comment, size="2"),
                rx.text(r.at, size="1", color_scheme="gray"), spacing="2", align="center", wrap="wrap"),
        rx.cond(r.image != "", _drawing(r)),
        direction="column", spacing="2", data_testid="review")


def _draw_area() -> rx.Component:
    """The latest version's image with a canvas on top: assets/annotate.js turns strokes into the form's
    hidden 'annotation' field."""
    return rx.flex(
        rx.text(_("Draw on the image to show what to change (optional)"), size="1", color_scheme="gray"),
        rx.box(
            rx.image(src=T.draw_src, width="100%", display="block", alt=_("Image under review")),
            rx.el.canvas(custom_attrs={"data-annotate": "", "data-file-id": T.draw_file_id},
                         position="absolute", top="0", left="0", width="100%", height="100%",
                         touch_action="none", cursor="crosshair", aria_label=_("Drawing area"),
                         data_testid="annotate-canvas"),
            position="relative", width="100%", max_width="480px"),
        rx.el.input(type="hidden", name="annotation", default_value=""),
        rx.button(rx.icon("eraser"), _("Clear drawing"), type="button", variant="soft", min_height=TOUCH,
                  custom_attrs={"data-annotate-clear": ""}, data_testid="annotate-clear"),
        rx.script(src="/annotate.js"),
        direction="column", spacing="2", align="start")


def _upload() -> rx.Component:
    return rx.flex(
        upload_zone(_("Version files"), rx.flex(rx.icon("image-up", size=28), rx.text(_("Choose or drop the files of your version")),
                               direction="column", align="center", spacing="2"),
                       id=UPLOAD_ID, multiple=True, accept=ACCEPT, border="2px dashed var(--gray-7)",
                       border_radius="8px", padding="20px", width="100%", data_testid="version-upload"),
        rx.foreach(rx.selected_files(UPLOAD_ID), lambda name: rx.text(name, size="1")),
        rx.button(rx.icon("send"), _("Submit for review"), on_click=T.submit(rx.upload_files(upload_id=UPLOAD_ID)),
                  loading=T.uploading, min_height=TOUCH, width="100%", data_testid="submit-version"),
        direction="column", spacing="2", width="100%")


def _decision() -> rx.Component:
    return rx.form(rx.flex(
        rx.heading(rx.cond(T.status == "qc2", _("QC2 decision"), _("QC1 decision")), size="3"),
        rx.radio_group(["approve", "reject"], name="decision", default_value="approve", direction="row"),
        rx.text_area(name="comment", placeholder=_("Comment (required to reject)"), width="100%",
                     aria_label=_("Comment")),
        rx.cond(T.comment_error != "", rx.text(T.comment_error, color_scheme="red", size="1")),
        rx.flex(text_input("frame", placeholder=_("Frame")), text_input("timecode", placeholder=_("Timecode")), spacing="2"),
        rx.cond(T.draw_src != "", _draw_area()),
        rx.checkbox(_("Share with the client"), name="share"),
        rx.button(_("Save decision"), type="submit", min_height=TOUCH, data_testid="save-decision"),
        direction="column", spacing="2"), on_submit=T.decide, reset_on_submit=True)


def _assign() -> rx.Component:
    """Managers: who does the task (a slot or a vendor), when, and the estimate against the time spent."""
    e = A.errors
    return rx.form(rx.flex(
        rx.heading(_("Assignment"), size="3", width="100%"),
        rx.box(form_field(_("Member slot"), select_control("assignee_member_id", A.member_options,
                                                           default_value=A.assignee, placeholder="—"), e,
                          "assignee_member_id"), min_width="220px"),
        rx.box(form_field(_("Vendor"), select_control("vendor_partner_id", A.vendor_options, default_value=A.vendor,
                                                      placeholder="—"), e, "vendor_partner_id"), min_width="180px"),
        rx.box(form_field(_("Start"), text_input("start_date", type="date", default_value=A.start_date), e, "start_date"),
               width="160px"),
        rx.box(form_field(_("Due"), text_input("due_date", type="date", default_value=A.due_date), e, "due_date"),
               width="160px"),
        rx.box(form_field(_("Estimate (h)"), text_input("estimate_hours", default_value=A.estimate), e, "estimate_hours"),
               rx.text(_("Spent"), " ", A.spent, " h", size="1", color_scheme="gray", data_testid="task-spent"),
               width="130px"),
        rx.box(custom_field_inputs(A.custom_inputs, e), width="100%"),
        rx.button(_("Save assignment"), type="submit", min_height=TOUCH, data_testid="save-assignment"),
        spacing="3", wrap="wrap", align="end"), on_submit=A.save, reset_on_submit=False, key=A.task_id)


def _feed(f: FeedLine) -> rx.Component:
    return rx.text(f.at, " · ", f.who, " · ", f.action, " · ", f.changes, size="1")


def task_page() -> rx.Component:
    return shell(
        page_header(T.code + " · " + T.step, ""),
        rx.cond(T.load_error != "", error_state(T.load_error, T.load), rx.flex(
            rx.flex(rx.badge(T.status_label, color_scheme=T.color, variant="solid", size="3", data_testid="task-status"),
                    rx.text(_("Rework loops"), ": ", T.loops, size="2"), spacing="3", align="center"),
            rx.cond(A.can_assign, _assign()),
            rx.cond(T.can_submit, _upload()),
            rx.cond(T.can_qc1 | T.can_qc2, _decision()),
            rx.heading(_("Reviews"), size="3"), rx.foreach(T.review_lines, _review),
            rx.heading(_("Versions"), size="3"), rx.foreach(T.versions, _version),
            rx.heading(_("Activity"), size="3"), rx.foreach(T.feed, _feed),
            direction="column", spacing="3", width="100%")),
    )
