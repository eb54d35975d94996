"""Phone pages: /maintenance/report (report a breakdown with photos from the camera) and /maintenance/my (the
technician's open tickets with big buttons). One column, touch targets of at least 48 px."""
from __future__ import annotations

import reflex as rx

from rxapp.components.form_sections import laid_out_form
from rxapp.components.master import select_control
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, error_state, loading, page_header, text_input
from rxapp.i18n import _
from rxapp.pages.maintenance.common import camera_upload, sla_badge
from rxapp.state.maintenance.floor import MyTicket, MyTicketsState, ReportState
from rxapp.state.maintenance.tickets import PRIORITY_OPTIONS

REPORT_UPLOAD = "maintenance-report-photo"


def report_page() -> rx.Component:
    e = ReportState.errors
    return shell(
        page_header(_("Report a breakdown"), _("Tell maintenance what is wrong; add a photo.")),
        rx.form(rx.flex(
            laid_out_form(ReportState.form_sections, {
                "machine_id": select_control("machine_id", ReportState.machines, value=ReportState.machine_id,
                                             on_change=ReportState.set_machine, placeholder="—"),
                "reason_code_id": select_control("reason_code_id", ReportState.symptoms, default_value="",
                                                 placeholder="—"),
                "title": text_input("title", placeholder=_("What is wrong")),
                "description": rx.text_area(name="description", id="description", width="100%",
                                            placeholder=_("Details")),
                "priority": select_control("priority", PRIORITY_OPTIONS, default_value="high"),
            }, e),
            camera_upload(
                REPORT_UPLOAD, ReportState.add_photos(rx.upload_files(upload_id=REPORT_UPLOAD)),
                rx.flex(rx.icon("camera", size=28), rx.text(_("Take or choose a photo"), size="4"), align="center",
                        spacing="2", justify="center"),
                border=f"2px dashed {rx.color('gray', 7)}", border_radius="8px", padding="16px", min_height="64px",
                cursor="pointer", data_testid="report-photo"),
            rx.flex(rx.foreach(ReportState.photo_names, lambda n: rx.badge(rx.icon("image", size=14), n, size="2")),
                    rx.cond(ReportState.photo_names.length() > 0,
                            rx.button(_("Remove photos"), variant="soft", on_click=ReportState.clear_photos,
                                      min_height=TOUCH)),
                    spacing="2", wrap="wrap", data_testid="report-photos"),
            rx.button(rx.icon("send"), _("Send to maintenance"), type="submit", size="4", min_height="56px",
                      data_testid="report-submit"),
            rx.cond(ReportState.done_number != "",
                    rx.callout(_("Sent: ") + ReportState.done_number, color_scheme="green", data_testid="report-done")),
            direction="column", spacing="4", max_width="560px"), on_submit=ReportState.submit, reset_on_submit=True),
    )


def _card(t: MyTicket) -> rx.Component:
    return rx.card(
        rx.flex(rx.link(rx.heading(t.number, size="6"), href=t.href), rx.badge(t.status, size="3"),
                rx.badge(t.priority, variant="soft"), spacing="2", align="center", wrap="wrap"),
        rx.text(t.machine, " · ", t.title, size="4"),
        sla_badge(t.sla_state, t.sla_color, t.due_iso, t.remaining),
        rx.flex(rx.foreach(t.moves, lambda m: rx.button(m.name, on_click=MyTicketsState.move(t.id, m.key), size="4",
                                                        min_height="56px", data_testid="my-move")),
                spacing="2", wrap="wrap", margin_top="8px"),
        width="100%", data_testid="my-ticket")


def _cards(tickets) -> rx.Component:
    return rx.flex(rx.foreach(tickets, _card), direction="column", spacing="3", max_width="640px", width="100%")


def my_tickets_page() -> rx.Component:
    return shell(
        page_header(_("My tickets"), _("Your open maintenance work, the most urgent first.")),
        rx.cond(MyTicketsState.loading, loading(), rx.cond(
            MyTicketsState.error != "", error_state(MyTicketsState.error, MyTicketsState.load),
            rx.flex(
                rx.cond(MyTicketsState.tickets.length() > 0, _cards(MyTicketsState.tickets),
                        rx.text(_("Nothing assigned to you. Well done."), color_scheme="gray",
                                data_testid="my-empty")),
                rx.cond(MyTicketsState.to_take.length() > 0, rx.flex(
                    rx.heading(_("Not taken yet"), size="5", as_="h2"),
                    rx.text(_("Open tickets nobody is assigned to. Accept or start one to take it."),
                            color_scheme="gray"),
                    _cards(MyTicketsState.to_take),
                    direction="column", spacing="2", data_testid="to-take")),
                direction="column", spacing="5"))),
    )
