"""The work section of the ticket page: labour entries (book, edit and delete one's own) and spare parts issued
from a storage location of the ticket's plant."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import edit_button, form_field, row_actions, select_control, table
from rxapp.components.ui import TOUCH, text_input
from rxapp.i18n import _
from rxapp.state.maintenance.ticket_work import LabourRow, PartRow
from rxapp.state.maintenance.ticket_work import TicketWorkState as W


def _labour_fields(started, ended, note) -> list[rx.Component]:
    e = W.labour_errors
    return [
        rx.box(form_field(_("From (UTC)"), text_input("started_at", type="datetime-local", default_value=started), e,
                          "started_at"), width="210px"),
        rx.box(form_field(_("To (UTC)"), text_input("ended_at", type="datetime-local", default_value=ended), e,
                          "ended_at"), width="210px"),
        rx.box(form_field(_("Note"), text_input("note", default_value=note), e, "note"), flex="1", min_width="180px")]


def _labour_row(r: LabourRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r.who), rx.table.cell(r.started), rx.table.cell(r.ended), rx.table.cell(r.hours),
        rx.table.cell(r.note),
        row_actions(rx.cond(r.own, rx.fragment(
            edit_button(W.edit_labour(r.id)),
            rx.button(_("Delete"), size="2", variant="ghost", color_scheme="red", on_click=W.delete_labour(r.id),
                      data_testid="labour-delete")))),
        data_testid="labour-row")


def _edit_labour() -> rx.Component:
    return rx.form(rx.flex(
        *_labour_fields(W.edit_started, W.edit_ended, W.edit_note),
        rx.button(_("Save"), type="submit", size="3", min_height=TOUCH),
        rx.button(_("Cancel"), type="button", variant="soft", color_scheme="gray", size="3", min_height=TOUCH,
                  on_click=W.cancel_labour_edit),
        spacing="3", wrap="wrap", align="end"), on_submit=W.save_labour, reset_on_submit=False,
        key=W.version.to_string() + "edit-labour", data_testid="labour-edit")


def _new_labour() -> rx.Component:
    return rx.form(rx.flex(
        *_labour_fields("", "", ""),
        rx.button(rx.icon("plus"), _("Book my time"), type="submit", size="3", min_height=TOUCH),
        spacing="3", wrap="wrap", align="end"), on_submit=W.add_labour, reset_on_submit=False,
        key=W.version.to_string() + "labour", data_testid="labour-form")


def _part_row(p: PartRow) -> rx.Component:
    return rx.table.row(rx.table.cell(p.part), rx.table.cell(p.location), rx.table.cell(p.quantity),
                        rx.table.cell(p.cost), data_testid="issued-part")


def _issue_part() -> rx.Component:
    e = W.part_errors
    return rx.form(rx.flex(
        rx.box(form_field(_("Part and location"), select_control("stock", W.stock_options, default_value="",
                                                                 placeholder="—"), e, "stock"),
               min_width="260px", flex="1"),
        rx.box(form_field(_("Quantity"), text_input("quantity", default_value="1", input_mode="numeric"), e,
                          "quantity"), width="110px"),
        rx.button(rx.icon("package-minus"), _("Issue to ticket"), type="submit", size="3", min_height=TOUCH),
        spacing="3", wrap="wrap", align="end"), on_submit=W.issue_part, reset_on_submit=False,
        key=W.version.to_string() + "parts", data_testid="issue-form")


def ticket_work_section() -> rx.Component:
    return rx.box(
        rx.heading(_("Labour"), size="4", margin_top="16px"),
        table([_("Who"), _("From"), _("To"), _("Hours"), _("Note"), ""], rx.foreach(W.labour, _labour_row)),
        rx.cond(W.editing_labour != 0, _edit_labour(), _new_labour()),
        rx.heading(_("Spare parts"), size="4", margin_top="16px"),
        table([_("Part"), _("Location"), _("Quantity"), _("Cost")], rx.foreach(W.issued, _part_row)),
        _issue_part(),
        width="100%")
