"""/quality/inspect: record a measurement on a phone at the machine (one column, 48 px targets),
with an unmistakable in-control / out-of-control answer."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import select_control
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, field, list_states, page_header, text_input
from rxapp.i18n import _
from rxapp.state.quality.inspect import InspectState as S


def _form() -> rx.Component:
    e = S.errors
    return rx.form(
        rx.flex(
            field(_("Characteristic"), rx.box(select_control("characteristic", S.options,
                                                             value=S.characteristic_id.to_string(),
                                                             on_change=S.choose, min_height=TOUCH)),
                  html_for="characteristic"),
            rx.text(S.hint, size="2", color_scheme="gray"),
            rx.cond(S.is_attribute,
                    rx.flex(field(_("Inspected"), text_input("inspected", input_mode="numeric"), e.get("inspected", ""),
                                  html_for="inspected"),
                            field(_("Found"), text_input("defects", input_mode="numeric"), e.get("defects", ""),
                                  html_for="defects"),
                            direction="column", spacing="3"),
                    field(_("Measurements, separated by spaces"),
                          text_input("values", input_mode="decimal", data_testid="inspect-values"),
                          e.get("values", ""), html_for="values")),
            field(_("Lot"), text_input("lot"), e.get("lot_reference", ""), html_for="lot"),
            rx.button(_("Send"), type="submit", size="4", width="100%", min_height="56px", data_testid="inspect-send"),
            direction="column", spacing="3", width="100%",
        ),
        on_submit=S.send, reset_on_submit=True,
    )


def _result() -> rx.Component:
    return rx.cond(S.result != "", rx.callout(S.result, icon=rx.cond(S.result_ok, "circle-check", "triangle-alert"),
                                              color_scheme=rx.cond(S.result_ok, "green", "red"), size="3",
                                              data_testid="inspect-result"))


def inspect_page() -> rx.Component:
    return shell(
        page_header(_("Inspect"), _("Record a measurement; you see at once whether the process is in control.")),
        rx.box(
            list_states(S.loading, S.load_error, S.options.length() == 0,
                        _("No inspection plan for your plants yet."), S.enter,
                        rx.flex(_result(), _form(), direction="column", spacing="4")),
            max_width="480px", width="100%",
        ),
    )
