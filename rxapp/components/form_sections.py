"""An entity's form in its organization's layout: section headings, then each field in the layout's order with
its label (a * when required), control, help text and field error. Built-in controls come from the page by key;
custom fields use rxapp/components/custom_fields.py. Pure functions of `FormSection` rows."""
from __future__ import annotations

import reflex as rx

from rxapp.components.custom_fields import custom_field
from rxapp.components.ui import field_error


def _builtin(slot, controls: dict[str, rx.Component], errors: rx.Var) -> rx.Component:
    if not controls:
        return rx.fragment()          # a form of custom fields only (form_sections(..., custom_only=True))
    return rx.box(
        rx.flex(rx.el.label(rx.text(slot.label, size="2", weight="medium"), html_for=slot.key),
                rx.cond(slot.required, rx.text("*", size="2", weight="medium", aria_hidden="true")), spacing="1"),
        rx.box(rx.match(slot.key, *controls.items(), rx.fragment()), margin_top="4px"),
        rx.cond(slot.help != "", rx.text(slot.help, size="1", color_scheme="gray")),
        field_error(errors.get(slot.key, "")),
        width="100%", data_testid="layout-slot",
    )


def laid_out_form(sections: rx.Var, controls: dict[str, rx.Component], errors: rx.Var) -> rx.Component:
    """`controls`: {built-in field key: its control}; every key the layout can name must be there (none for a form
    of custom fields only). Every laid-out form of the app renders through here."""
    return rx.foreach(sections, lambda section: rx.flex(
        rx.text(section.title, size="2", weight="bold", color_scheme="gray"),
        rx.foreach(section.slots, lambda slot: rx.cond(slot.is_custom, custom_field(slot.input, errors),
                                                       _builtin(slot, controls, errors))),
        direction="column", spacing="3", width="100%", data_testid="form-section"))
