"""Custom field inputs inside an entity's form, and the custom-field filter of its list; pure
functions of the state's `CustomInput` rows (rxapp/state/config/custom_field_inputs.py)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import select_control
from rxapp.components.ui import field_error, text_input
from rxapp.i18n import _


def _control(i) -> rx.Component:
    return rx.match(
        i.field_type,
        ("date", rx.input(type="date", name=i.name, id=i.name, default_value=i.value, size="3", width="100%")),
        ("choice", select_control(i.name, i.options, default_value=i.value, placeholder="—")),
        ("user", select_control(i.name, i.options, default_value=i.value, placeholder="—")),
        ("boolean", select_control(i.name, i.options, default_value=i.value, placeholder="—")),
        ("number", rx.flex(text_input(i.name, default_value=i.value, input_mode="decimal"),
                           rx.cond(i.unit != "", rx.text(i.unit, size="2", color_scheme="gray")),
                           align="center", spacing="2", width="100%")),
        text_input(i.name, default_value=i.value),
    )


def custom_field(i, errors: rx.Var) -> rx.Component:
    """One custom field's label (a * when required), control, hint and error."""
    return rx.box(
        rx.el.label(rx.text(i.label, rx.cond(i.required, " *", ""), size="2", weight="medium"), html_for=i.name),
        rx.box(_control(i), margin_top="4px"),
        rx.cond(i.hint != "", rx.text(i.hint, size="1", color_scheme="gray")),
        field_error(errors.get(i.name, "")),
        width="100%", data_testid="custom-field",
    )


def custom_field_inputs(inputs: rx.Var, errors: rx.Var) -> rx.Component:
    """One labelled input per active custom field, showing `errors[custom.<key>]` under it."""
    return rx.cond(
        inputs.length() > 0,
        rx.flex(
            rx.text(_("More fields"), size="2", weight="bold", color_scheme="gray"),
            rx.foreach(inputs, lambda i: custom_field(i, errors)),
            direction="column", spacing="3", width="100%", data_testid="custom-fields",
        ),
    )


def custom_filter(state) -> rx.Component:
    """Pick a custom field and a value to filter the list by (text: contains; others: equals)."""
    return rx.cond(
        state.custom_filter_fields.length() > 0,
        rx.flex(
            rx.box(rx.el.select(
                rx.el.option(_("Custom field…"), value=""),
                rx.foreach(state.custom_filter_fields, lambda f: rx.el.option(f.label, value=f.key)),
                value=state.custom_filter_key, on_change=state.set_custom_filter_key, aria_label=_("Custom field"),
                style={"width": "100%", "min_height": "40px", "padding": "6px 8px", "border_radius": "6px"}),
                width="170px"),
            rx.cond(state.custom_filter_key != "",
                    rx.input(placeholder=_("Value"), value=state.custom_filter_value,
                             on_change=state.set_custom_filter_value, debounce_timeout=300, size="3",
                             width="150px", aria_label=_("Custom field value"))),
            spacing="2", align="center",
        ),
    )
