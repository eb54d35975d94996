"""/maintenance/tickets (list, filters, export, raise a ticket) and /maintenance/ticket?id=N (the ticket with its
SLA countdown, workflow buttons, assignment, checklist, notes, photos and history)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.form_sections import laid_out_form
from rxapp.components.master import select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, dialog, error_state, form_buttons, list_states, page_header, text_input
from rxapp.i18n import _
from rxapp.pages.maintenance.common import camera_upload, sla_badge
from rxapp.pages.maintenance.ticket_work import ticket_work_section
from rxapp.state.maintenance.tickets import PRIORITY_OPTIONS, TicketRow
from rxapp.state.maintenance.tickets import MaintenanceTicketsState as S
from rxapp.state.maintenance.tickets import MaintenanceTicketState as T

PHOTO_UPLOAD = "maintenance-ticket-photo"


def _row(t: TicketRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(rx.text.strong(t.number), href=t.href)), rx.table.cell(t.machine),
        rx.table.cell(t.title), rx.table.cell(t.kind), rx.table.cell(t.priority), rx.table.cell(t.status),
        rx.table.cell(t.assignee), rx.table.cell(sla_badge(t.sla_state, t.sla_color, t.due_iso, t.remaining)),
        data_testid="maintenance-row")


def _new_dialog() -> rx.Component:
    e = S.form_errors
    return dialog(_("Raise a ticket"), rx.form(rx.flex(
        laid_out_form(S.form_sections, {
            "machine_id": select_control("machine_id", S.machines, default_value="", placeholder="—"),
            "priority": select_control("priority", PRIORITY_OPTIONS, default_value="medium"),
            "reason_code_id": select_control("reason_code_id", S.symptoms, default_value="", placeholder="—"),
            "title": text_input("title"),
            "description": rx.text_area(name="description", id="description", width="100%"),
        }, e),
        form_buttons(_("Raise ticket"), S.set_form_open(False)),
        direction="column", spacing="3"), on_submit=S.save, reset_on_submit=False),
        open=S.form_open, on_open_change=S.set_form_open)


def maintenance_tickets_page() -> rx.Component:
    return shell(
        page_header(_("Maintenance tickets"), _("Corrective and preventive work on machines, with SLA.")),
        rx.flex(
            rx.input(placeholder=_("Search number or title"), value=S.search, on_change=S.set_search,
                     debounce_timeout=300, size="3", flex="1", min_width="220px", aria_label=_("Search")),
            rx.box(select_control("machine", S.machines, value=S.machine_id, on_change=S.set_machine,
                                  placeholder=_("All machines"), aria_label=_("Machine")), width="200px"),
            rx.box(select_control("show", [("open", _("Open")), ("all", _("All"))],
                                  value=rx.cond(S.open_only, "open", "all"), on_change=S.set_open_only,
                                  aria_label=_("Show")), width="120px"),
            rx.button(rx.icon("download", size=16), "CSV", variant="soft", on_click=S.export("csv"), min_height=TOUCH),
            rx.button(rx.icon("sheet", size=16), "Excel", variant="soft", on_click=S.export("xlsx"), min_height=TOUCH),
            rx.button(rx.icon("plus"), _("Raise a ticket"), on_click=S.set_form_open(True), size="3", min_height=TOUCH),
            spacing="2", wrap="wrap", align="center", width="100%", margin_bottom="12px"),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No tickets match."), S.load,
                    table([_("Number"), _("Machine"), _("Title"), _("Kind"), _("Priority"), _("Status"), _("Assignee"),
                           _("SLA")], rx.foreach(S.rows, _row))),
        _new_dialog(),
    )


def _move(m) -> rx.Component:
    return rx.tooltip(rx.button(m.name, on_click=T.move(m.key), disabled=~m.allowed, size="3", min_height=TOUCH,
                                data_testid="ticket-move"), content=rx.cond(m.reason != "", m.reason, m.name))


def _item(i) -> rx.Component:
    return rx.flex(rx.checkbox(checked=i.done, on_change=lambda v: T.check(i.index, v), size="3"),
                   rx.text(i.text), rx.text(i.note, color_scheme="gray", size="1"), spacing="2", align="center",
                   min_height=TOUCH)


def _photos() -> rx.Component:
    return rx.flex(
        rx.foreach(T.photos, lambda p: rx.button(rx.icon("image", size=16), p[1], variant="soft",
                                                 on_click=T.open_photo(p[0]), min_height=TOUCH)),
        camera_upload(PHOTO_UPLOAD, T.upload_photo(rx.upload_files(upload_id=PHOTO_UPLOAD)),
                      rx.flex(rx.icon("camera", size=20), rx.text(_("Add a photo")), align="center", spacing="2"),
                      border=f"2px dashed {rx.color('gray', 7)}", border_radius="8px", padding="10px",
                      min_height=TOUCH, cursor="pointer"),
        spacing="2", wrap="wrap", align="center")


def maintenance_ticket_page() -> rx.Component:
    return shell(
        rx.cond(T.error != "", error_state(T.error, T.load), rx.box(
            rx.heading(T.header, size="7", as_="h1"),
            rx.text(T.description, color_scheme="gray", margin_bottom="8px"),
            rx.flex(rx.badge(T.status, size="3"), sla_badge(T.sla_state, T.sla_color, T.due_iso, T.remaining),
                    spacing="3", align="center", wrap="wrap", margin_bottom="12px"),
            rx.flex(rx.foreach(T.moves, _move),
                    rx.input(placeholder=_("Comment"), value=T.comment, on_change=T.set_comment, size="3",
                             min_width="220px", aria_label=_("Comment")),
                    spacing="2", wrap="wrap", align="center", margin_bottom="12px"),
            rx.flex(rx.text(_("Assigned to"), weight="medium"),
                    rx.box(select_control("assignee", T.technicians, value=T.assignee_id, on_change=T.assign,
                                          placeholder=_("nobody"), aria_label=_("Assigned to")), width="240px"),
                    rx.text(T.costs, color_scheme="gray", size="2"),
                    spacing="3", align="center", wrap="wrap", margin_bottom="12px"),
            rx.grid(rx.foreach(T.facts, lambda f: rx.fragment(rx.text(f[0], color_scheme="gray"), rx.text(f[1]))),
                    columns="2", spacing="2", max_width="640px"),
            rx.cond(T.checklist.length() > 0, rx.box(rx.heading(_("Checklist"), size="4", margin_top="16px"),
                                                    rx.foreach(T.checklist, _item))),
            ticket_work_section(),
            rx.heading(_("Photos"), size="4", margin_top="16px"), _photos(),
            rx.heading(_("Notes"), size="4", margin_top="16px"),
            rx.foreach(T.notes, lambda n: rx.text(rx.text.strong(n[1]), " ", n[0], ": ", n[2])),
            rx.form(rx.flex(rx.input(name="text", placeholder=_("Add a note"), size="3", flex="1"),
                            rx.button(_("Add"), type="submit", size="3", min_height=TOUCH), spacing="2"),
                    on_submit=T.add_note, reset_on_submit=True),
            rx.heading(_("History"), size="4", margin_top="16px"),
            rx.foreach(T.history, lambda h: rx.text(h[0], " · ", h[1], " · ", h[2], " ", h[3], size="2")),
        )))


def machine_history_page() -> rx.Component:
    from rxapp.state.maintenance.tickets import MachineHistoryState as H
    return shell(
        rx.cond(H.error != "", error_state(H.error, H.enter), rx.box(
            rx.heading(H.title, size="7", as_="h1"),
            rx.text(_("Everything maintenance did on this machine, and every stop."), color_scheme="gray"),
            rx.heading(_("Tickets"), size="4"),
            table([_("Number"), _("Machine"), _("Title"), _("Kind"), _("Priority"), _("Status"), _("Assignee"),
                   _("SLA")], rx.foreach(H.tickets, _row)),
            rx.heading(_("Stops"), size="4", margin_top="16px"),
            table([_("Start"), _("Minutes"), _("Reason"), "", _("Ticket"), _("Ticket status")],
                  rx.foreach(H.stops, lambda s: rx.table.row(*[rx.table.cell(s[i]) for i in range(6)]))),
            rx.heading(_("Preventive plans"), size="4", margin_top="16px"),
            rx.foreach(H.plans, lambda p: rx.text(p[0], " · ", p[1], " · ", p[2])),
        )))
