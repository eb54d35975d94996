"""/quality/sop-tickets (list, charge a department, export) and /quality/sop-ticket?id=N (respond,
accept or dispute, reassign with a justification, history)."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.form_sections import laid_out_form
from rxapp.components.master import form_field, select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import (
    TOUCH,
    date_cell,
    dialog,
    error_state,
    form_buttons,
    list_states,
    loading,
    page_header,
    text_input,
)
from rxapp.i18n import _
from rxapp.pages.quality.ncr_detail import _history_row, _transition_button
from rxapp.state.quality.sop_tickets import SopTicketsState as S
from rxapp.state.quality.sop_tickets import SopTicketState as T
from rxapp.state.quality.sop_tickets import TicketRow


def _status(row: TicketRow) -> rx.Component:
    return rx.flex(rx.badge(row.status_name, color_scheme=rx.cond(row.is_closed, "green", "blue"), variant="soft"),
                   rx.cond(row.escalated, rx.badge(_("Escalated"), color_scheme="red")), spacing="1")


def _row(t: TicketRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(rx.text.strong(t.number), href=t.href)), rx.table.cell(t.title),
        rx.table.cell(t.sop_reference), rx.table.cell(t.charging), rx.table.cell(t.charged),
        rx.table.cell(_status(t)), date_cell(t.due), data_testid="sop-row",
    )


def _new_dialog() -> rx.Component:
    e = S.form_errors
    return dialog(_("Charge a department"), rx.form(rx.flex(
        laid_out_form(S.form_sections, {
            "charging_department_id": select_control("charging_department_id", S.departments, default_value="",
                                                     placeholder="—"),
            "charged_department_id": select_control("charged_department_id", S.departments, default_value="",
                                                    placeholder="—"),
            "title": text_input("title"),
            "sop_reference": text_input("sop_reference", placeholder=_("The procedure's number.")),
            "description": rx.text_area(name="description", id="description", width="100%"),
        }, e),
        form_buttons(_("Raise ticket"), S.set_form_open(False)),
        direction="column", spacing="3"), on_submit=S.save, reset_on_submit=False),
        open=S.form_open, on_open_change=S.set_form_open)


def _head(h) -> rx.Component:
    return rx.flex(rx.text(h.label, min_width="200px"),
                   rx.box(select_control("head", S.people, value=h.head, placeholder=_("nobody"),
                                         on_change=lambda v: S.set_head(h.department_id, v),
                                         aria_label=_("Head of department")), width="240px"),
                   align="center", spacing="3", wrap="wrap", data_testid="department-head")


def _heads() -> rx.Component:
    return rx.cond(S.heads.length() > 0, rx.card(
        rx.heading(_("Heads of department"), size="4"),
        rx.text(_("Unanswered and disputed tickets escalate to the head of the charged department."),
                size="2", color_scheme="gray", margin_bottom="8px"),
        rx.flex(rx.foreach(S.heads, _head), direction="column", spacing="2"),
        width="100%", margin_top="16px"))


def sop_tickets_page() -> rx.Component:
    return shell(
        page_header(_("SOP tickets"), _("One department charges another for a failure to follow an SOP.")),
        rx.flex(
            rx.input(placeholder=_("Search number, title or SOP"), value=S.search, on_change=S.set_search,
                     debounce_timeout=300, size="3", flex="1", min_width="220px", aria_label=_("Search")),
            rx.box(select_control("show", [("open", _("Open")), ("all", _("All"))],
                                  value=rx.cond(S.open_only, "open", "all"), on_change=S.set_open_only,
                                  aria_label=_("Show")), width="120px"),
            rx.button(rx.icon("download", size=16), "CSV", variant="soft", on_click=S.export("csv"), min_height=TOUCH),
            rx.button(rx.icon("sheet", size=16), "Excel", variant="soft", on_click=S.export("xlsx"), min_height=TOUCH),
            rx.button(rx.icon("plus"), _("Charge a department"), on_click=S.open_new, size="3", min_height=TOUCH),
            spacing="2", wrap="wrap", align="center", width="100%", margin_bottom="12px"),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No SOP tickets match."), S.load,
                    table([_("Number"), _("Title"), _("SOP"), _("Charged by"), _("Charged"), _("Status"), _("Due")],
                          rx.foreach(S.rows, _row))),
        _heads(),
        _new_dialog(),
    )


def _ticket() -> rx.Component:
    t, e = T.ticket, T.errors
    return rx.flex(
        rx.link(rx.flex(rx.icon("arrow-left", size=18), _("All SOP tickets"), align="center", spacing="1",
                        min_height=TOUCH), href=routes.SOP_TICKETS, underline="none"),
        rx.flex(rx.heading(t.number, size="7", as_="h1"), _status(t), align="center", spacing="3", wrap="wrap"),
        rx.text(t.title, size="4", weight="medium"),
        rx.text(t.charging, " → ", t.charged, " · ", _("SOP"), " ", t.sop_reference, color_scheme="gray"),
        rx.text(T.description, white_space="pre-wrap"),
        rx.cond(t.due != "", rx.text(_("Due in this state by"), ": ", t.due, color_scheme="gray", size="2")),
        rx.card(
            rx.heading(_("Next step"), size="4", margin_bottom="8px"),
            rx.cond(T.refusal != "", rx.callout.root(rx.callout.text(T.refusal), color_scheme="red", role="alert",
                                                      margin_bottom="8px")),
            rx.input(placeholder=_("Comment (some steps need one)"), value=T.comment, on_change=T.set_comment,
                     size="3", width="100%", margin_bottom="8px", aria_label=_("Comment")),
            rx.flex(rx.foreach(T.transitions, lambda b: _transition_button(b, T.move)), spacing="3", wrap="wrap"),
            width="100%"),
        rx.cond(t.can_work, rx.card(rx.form(rx.flex(
            form_field(_("Response of the charged department"),
                       rx.text_area(name="response", id="response", default_value=T.response, width="100%"),
                       e, "response"),
            rx.button(_("Save response"), type="submit", size="3", min_height=TOUCH, align_self="end"),
            direction="column", spacing="2"), on_submit=T.respond, reset_on_submit=False,
            key=t.id.to_string() + t.status_name), width="100%")),
        rx.cond(t.can_work, rx.card(rx.form(rx.flex(
            rx.heading(_("Reassign"), size="4"),
            form_field(_("To department"), select_control("to_department_id", T.departments, default_value="",
                                                          placeholder="—"), e, "to_department_id"),
            form_field(_("Justification"), rx.text_area(name="justification", id="justification", width="100%"), e,
                       "justification"),
            rx.button(_("Reassign"), type="submit", size="3", min_height=TOUCH, align_self="end"),
            direction="column", spacing="2"), on_submit=T.reassign, reset_on_submit=True), width="100%")),
        rx.cond(T.reassignments.length() > 0, rx.card(
            rx.heading(_("Reassignments"), size="4"), rx.foreach(T.reassignments, lambda r: rx.text(r, size="2")),
            width="100%")),
        rx.card(rx.heading(_("History"), size="4", margin_bottom="8px"),
                rx.flex(rx.foreach(T.history, _history_row), direction="column", spacing="2"), width="100%"),
        direction="column", spacing="4", width="100%",
    )


def sop_ticket_page() -> rx.Component:
    return shell(rx.cond(T.loading, loading(), rx.cond(T.load_error != "", error_state(T.load_error, T.load),
                                                        _ticket())))
