"""The milestones tab of /studio/project: due dates and status of a project's milestones, late ones in red."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field, table
from rxapp.components.ui import TOUCH, date_cell, text_input
from rxapp.i18n import _
from rxapp.state.studio.milestones import MilestoneLine
from rxapp.state.studio.milestones import MilestonesState as M
from rxapp.state.studio.project import StudioProjectState as S


def _line(m: MilestoneLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text.strong(m.name)), date_cell(m.due),
        rx.table.cell(rx.flex(rx.badge(m.status_label, variant="soft"),
                              rx.cond(m.late, rx.badge(_("Late"), color_scheme="red", variant="solid")), spacing="1")),
        rx.table.cell(m.reached), rx.table.cell(m.note),
        rx.table.cell(rx.cond(S.can_manage, rx.cond(
            m.status == "open",
            rx.flex(rx.button(_("Reached"), size="1", variant="soft", on_click=M.set_status(m.id, "reached")),
                    rx.button(_("Drop"), size="1", variant="ghost", on_click=M.set_status(m.id, "dropped")), spacing="1"),
            rx.button(_("Reopen"), size="1", variant="ghost", on_click=M.set_status(m.id, "open"))))),
        data_testid="milestone-row")


def milestones_tab() -> rx.Component:
    return rx.flex(
        rx.cond(S.can_manage, rx.form(rx.flex(
            rx.box(form_field(_("Milestone"), text_input("name"), M.form_errors, "name"), flex="2", min_width="200px"),
            rx.box(form_field(_("Due date"), text_input("due_date", type="date"), M.form_errors, "due_date"),
                   width="180px"),
            rx.box(form_field(_("Note"), text_input("note"), M.form_errors, "note"), flex="2", min_width="160px"),
            rx.button(rx.icon("plus"), _("Add milestone"), type="submit", min_height=TOUCH, align_self="end"),
            spacing="2", wrap="wrap"), on_submit=M.add, reset_on_submit=True)),
        rx.cond(M.lines.length() > 0,
                table([_("Milestone"), _("Due date"), _("Status"), _("Reached on"), _("Note"), ""], rx.foreach(M.lines, _line)),
                rx.text(_("No milestones yet."), color_scheme="gray")),
        direction="column", spacing="3", width="100%")
