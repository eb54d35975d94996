"""/admin/plants: each plant (code, name, time zone, status) with its departments; create, rename,
change the time zone, deactivate or activate plants and departments."""
from __future__ import annotations

import reflex as rx

from rxapp.components.second_name import second_name_fields
from rxapp.components.shell import shell
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    active_badge,
    dialog,
    field,
    form_buttons,
    list_states,
    page_header,
    text_input,
)
from rxapp.i18n import _
from rxapp.state.org.plants import TIMEZONES, DepartmentRow, PlantRow, PlantsState


def _department(dept: DepartmentRow) -> rx.Component:
    return rx.flex(
        rx.flex(rx.badge(dept.code, variant="soft"), rx.text(dept.shown), active_badge(dept.is_active),
                spacing="2", align="center", wrap="wrap", flex="1", min_width="0"),
        rx.flex(
            rx.button(_("Rename"), size="2", variant="ghost", min_height=PHONE_TOUCH,
                      on_click=PlantsState.open_rename_department(dept.id, dept.code, dept.name)),
            rx.cond(dept.is_active,
                    rx.button(_("Deactivate"), size="2", variant="ghost", min_height=PHONE_TOUCH, color_scheme="red",
                              on_click=PlantsState.set_department_active(dept.id, False)),
                    rx.button(_("Activate"), size="2", variant="ghost", min_height=PHONE_TOUCH, color_scheme="green",
                              on_click=PlantsState.set_department_active(dept.id, True))),
            spacing="2",
        ),
        justify="between", align="center", spacing="2", wrap="wrap", padding_y="6px",
        border_top=f"1px solid {rx.color('gray', 4)}", data_testid="department-row",
    )


def _plant(plant: PlantRow) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.flex(rx.icon("factory", size=20), rx.heading(plant.name, size="4", as_="h2"),
                    rx.badge(plant.code), active_badge(plant.is_active), align="center", spacing="2", wrap="wrap"),
            rx.flex(
                rx.button(_("Edit"), size="2", variant="soft", min_height=PHONE_TOUCH,
                          on_click=PlantsState.open_edit_plant(plant.id)),
                rx.cond(plant.is_active,
                        rx.button(_("Deactivate"), size="2", variant="soft", min_height=PHONE_TOUCH, color_scheme="red",
                                  on_click=PlantsState.set_plant_active(plant.id, False)),
                        rx.button(_("Activate"), size="2", variant="soft", min_height=PHONE_TOUCH, color_scheme="green",
                                  on_click=PlantsState.set_plant_active(plant.id, True))),
                spacing="2",
            ),
            justify="between", align="center", spacing="2", wrap="wrap",
        ),
        rx.text(_("Time zone"), ": ", plant.timezone, size="2", color_scheme="gray", margin_y="8px"),
        rx.cond(plant.departments.length() > 0, rx.box(rx.foreach(plant.departments, _department)),
                rx.text(_("No departments yet."), size="2", color_scheme="gray")),
        rx.button(rx.icon("plus", size=16), _("Add department"), size="2", variant="soft", min_height=PHONE_TOUCH,
                  margin_top="8px",
                  on_click=PlantsState.open_new_department(plant.id, plant.code + " · " + plant.name)),
        width="100%", data_testid="plant-card",
    )


def _plant_dialog() -> rx.Component:
    creating = PlantsState.plant_mode == "create"
    errors = PlantsState.plant_errors
    return dialog(
        rx.cond(creating, _("New plant"), _("Edit plant")),
        rx.form(
            rx.flex(
                rx.cond(creating,
                        field(_("Code"), text_input("code"), errors.get("code", ""),
                              hint=_("Short and unique, e.g. BER."), html_for="code"),
                        rx.text(_("Code"), ": ", rx.text.strong(PlantsState.plant_code))),
                field(_("Name"), text_input("name", default_value=PlantsState.plant_name), errors.get("name", ""),
                      html_for="name"),
                second_name_fields(errors, PlantsState.plant_name2, PlantsState.plant_name2_language),
                field(_("Time zone"), text_input("timezone", default_value=PlantsState.plant_timezone,
                                                 list="timezones"),
                      errors.get("timezone", ""), hint=_("A name like Europe/Berlin or Asia/Tokyo."),
                      html_for="timezone"),
                rx.el.datalist(*[rx.el.option(value=tz) for tz in TIMEZONES], id="timezones"),
                form_buttons(_("Save plant"), PlantsState.set_plant_open(False)),
                direction="column", spacing="3",
            ),
            on_submit=PlantsState.save_plant, reset_on_submit=False,
        ),
        open=PlantsState.plant_open, on_open_change=PlantsState.set_plant_open,
    )


def _department_dialog() -> rx.Component:
    creating = PlantsState.dept_mode == "create"
    errors = PlantsState.dept_errors
    return dialog(
        rx.cond(creating, _("New department"), _("Rename department")),
        rx.form(
            rx.flex(
                rx.cond(creating,
                        rx.fragment(rx.text(_("Plant"), ": ", rx.text.strong(PlantsState.dept_plant)),
                                    field(_("Code"), text_input("code"), errors.get("code", ""), html_for="code")),
                        rx.text(_("Code"), ": ", rx.text.strong(PlantsState.dept_code))),
                field(_("Name"), text_input("name", default_value=PlantsState.dept_name), errors.get("name", ""),
                      html_for="name"),
                second_name_fields(errors, PlantsState.dept_name2, PlantsState.dept_name2_language),
                form_buttons(_("Save department"), PlantsState.set_dept_open(False)),
                direction="column", spacing="3",
            ),
            on_submit=PlantsState.save_department, reset_on_submit=False,
        ),
        open=PlantsState.dept_open, on_open_change=PlantsState.set_dept_open,
    )


def plants_page() -> rx.Component:
    return shell(
        page_header(_("Plants"), _("Plants, their time zones and departments."),
                    rx.button(rx.icon("plus"), _("New plant"), on_click=PlantsState.open_new_plant, size="3",
                              min_height=TOUCH)),
        list_states(PlantsState.loading, PlantsState.load_error, PlantsState.rows.length() == 0,
                    _("No plants yet. Create the first one."), PlantsState.load,
                    rx.grid(rx.foreach(PlantsState.rows, _plant), columns=rx.breakpoints(initial="1", lg="2"),
                            spacing="3", width="100%")),
        _plant_dialog(),
        _department_dialog(),
    )
