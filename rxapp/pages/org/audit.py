"""/admin/audit: who changed what and when. People's changes first (a People / Machines and system / All
switch); the machine, station and system traffic summarised in one card per entity and action, each line
opening its entries; filters by user, entity and dates (UTC), a page at a time, each change as
"field: before -> after", with a CSV download of everything the filter shows."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    field,
    list_states,
    page_header,
    scroll_x,
)
from rxapp.i18n import _
from rxapp.state.org.audit import ALL, SOURCES, AuditRow, AuditState, TrafficRow


def _dropdown(value, on_change, all_label: str, items, label: str, test_id: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=label, width="100%", min_height=TOUCH, data_testid=test_id),
        rx.select.content(rx.select.item(all_label, value=ALL), items),
        value=value, on_change=on_change, size="3",
    )


def _filters() -> rx.Component:
    errors = AuditState.filter_errors
    return rx.card(
        rx.grid(
            field(_("User"), _dropdown(AuditState.filter_user, AuditState.set_filter_user, _("Everyone"),
                                     rx.foreach(AuditState.user_choices,
                                                lambda c: rx.select.item(c.label, value=c.value)),
                                     _("User"), "filter-user")),
            field(_("Entity"), _dropdown(AuditState.filter_entity, AuditState.set_filter_entity, _("Everything"),
                                       rx.foreach(AuditState.entity_choices, lambda e: rx.select.item(e, value=e)),
                                       _("Entity"), "filter-entity")),
            field(_("From (UTC)"), rx.input(type="date", value=AuditState.date_from, on_change=AuditState.set_date_from,
                                            id="date_from", size="3", width="100%",
                                            min_height=PHONE_TOUCH),
                  errors.get("date_from", ""), html_for="date_from"),
            field(_("To (UTC)"), rx.input(type="date", value=AuditState.date_to, on_change=AuditState.set_date_to,
                                          id="date_to", size="3", width="100%",
                                          min_height=PHONE_TOUCH),
                  errors.get("date_to", ""), html_for="date_to"),
            columns=rx.breakpoints(initial="1", sm="2", md="4"), spacing="3", width="100%",
        ),
        rx.flex(
            rx.button(_("Clear"), variant="soft", color_scheme="gray", on_click=AuditState.clear_filters,
                      min_height=TOUCH),
            rx.button(rx.icon("download", size=16), _("Download CSV"), variant="soft", on_click=AuditState.export_csv,
                      min_height=TOUCH, data_testid="audit-csv"),
            rx.button(_("Show"), on_click=AuditState.apply_filters, min_height=TOUCH),
            spacing="2", justify="end", wrap="wrap", margin_top="12px",
        ),
        width="100%", margin_bottom="16px",
    )


def _row(entry: AuditRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(entry.at, white_space="nowrap", size="2")),
        rx.table.cell(entry.user),
        rx.table.cell(rx.text(entry.entity, " ", rx.text(entry.entity_id, color_scheme="gray", as_="span"))),
        rx.table.cell(rx.badge(entry.action, variant="soft")),
        rx.table.cell(rx.flex(rx.foreach(entry.changes, lambda line: rx.text(line, size="2", word_break="break-word")),
                              direction="column", spacing="0")),
        data_testid="audit-row",
    )


def _traffic_line(t: TrafficRow) -> rx.Component:
    return rx.flex(
        rx.text(rx.text.strong(t.count), " × ", t.entity, " · ", t.action, size="2"),
        rx.text(_("last"), " ", t.last, size="1", color_scheme="gray"),
        rx.spacer(),
        rx.button(_("Show"), size="1", variant="soft", on_click=AuditState.show_traffic(t.entity),
                  min_height=PHONE_TOUCH, aria_label=_("Show") + " " + t.entity + " " + t.action),
        spacing="2", align="center", wrap="wrap", width="100%", data_testid="audit-traffic",
    )


def _traffic() -> rx.Component:
    return rx.cond(AuditState.traffic.length() > 0, rx.card(
        rx.heading(_("Machines and system"), size="3", as_="h2"),
        rx.text(AuditState.traffic_total, " ", _("entries written by machines, stations and the system in this period"),
                size="2", color_scheme="gray", margin_bottom="8px"),
        rx.flex(rx.foreach(AuditState.traffic, _traffic_line), direction="column", spacing="1"),
        width="100%", margin_bottom="16px",
    ))


def _pager() -> rx.Component:
    return rx.flex(
        rx.text(_("Entries"), ": ", AuditState.total, " · ", _("page"), " ", AuditState.page + 1, " / ",
                AuditState.page_count, size="2", color_scheme="gray"),
        rx.flex(
            rx.button(rx.icon("chevron-left"), _("Previous"), variant="soft", on_click=AuditState.previous_page,
                      disabled=AuditState.page == 0, min_height=TOUCH),
            rx.button(_("Next"), rx.icon("chevron-right"), variant="soft", on_click=AuditState.next_page,
                      disabled=AuditState.page + 1 >= AuditState.page_count, min_height=TOUCH),
            spacing="2",
        ),
        justify="between", align="center", spacing="2", wrap="wrap", margin_top="12px",
    )


def audit_page() -> rx.Component:
    return shell(
        page_header(_("Audit log"), _("Every change in your organization: who, when, what. Times are UTC.")),
        rx.segmented_control.root(*[rx.segmented_control.item(label, value=value) for value, label in SOURCES],
                                  value=AuditState.source, on_change=AuditState.set_source, size="3",
                                  margin_bottom="12px", data_testid="audit-source"),
        _filters(),
        _traffic(),
        list_states(
            AuditState.loading, AuditState.load_error, AuditState.rows.length() == 0,
            _("No entries match this filter."), AuditState.load,
            rx.box(
                scroll_x(rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                        _("When (UTC)"), _("User"), _("Entity"), _("Action"), _("Changes"))])),
                    rx.table.body(rx.foreach(AuditState.rows, _row)),
                    variant="surface", width="100%",
                )),
                _pager(),
            ),
        ),
    )
