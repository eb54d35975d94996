"""A lot's or shipment's custom field values inside its detail dialog: what they are, and a form to
change them with the service's field errors under each input (rxapp/state/trace/custom_fields.py)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.form_sections import laid_out_form
from rxapp.components.ui import TOUCH
from rxapp.i18n import _


def custom_detail(state) -> rx.Component:
    return rx.cond(
        state.detail_custom.length() > 0,
        rx.box(
            rx.cond(state.detail_custom_summary != "",
                    rx.text(state.detail_custom_summary, size="2", data_testid="custom-summary")),
            rx.form(rx.vstack(
                laid_out_form(state.detail_sections, {}, state.custom_errors),
                rx.button(rx.icon("save"), _("Save fields"), type="submit", variant="soft", size="3",
                          min_height=TOUCH),
                spacing="2", width="100%"), on_submit=state.save_custom, reset_on_submit=False,
                key=state.detail_custom_version.to_string()),
            width="100%", data_testid="custom-detail",
        ),
    )
