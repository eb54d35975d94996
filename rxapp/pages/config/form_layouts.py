"""/admin/form-layouts: arrange an entity's form (products, maintenance tickets): sections, the order of built-in
and custom fields (dragged with assets/form_layout_drag.js, or up / down buttons, across sections at their edges),
required flags and help texts, with a live preview of the form as it will render; the same layout refuses empty
required fields in the page and the API."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import select_control
from rxapp.components.shell import shell
from rxapp.components.ui import PHONE_TOUCH, TOUCH, list_states, page_header
from rxapp.i18n import _
from rxapp.state.config.form_layouts import FormLayoutsState, LayoutBlock, LayoutItem

S = FormLayoutsState


def _icon_button(icon: str, label: str, on_click, disabled=False) -> rx.Component:
    return rx.icon_button(rx.icon(icon, size=16), on_click=on_click, disabled=disabled, variant="ghost", size="2",
                          aria_label=label, title=label, min_height=PHONE_TOUCH, min_width=PHONE_TOUCH)


def _field_row(item: LayoutItem, index, section) -> rx.Component:
    last_section = section == S.sections.length() - 1
    return rx.flex(
        rx.flex(
            rx.vstack(
                _icon_button("arrow-up", _("Move up"), S.move(section, index, -1),
                             disabled=(index == 0) & (section == 0)),
                _icon_button("arrow-down", _("Move down"), S.move(section, index, 1),
                             disabled=last_section & (index == S.sections[section].fields.length() - 1)),
                spacing="0"),
            rx.vstack(
                rx.text(item.label, weight="medium"),
                rx.text(item.key, size="1", color_scheme="gray", font_family="monospace"),
                spacing="0"),
            rx.spacer(),
            rx.el.label(rx.flex(
                rx.switch(checked=item.required, disabled=item.locked, on_change=lambda _v: S.toggle_required(section, index)),
                rx.text(_("Required"), size="2"), spacing="2", align="center"),
                title=rx.cond(item.locked, _("Always required: the service or the custom field demands it."), "")),
            spacing="3", align="center", width="100%"),
        rx.input(value=item.help, placeholder=_("Help text shown under the field"), width="100%",
                 aria_label=_("Help text shown under the field"),
                 on_change=lambda text: S.set_help(section, index, text), min_height=PHONE_TOUCH),
        direction="column", spacing="2", padding="8px", border="1px solid var(--gray-a5)", border_radius="8px",
        data_testid="layout-field", draggable=True, cursor="grab",
        custom_attrs={"data-layout-slot": section.to(str) + ":" + index.to(str)},
    )


def _section_editor(block: LayoutBlock, section) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.input(value=block.title, on_change=lambda text: S.rename_section(section, text),
                     aria_label=_("Section title"), min_height=PHONE_TOUCH, flex="1"),
            _icon_button("trash-2", _("Remove section"), S.remove_section(section)),
            spacing="2", align="center", width="100%", margin_bottom="8px"),
        rx.cond(block.fields.length() == 0, rx.text(_("No fields in this section."), size="2", color_scheme="gray")),
        rx.flex(rx.foreach(block.fields, lambda item, index: _field_row(item, index, section)),
                direction="column", spacing="2"),
        width="100%", data_testid="layout-section", custom_attrs={"data-layout-end": section.to(str)},
    )


def _preview_field(item: LayoutItem) -> rx.Component:
    return rx.vstack(
        rx.text(item.label, rx.cond(item.required, rx.text.span(" *", color_scheme="red")), size="2", weight="medium"),
        rx.input(disabled=True, width="100%", aria_label=item.label),
        rx.cond(item.help != "", rx.text(item.help, size="1", color_scheme="gray")),
        spacing="1", width="100%",
    )


def _preview() -> rx.Component:
    return rx.card(
        rx.heading(_("Preview"), size="3", margin_bottom="8px"),
        rx.foreach(S.sections, lambda block: rx.vstack(
            rx.heading(block.title, size="2"),
            rx.foreach(block.fields, _preview_field),
            spacing="2", width="100%", margin_bottom="16px")),
        width="100%", data_testid="layout-preview",
    )


def form_layouts_page() -> rx.Component:
    entity = rx.box(select_control("entity_type", S.entity_options, value=S.entity_type, on_change=S.set_entity_type,
                                   aria_label=_("Form")), width="220px")
    actions = rx.flex(
        rx.button(rx.icon("plus"), _("Add section"), on_click=S.add_section, variant="soft", min_height=TOUCH),
        rx.button(_("Discard changes"), on_click=S.discard, variant="soft", color_scheme="gray",
                  disabled=~S.changed, min_height=TOUCH),
        rx.button(_("Use the default layout"), on_click=S.use_default, variant="soft", color_scheme="orange",
                  disabled=~S.saved, min_height=TOUCH),
        rx.button(_("Save layout"), on_click=S.save, disabled=~S.changed, min_height=TOUCH),
        spacing="2", wrap="wrap")
    editor = rx.grid(
        rx.flex(rx.foreach(S.sections, lambda block, section: _section_editor(block, section)),
                direction="column", spacing="3", width="100%"),
        _preview(),
        columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%")
    return shell(
        page_header(_("Form layouts"), _("Sections, order, required fields and help texts of a form; "
                                         "the same layout checks what people and the API submit.")),
        rx.flex(entity, rx.cond(S.saved, rx.badge(_("Own layout"), color_scheme="green"),
                                rx.badge(_("Default layout"), color_scheme="gray")),
                rx.spacer(), actions, spacing="2", wrap="wrap", align="center", width="100%", margin_bottom="12px"),
        rx.cond(S.error_messages.length() > 0, rx.callout(
            rx.foreach(S.error_messages, lambda m: rx.text(m)), icon="triangle-alert", color_scheme="red",
            margin_bottom="12px", data_testid="layout-errors")),
        list_states(S.loading, S.load_error, S.sections.length() == 0, _("This form has no fields."), S.load, editor),
        rx.el.input(id="layout-drop", type="text", on_change=S.drop_field, hidden=True, aria_hidden="true"),
        rx.script(src="/form_layout_drag.js"),
    )
