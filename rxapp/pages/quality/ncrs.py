"""/quality/ncrs: non-conformance reports. Filters (search, open/closed, severity, a custom field),
CSV/Excel for the quality meeting, age of open NCRs, and "Raise NCR" (a dialog with the NCR's
custom fields). A row opens the NCR's page."""
from __future__ import annotations

import reflex as rx

from rxapp.components.custom_fields import custom_filter
from rxapp.components.form_sections import laid_out_form
from rxapp.components.master import select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import (
    TOUCH,
    dialog,
    form_buttons,
    list_card,
    list_states,
    page_header,
    phone_or_table,
    text_input,
)
from rxapp.i18n import _
from rxapp.state.quality.ncrs import SEVERITIES, SHOW, NcrRow
from rxapp.state.quality.ncrs import NcrsState as S

SEVERITY_COLORS = {"minor": "gray", "major": "orange", "critical": "red"}


def severity_badge(severity: rx.Var) -> rx.Component:
    return rx.match(severity, *[(k, rx.badge(label, color_scheme=SEVERITY_COLORS[k], variant="soft"))
                                for k, label in SEVERITIES], rx.badge(severity))


def state_badge(name: rx.Var, closed: rx.Var) -> rx.Component:
    return rx.badge(name, color_scheme=rx.cond(closed, "green", "blue"), variant="soft", size="2")


def _row(n: NcrRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(rx.text.strong(n.number), href=n.href, data_testid="ncr-link")),
        rx.table.cell(n.title),
        rx.table.cell(severity_badge(n.severity)),
        rx.table.cell(state_badge(n.status_name, n.is_closed)),
        rx.table.cell(n.product), rx.table.cell(n.lot),
        rx.table.cell(n.open_actions),
        rx.table.cell(n.detected, " ", rx.cond(~n.is_closed, rx.text(f"({n.age_days} d)", as_="span",
                                                                        color_scheme="gray"))),
        data_testid="ncr-row",
    )


def _card(n: NcrRow) -> rx.Component:
    return rx.link(list_card(rx.text(n.number, weight="bold"), state_badge(n.status_name, n.is_closed),
                             rx.text(n.title, size="2"),
                             rx.flex(severity_badge(n.severity), rx.text(n.detected, size="2", color_scheme="gray"),
                                     spacing="2", align="center"),
                             test_id="ncr-card"), href=n.href, underline="none")


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.input(placeholder=_("Search number, title or lot"), value=S.search, on_change=S.set_search,
                 debounce_timeout=300, size="3", min_width="220px", flex="1", aria_label=_("Search")),
        rx.box(select_control("show_filter", SHOW, value=S.show, on_change=S.set_show, aria_label=_("Show")), width="130px"),
        rx.box(select_control("severity_filter", SEVERITIES, value=S.severity, on_change=S.set_severity,
                              placeholder=_("Any severity"), aria_label=_("Severity")), width="150px"),
        custom_filter(S),
        rx.button(rx.icon("download", size=16), "CSV", variant="soft", on_click=S.export("csv"), min_height=TOUCH),
        rx.button(rx.icon("sheet", size=16), "Excel", variant="soft", on_click=S.export("xlsx"), min_height=TOUCH),
        rx.cond(S.can_raise, rx.button(rx.icon("plus"), _("Raise NCR"), on_click=S.open_new, size="3",
                                       min_height=TOUCH, data_testid="raise-ncr")),
        spacing="2", wrap="wrap", align="center", width="100%", margin_bottom="12px",
    )


def _dialog() -> rx.Component:
    e = S.form_errors
    return dialog(
        _("Raise an NCR"),
        rx.form(
            rx.flex(
                laid_out_form(S.form_sections, {
                    "plant_id": select_control("plant_id", S.plant_options, default_value="", placeholder="—"),
                    "title": text_input("title", placeholder=_("What is wrong, in a few words.")),
                    "severity": select_control("severity", SEVERITIES, default_value="minor"),
                    "description": rx.text_area(name="description", id="description", width="100%"),
                    "lot_reference": text_input("lot_reference"),
                    "quantity": text_input("quantity", input_mode="numeric"),
                    "containment": rx.text_area(name="containment", id="containment", width="100%",
                                                placeholder=_("What was done at once (quarantine, sorting ...).")),
                }, e),
                form_buttons(_("Raise NCR"), S.set_form_open(False)),
                direction="column", spacing="3",
            ),
            on_submit=S.save, reset_on_submit=False,
        ),
        open=S.form_open, on_open_change=S.set_form_open,
    )


def ncrs_page() -> rx.Component:
    return shell(
        page_header(_("NCRs"), _("Non-conformances: containment, root cause, corrective and preventive actions.")),
        _toolbar(),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No NCRs match these filters."),
                    S.load,
                    phone_or_table(table([_("Number"), _("Title"), _("Severity"), _("Status"), _("Product"), _("Lot"),
                                          _("Open actions"), _("Detected")], rx.foreach(S.rows, _row)),
                                   rx.foreach(S.rows, _card))),
        _dialog(),
    )
