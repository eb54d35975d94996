"""/studio: the projects with their progress, and a "new project" dialog (from a template)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.custom_fields import custom_field_inputs
from rxapp.components.master import form_field, select_control, table
from rxapp.components.second_name import second_name_fields
from rxapp.components.shell import shell
from rxapp.components.ui import dialog, form_buttons, list_states, page_header, text_input
from rxapp.i18n import _
from rxapp.state.studio.projects import ProjectRow
from rxapp.state.studio.projects import StudioProjectsState as S


def _row(p: ProjectRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(rx.text.strong(p.number), href=p.href)),
        rx.table.cell(rx.flex(rx.text(p.name), rx.text(p.name2, size="1", color_scheme="gray"), direction="column")),
        rx.table.cell(p.type_label), rx.table.cell(p.client), rx.table.cell(rx.badge(p.status, variant="soft")),
        rx.table.cell(p.deadline),
        rx.table.cell(rx.flex(rx.progress(value=p.progress, max=100, width="100px", aria_label=_("Progress")),
                              rx.text(p.progress, " %", size="1"), spacing="2", align="center")),
        data_testid="studio-project-row")


def _new_dialog() -> rx.Component:
    e = S.form_errors
    return dialog(_("New project"), rx.form(rx.flex(
        form_field(_("Name"), text_input("name"), e, "name"),
        second_name_fields(e),
        form_field(_("Template"), select_control("template_id", S.templates, default_value="", placeholder="—"),
                   e, "template_id"),
        custom_field_inputs(S.custom_inputs, e),
        form_buttons(_("Create project"), S.set_form_open(False)),
        direction="column", spacing="3"), on_submit=S.create, reset_on_submit=False),
        open=S.form_open, on_open_change=S.set_form_open)


def studio_projects_page() -> rx.Component:
    return shell(
        page_header(_("Studio projects"), _("Series, films and subcontracts: breakdown, tasks and review."),
                    rx.cond(S.permissions.contains("studio_manage"),
                            rx.button(rx.icon("plus"), _("New project"), on_click=S.set_form_open(True),
                                      min_height="40px"))),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No projects yet."), S.load,
                    table([_("Number"), _("Name"), _("Type"), _("Client"), _("Status"), _("Deadline"), _("Progress")],
                          rx.foreach(S.rows, _row))),
        _new_dialog(),
    )
