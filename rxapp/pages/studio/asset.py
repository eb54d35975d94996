"""/studio/asset?id=N: an asset's fields (names, kind, custom fields), its tasks per step, the cuts it is cast
into and its activity; the edit form for managers (names, kind, custom fields)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.custom_fields import custom_field_inputs
from rxapp.components.master import form_field, select_control
from rxapp.components.second_name import second_name_fields
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, error_state, page_header, text_input
from rxapp.i18n import _
from rxapp.pages.studio.cut import feed_line, task_table
from rxapp.state.studio.asset import AssetState as A
from rxapp.state.studio.asset import CastCutLine


def _fact(label: str, value) -> rx.Component:
    return rx.flex(rx.text(label, size="1", color_scheme="gray"), rx.text.strong(value), direction="column")


def _edit() -> rx.Component:
    e = A.errors
    return rx.form(rx.flex(
        rx.heading(_("Edit the asset"), size="3", width="100%"),
        rx.box(form_field(_("Name"), text_input("name", default_value=A.name), e, "name"), min_width="160px"),
        rx.box(second_name_fields(e, A.name2, A.name2_language), min_width="320px"),
        rx.box(form_field(_("Kind"), select_control("kind_value_id", A.kinds, default_value=A.kind_value_id,
                                                    placeholder="—"), e, "kind_value_id"), width="160px"),
        rx.box(custom_field_inputs(A.custom_inputs, e), width="100%"),
        rx.button(_("Save"), type="submit", min_height=TOUCH, data_testid="save-asset"),
        spacing="3", wrap="wrap", align="end"), on_submit=A.save, reset_on_submit=False, key=A.asset_id)


def _cut(c: CastCutLine) -> rx.Component:
    return rx.link(c.code, href=c.href, data_testid="asset-cut")


def asset_page() -> rx.Component:
    return shell(
        page_header(_("Studio asset") + " " + A.code, ""),
        rx.cond(A.load_error != "", error_state(A.load_error, A.load), rx.flex(
            rx.link(_("Back to the project"), href=A.project_href, size="2"),
            rx.flex(_fact(_("Name"), A.name), _fact(_("Second name"), A.name2), _fact(_("Kind"), A.kind),
                    _fact(_("Custom fields"), A.custom), spacing="5", wrap="wrap", data_testid="asset-facts"),
            rx.cond(A.can_edit, _edit()),
            rx.heading(_("Tasks"), size="3"), task_table(A.task_lines),
            rx.heading(_("Cast in"), size="3"), rx.flex(rx.foreach(A.cuts, _cut), spacing="3", wrap="wrap"),
            rx.heading(_("Activity"), size="3"), rx.foreach(A.feed, feed_line),
            direction="column", spacing="3", width="100%")),
    )
