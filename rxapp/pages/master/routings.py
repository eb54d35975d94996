"""/master/routings: routings by product; one routing's ordered steps (work center, setup, ideal
cycle time) with add, edit, move up/down and remove; activate one routing per product; export."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.master import (
    form_field,
    list_toolbar,
    select_control,
    status_cell,
    table,
)
from rxapp.components.shell import shell
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    dialog,
    empty_state,
    form_buttons,
    list_states,
    page_header,
    text_input,
)
from rxapp.i18n import _
from rxapp.state.master.routings import RoutingRow, RoutingsState, StepRow

S = RoutingsState


def _row(r: RoutingRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text.strong(r.product_code), rx.text(r.product_name, size="1", color_scheme="gray")),
        rx.table.cell("v", r.version), rx.table.cell(r.name), rx.table.cell(r.step_count), status_cell(r.is_active),
        rx.table.cell(rx.button(_("Open"), size="2", variant="ghost", min_height=PHONE_TOUCH, on_click=S.select(r.id))),
        background=rx.cond(S.selected.id == r.id, rx.color("accent", 3), "transparent"),
        data_testid="routing-row",
    )


def _step(step: StepRow, index: int) -> rx.Component:
    return rx.table.row(
        rx.table.cell(step.sequence), rx.table.cell(rx.text.strong(step.name)), rx.table.cell(step.work_center_code),
        rx.table.cell(step.setup_seconds, " s", text_align="right"),
        rx.table.cell(step.ideal_cycle_seconds, " s", text_align="right"),
        rx.table.cell(rx.flex(
            rx.icon_button(rx.icon("arrow-up", size=16), size="2", variant="ghost", disabled=index == 0,
                           aria_label=_("Move up"), on_click=S.move_step(step.id, -1)),
            rx.icon_button(rx.icon("arrow-down", size=16), size="2", variant="ghost",
                           disabled=index == S.steps.length() - 1, aria_label=_("Move down"),
                           on_click=S.move_step(step.id, 1)),
            rx.button(_("Edit"), size="2", variant="ghost", min_height=PHONE_TOUCH, on_click=S.open_edit_step(step.id)),
            rx.link(rx.button(_("Documents"), size="2", variant="ghost", min_height=PHONE_TOUCH),
                    href=f"{routes.DOCUMENTS}?target_type=routing_step&target_id={step.id}"),
            rx.button(_("Remove"), size="2", variant="ghost", color_scheme="red", min_height=PHONE_TOUCH,
                      on_click=S.remove_step(step.id)),
            spacing="1", wrap="wrap")),
        data_testid="step-row",
    )


def _detail() -> rx.Component:
    r = S.selected
    return rx.cond(r.id == 0, empty_state(_("Open a routing to see and change its steps."), "list-ordered"), rx.card(
        rx.flex(
            rx.heading(r.product_code, " · v", r.version, " ", r.name, size="4", as_="h2"),
            rx.flex(rx.button(_("Rename"), variant="soft", on_click=S.open_rename, min_height=TOUCH),
                    rx.cond(r.is_active,
                            rx.button(_("Deactivate"), variant="soft", color_scheme="red", min_height=TOUCH,
                                      on_click=S.set_active(r.id, False)),
                            rx.button(_("Make active"), variant="soft", color_scheme="green", min_height=TOUCH,
                                      on_click=S.set_active(r.id, True))),
                    rx.button(rx.icon("plus"), _("Add step"), on_click=S.open_new_step, min_height=TOUCH),
                    spacing="2", wrap="wrap"),
            justify="between", align="center", wrap="wrap", spacing="2", margin_bottom="8px"),
        rx.cond(S.steps.length() > 0,
                table([_("Seq."), _("Step"), _("Work center"), _("Setup"), _("Ideal cycle"), ""],
                      rx.foreach(S.steps, _step)),
                empty_state(_("No steps yet: add the first one."), "list-plus")),
        width="100%", data_testid="routing-detail"))


def _routing_dialog() -> rx.Component:
    creating = S.form_mode == "create"
    return dialog(
        rx.cond(creating, _("New routing"), _("Rename routing")),
        rx.form(rx.flex(
            rx.cond(creating, form_field(_("Product"), select_control("product_id", S.product_options,
                                                                      placeholder=_("Pick a product")),
                                         S.form_errors, "product_id",
                                         hint=_("A new version; it becomes active once it has steps."))),
            form_field(_("Name"), text_input("name", default_value=S.editing_name), S.form_errors, "name"),
            form_buttons(_("Save routing"), S.set_form_open(False)), direction="column", spacing="3"),
            on_submit=S.save, reset_on_submit=False),
        open=S.form_open, on_open_change=S.set_form_open,
    )


def _step_dialog() -> rx.Component:
    errors, st = S.step_errors, S.editing_step
    return dialog(
        rx.cond(S.step_mode == "create", _("New step"), _("Edit step")),
        rx.form(rx.flex(
            form_field(_("Name"), text_input("name", default_value=st.name), errors, "name"),
            form_field(_("Work center"), select_control("work_center_id", S.work_center_options,
                                                        default_value=st.work_center_id.to(str),
                                                        placeholder=_("Pick a work center")), errors, "work_center_id"),
            rx.grid(
                form_field(_("Setup (seconds)"), text_input("setup_seconds", default_value=st.setup_seconds.to(str),
                                                            input_mode="numeric"), errors, "setup_seconds"),
                form_field(_("Ideal cycle (seconds per unit)"),
                           text_input("ideal_cycle_seconds", default_value=st.ideal_cycle_seconds, input_mode="decimal"),
                           errors, "ideal_cycle_seconds"),
                columns="2", spacing="3", width="100%"),
            form_buttons(_("Save step"), S.set_step_open(False)), direction="column", spacing="3"),
            on_submit=S.save_step, reset_on_submit=False),
        open=S.step_open, on_open_change=S.set_step_open,
    )


def routings_page() -> rx.Component:
    return shell(
        page_header(_("Routings"), _("How each product is made: ordered steps at work centers.")),
        list_toolbar(S, _("New routing"), search_hint=_("Search product or routing")),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No routings match. Create one for a product."),
                    S.load,
                    rx.grid(table([_("Product"), _("Version"), _("Name"), _("Steps"), _("Status"), ""],
                                  rx.foreach(S.rows, _row)),
                            _detail(), columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%")),
        _routing_dialog(), _step_dialog(),
    )
