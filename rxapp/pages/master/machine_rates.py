"""The cycle-time overrides dialog of the machines page."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field, select_control, table
from rxapp.components.ui import PHONE_TOUCH, TOUCH, dialog, text_input
from rxapp.i18n import _
from rxapp.state.master.machine_rates import RateRow, RatesState

R = RatesState


def _rate(r: RateRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text.strong(r.product_code)), rx.table.cell(r.product_name),
        rx.table.cell(r.seconds, " s", text_align="right"),
        rx.table.cell(rx.button(_("Remove"), size="2", variant="ghost", color_scheme="red", min_height=PHONE_TOUCH,
                                on_click=R.remove(r.id))),
        data_testid="rate-row",
    )


def rates_dialog() -> rx.Component:
    errors = R.errors
    return dialog(
        _("Cycle times") + ": " + R.machine_label,
        rx.flex(
            rx.text(_("A machine's own ideal cycle time for a product replaces the routing's on this machine."),
                    size="2", color_scheme="gray"),
            rx.cond(R.rates.length() > 0,
                    table([_("Product"), _("Name"), _("Ideal cycle"), ""], rx.foreach(R.rates, _rate)),
                    rx.text(_("No overrides: the routing's cycle times apply."), color_scheme="gray")),
            rx.form(
                rx.grid(
                    form_field(_("Product"), select_control("product_id", R.product_options,
                                                            placeholder=_("Pick a product")), errors, "product_id"),
                    form_field(_("Ideal cycle (seconds per unit)"), text_input("ideal_cycle_seconds", input_mode="decimal"),
                               errors, "ideal_cycle_seconds"),
                    rx.button(_("Save cycle time"), type="submit", min_height=TOUCH),
                    columns=rx.breakpoints(initial="1", sm="3"), spacing="3", width="100%", align_items="end",
                ),
                on_submit=R.save, reset_on_submit=True,
            ),
            rx.flex(rx.button(_("Close"), variant="soft", color_scheme="gray", on_click=R.set_open(False),
                              min_height=TOUCH), justify="end"),
            direction="column", spacing="3",
        ),
        open=R.open, on_open_change=R.set_open, max_width="720px",
    )
