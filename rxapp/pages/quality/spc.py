"""/quality/spc: the live control chart of one characteristic with its limits, broken rules in red,
capability figures, the baseline chooser, a quick "record a point" form and the alerts."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.master import select_control
from rxapp.components.shell import shell
from rxapp.components.ui import (
    TOUCH,
    field,
    field_error,
    list_states,
    page_header,
    setup_needed,
    text_input,
)
from rxapp.i18n import _
from rxapp.state.quality.spc import AlertRow, Figure
from rxapp.state.quality.spc import SpcState as S


def _figure(f: Figure) -> rx.Component:
    return rx.card(rx.text(f.label, size="1", color_scheme="gray"), rx.text(f.value, size="5", weight="bold",
                                                                                  data_live_key=f.key),
                   min_width="96px", data_testid="spc-figure")


def _alert(a: AlertRow) -> rx.Component:
    return rx.flex(
        rx.badge(a.rule, color_scheme=rx.cond(a.acknowledged, "gray", "red")),
        rx.text(a.when, size="2", color_scheme="gray"), rx.text(a.description, size="2", flex="1"),
        rx.cond(~a.acknowledged & S.can_manage, rx.button(_("Acknowledge"), size="2", variant="soft", min_height=TOUCH,
                                           on_click=S.acknowledge(a.id))),
        spacing="2", align="center", wrap="wrap", width="100%", data_testid="spc-alert",
    )


def _baseline() -> rx.Component:
    return rx.card(
        rx.heading(_("Baseline period (UTC)"), size="3"),
        rx.text(_("Control limits are computed from the points of this period and applied to every later point."),
                size="2", color_scheme="gray"),
        rx.flex(
            field(_("From"), rx.input(type="datetime-local", value=S.baseline_start, on_change=S.set_baseline_start,
                                      size="3", aria_label=_("From"))),
            field(_("To"), rx.input(type="datetime-local", value=S.baseline_end, on_change=S.set_baseline_end,
                                    size="3", aria_label=_("To"))),
            rx.button(_("Use as baseline"), on_click=S.use_baseline, min_height=TOUCH, data_testid="use-baseline"),
            spacing="3", align="end", wrap="wrap", margin_top="8px",
        ),
        field_error(S.errors.get("start", "")), field_error(S.errors.get("end", "")),
        width="100%",
    )


def _record() -> rx.Component:
    e = S.errors
    return rx.card(
        rx.heading(_("Record a point"), size="3"),
        rx.form(
            rx.flex(
                rx.cond(S.is_attribute,
                        rx.flex(field(_("Inspected"), text_input("inspected", input_mode="numeric"), e.get("inspected", "")),
                                field(_("Found"), text_input("defects", input_mode="numeric"), e.get("defects", "")),
                                spacing="3"),
                        field(_("Measurements, separated by spaces"), text_input("values", input_mode="decimal"),
                              e.get("values", ""), hint=_("As many as the subgroup size."))),
                field(_("Lot"), text_input("lot"), e.get("lot_reference", "")),
                rx.button(_("Record"), type="submit", min_height=TOUCH, data_testid="record-point"),
                spacing="3", align="end", wrap="wrap",
            ),
            on_submit=S.record, reset_on_submit=True,
        ),
        width="100%",
    )


def _chart() -> rx.Component:
    return rx.flex(
        rx.flex(rx.heading(S.title, size="4"), rx.badge(S.chart_label), rx.text(S.spec, size="2", color_scheme="gray"),
                spacing="3", align="center", wrap="wrap"),
        rx.card(rx.plotly(data=S.figure, width="100%"), width="100%", data_testid="spc-chart"),
        rx.text(rx.text.span(S.point_count, data_live_key="points"), " ", _("points shown"), size="1",
                color_scheme="gray", data_testid="spc-count"),
        rx.flex(rx.foreach(S.figures, _figure), spacing="2", wrap="wrap"),
        rx.cond(S.can_record, _record()), rx.cond(S.can_manage, _baseline()),
        rx.heading(_("Alerts"), size="4"),
        rx.cond(S.alerts.length() == 0, rx.text(_("No alerts."), color_scheme="gray"),
                rx.flex(rx.foreach(S.alerts, _alert), direction="column", spacing="2", width="100%")),
        direction="column", spacing="3", width="100%", data_live_kind="spc", data_live_params=S.live_params,
    )


def spc_page() -> rx.Component:
    return shell(
        page_header(_("Control charts"), _("Live SPC per characteristic: limits from a baseline, run rules, capability."),
                    rx.link(rx.button(_("Inspection plans"), variant="soft", min_height=TOUCH), href=routes.QUALITY_PLANS)),
        rx.box(select_control("characteristic", S.options, value=S.characteristic_id.to_string(), on_change=S.choose,
                              aria_label=_("Characteristic")), max_width="560px", margin_bottom="12px"),
        rx.cond(S.setup.length() > 0,
                setup_needed(S.setup, _("Control charts follow the characteristics of inspection plans.")),
                list_states(S.loading, S.load_error, S.characteristic_id == 0,
                            _("No characteristic yet. Define an inspection plan first."), S.load, _chart())),
        rx.script(src="/takt_live.js"),           # the figures' live channel (WS /api/v1/live/stream)
    )
