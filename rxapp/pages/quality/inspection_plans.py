"""/quality/plans: inspection plans (per product and routing step) and their characteristics
(specification, chart type, subgroup size, run rules); a characteristic opens its control chart."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field, select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import (
    TOUCH,
    dialog,
    form_buttons,
    list_states,
    page_header,
    setup_needed,
    text_input,
)
from rxapp.i18n import _
from rxapp.state.quality.inspection_plans import CHARTS, RULESETS, CharRow, PlanRow
from rxapp.state.quality.inspection_plans import PlansState as S


def _plan(p: PlanRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.button(p.name, variant=rx.cond(S.plan_id == p.id, "solid", "ghost"),
                                on_click=S.choose_plan(p.id), min_height=TOUCH, data_testid="plan-row")),
        rx.table.cell(p.product), rx.table.cell(p.step), rx.table.cell(p.characteristics),
    )


def _characteristic(c: CharRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(rx.text.strong(c.name), href=c.href, data_testid="characteristic-link")),
        rx.table.cell(c.spec), rx.table.cell(c.chart), rx.table.cell(c.n),
        rx.table.cell(rx.cond(c.has_limits, rx.badge(_("Limits set"), color_scheme="green"),
                              rx.badge(_("No baseline yet"), color_scheme="gray"))),
    )


def _add_form() -> rx.Component:
    e = S.char_errors
    return rx.card(
        rx.heading(_("Add a characteristic"), size="3"),
        rx.form(
            rx.grid(
                form_field(_("Name"), text_input("name"), e, "name"),
                form_field(_("Unit"), text_input("unit"), e, "unit"),
                form_field(_("LSL"), text_input("lsl", input_mode="decimal"), e, "lsl"),
                form_field(_("Nominal"), text_input("nominal", input_mode="decimal"), e, "nominal"),
                form_field(_("USL"), text_input("usl", input_mode="decimal"), e, "usl"),
                form_field(_("Chart"), select_control("chart_type", CHARTS, default_value="xbar_r"), e, "chart_type"),
                form_field(_("Subgroup size"), text_input("subgroup_size", input_mode="numeric", default_value="5"),
                           e, "subgroup_size"),
                form_field(_("Run rules"), select_control("ruleset", RULESETS, default_value="western_electric"),
                           e, "ruleset"),
                columns=rx.breakpoints(initial="1", sm="2", md="4"), spacing="3", width="100%",
            ),
            rx.button(_("Add characteristic"), type="submit", min_height=TOUCH, margin_top="12px",
                      data_testid="add-characteristic"),
            on_submit=S.add_characteristic, reset_on_submit=False,
        ),
        width="100%",
    )


def _plan_dialog() -> rx.Component:
    e = S.errors
    return dialog(
        _("New inspection plan"),
        rx.form(
            rx.flex(
                form_field(_("Plant"), select_control("plant_id", S.plant_options, default_value="", placeholder="—"),
                           e, "plant_id"),
                form_field(_("Product"), select_control("product_id", S.product_options, default_value="",
                                                        placeholder="—", on_change=S.product_chosen), e, "product_id"),
                form_field(_("Operation (routing step)"), select_control("routing_step_id", S.step_options,
                                                                         default_value="", placeholder=_("Any")),
                           e, "routing_step_id"),
                form_field(_("Name"), text_input("name"), e, "name"),
                form_buttons(_("Create plan"), S.set_plan_form_open(False)),
                direction="column", spacing="3",
            ),
            on_submit=S.save_plan, reset_on_submit=False,
        ),
        open=S.plan_form_open, on_open_change=S.set_plan_form_open,
    )


def inspection_plans_page() -> rx.Component:
    return shell(
        page_header(_("Inspection plans"), _("What is measured, where, against which specification and chart."),
                    rx.cond(S.can_create, rx.button(rx.icon("plus"), _("New plan"), on_click=S.open_plan_form,
                                                    min_height=TOUCH, data_testid="new-plan"))),
        rx.cond(S.setup.length() > 0, setup_needed(S.setup, _("Inspection plans are made for products and their "
                                                              "routing steps. Set up:"))),
        list_states(S.loading, S.load_error, S.plans.length() == 0, _("No inspection plans yet."), S.load,
                    rx.flex(
                        table([_("Plan"), _("Product"), _("Operation"), _("Characteristics")], rx.foreach(S.plans, _plan)),
                        rx.heading(_("Characteristics"), size="4"),
                        table([_("Name"), _("LSL / nominal / USL"), _("Chart"), _("n"), _("Limits")],
                              rx.foreach(S.characteristics, _characteristic)),
                        rx.cond(S.can_change_plan, _add_form()),
                        direction="column", spacing="4", width="100%",
                    )),
        _plan_dialog(),
    )
