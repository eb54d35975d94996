"""/studio/cut?id=N: a cut's fields (episode, sequence, frames, duration, steps approved), the edit form for
managers (frames, description, custom fields), its tasks per step, the assets cast into it and its activity."""
from __future__ import annotations

import reflex as rx

from rxapp.components.custom_fields import custom_field_inputs
from rxapp.components.master import form_field
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, date_cell, error_state, page_header, scroll_x, text_input
from rxapp.i18n import _
from rxapp.state.studio.cut import CastLine, CutTaskLine
from rxapp.state.studio.cut import CutState as C
from rxapp.state.studio.project import FeedLine


def _fact(label: str, value) -> rx.Component:
    return rx.flex(rx.text(label, size="1", color_scheme="gray"), rx.text.strong(value), direction="column")


def _edit() -> rx.Component:
    e = C.errors
    return rx.form(rx.flex(
        rx.heading(_("Edit the cut"), size="3", width="100%"),
        rx.box(form_field(_("Frame in"), text_input("frame_in", type="number", default_value=C.frame_in), e, "frame_in"),
               width="110px"),
        rx.box(form_field(_("Frame out"), text_input("frame_out", type="number", default_value=C.frame_out), e,
                          "frame_out"), width="110px"),
        rx.box(form_field(_("Description"), text_input("description", default_value=C.description), e, "description"),
               min_width="200px", flex="1"),
        rx.box(custom_field_inputs(C.custom_inputs, e), width="100%"),
        rx.button(_("Save"), type="submit", min_height=TOUCH, data_testid="save-cut"),
        spacing="3", wrap="wrap", align="end"), on_submit=C.save, reset_on_submit=False, key=C.cut_id)


def task_table(lines) -> rx.Component:
    """The entity's tasks, one row per step (shared with /studio/asset)."""
    return scroll_x(rx.table.root(rx.table.header(rx.table.row(
        rx.table.column_header_cell(_("Step")), rx.table.column_header_cell(_("Status")),
        rx.table.column_header_cell(_("Assignee")), rx.table.column_header_cell(_("Due")))),
        rx.table.body(rx.foreach(lines, _task)), size="1"))


def _task(t: CutTaskLine) -> rx.Component:
    return rx.table.row(rx.table.cell(rx.link(t.step, href=t.href)),
                        rx.table.cell(rx.badge(t.status_label, color_scheme=t.color, variant="solid")),
                        rx.table.cell(t.assignee), date_cell(t.due), data_testid="cut-task")


def _cast(a: CastLine) -> rx.Component:
    return rx.text(rx.link(rx.text.strong(a.code), href=a.href, data_testid="cast-asset"), " ", a.name, " ",
                   rx.text(a.kind, as_="span", color_scheme="gray"), size="2")


def feed_line(f: FeedLine) -> rx.Component:
    return rx.text(f.at, " · ", f.who, " · ", f.action, " · ", f.changes, size="1")


def cut_page() -> rx.Component:
    return shell(
        page_header(_("Cut") + " " + C.code, ""),
        rx.cond(C.load_error != "", error_state(C.load_error, C.load), rx.flex(
            rx.link(_("Back to the project"), href=C.project_href, size="2"),
            rx.flex(_fact(_("Episode"), C.episode), _fact(_("Sequence"), C.sequence), _fact(_("Frame in"), C.frame_in),
                    _fact(_("Frame out"), C.frame_out), _fact(_("Duration (frames)"), C.duration),
                    _fact(_("Steps approved"), C.progress), spacing="5", wrap="wrap", data_testid="cut-facts"),
            rx.text(C.description, size="2"),
            rx.cond(C.can_edit, _edit()),
            rx.heading(_("Tasks"), size="3"),
            task_table(C.task_lines),
            rx.heading(_("Assets"), size="3"), rx.foreach(C.cast, _cast),
            rx.heading(_("Activity"), size="3"), rx.foreach(C.feed, feed_line),
            direction="column", spacing="3", width="100%")),
    )
