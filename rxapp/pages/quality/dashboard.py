"""/quality: defects Pareto, first-pass yield per day, open NCRs by age, open SPC alerts and the cost
of poor quality for one plant and period, with CSV/Excel of the figures."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.master import select_control
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, list_states, page_header
from rxapp.i18n import _
from rxapp.state.quality.dashboard import PERIODS, AlertLine, Tile
from rxapp.state.quality.dashboard import QualityDashboardState as S


def _tile(t: Tile) -> rx.Component:
    return rx.card(rx.text(t.label, size="2", color_scheme="gray"), rx.text(t.value, size="7", weight="bold"),
                   min_width="160px", flex="1", data_testid="quality-tile")


def _panel(title: str, figure) -> rx.Component:
    return rx.card(rx.heading(title, size="3"), rx.plotly(data=figure, width="100%"), width="100%")


def _alert(a: AlertLine) -> rx.Component:
    return rx.link(a.text, href=a.href, size="2")


def _content() -> rx.Component:
    return rx.flex(
        rx.flex(rx.foreach(S.tiles, _tile), spacing="3", wrap="wrap", width="100%"),
        rx.grid(_panel(_("Defects Pareto"), S.pareto), _panel(_("First-pass yield per day"), S.fpy),
                _panel(_("Open NCRs by age"), S.ages), _panel(_("Cost of poor quality"), S.costs),
                columns=rx.breakpoints(initial="1", md="2"), spacing="3", width="100%"),
        rx.cond(S.note != "", rx.text(S.note, size="2", color_scheme="orange")),
        rx.card(rx.heading(_("Open SPC alerts"), size="3"),
                rx.cond(S.alerts.length() == 0, rx.text(_("No open alerts."), color_scheme="gray"),
                        rx.flex(rx.foreach(S.alerts, _alert), direction="column", spacing="1")), width="100%"),
        direction="column", spacing="3", width="100%",
    )


def quality_dashboard_page() -> rx.Component:
    return shell(
        page_header(_("Quality"), _("Defects, yield, NCRs, SPC alerts and what poor quality costs."),
                    rx.link(rx.button(_("Control charts"), variant="soft", min_height=TOUCH), href=routes.QUALITY_SPC),
                    rx.link(rx.button(_("Rejects and returns"), variant="soft", min_height=TOUCH), href=routes.QUALITY_REJECTS)),
        rx.flex(
            rx.box(select_control("plant", S.plant_options, value=S.plant_id, on_change=S.set_plant,
                                  aria_label=_("Plant")), width="220px"),
            rx.box(select_control("period", PERIODS, value=S.period, on_change=S.set_period, aria_label=_("Period")),
                   width="180px"),
            rx.button(rx.icon("download", size=16), "CSV", variant="soft", on_click=S.export("csv"), min_height=TOUCH),
            rx.button(rx.icon("sheet", size=16), "Excel", variant="soft", on_click=S.export("xlsx"), min_height=TOUCH),
            spacing="2", wrap="wrap", margin_bottom="12px",
        ),
        list_states(S.loading, S.load_error, S.tiles.length() == 0, _("Nothing to show."), S.load, _content()),
    )
