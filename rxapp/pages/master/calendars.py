"""/master/calendars: shift calendars of the actor's plants (the default one schedules the plant),
create/rename/make default, deactivate, export; an opened calendar shows its shifts, breaks,
holidays and a week view of the working time."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import (
    active_toggle,
    edit_button,
    form_field,
    list_toolbar,
    row_actions,
    select_control,
    status_cell,
    table,
)
from rxapp.components.shell import shell
from rxapp.components.ui import (
    PHONE_TOUCH,
    dialog,
    form_buttons,
    list_states,
    page_header,
    text_input,
)
from rxapp.i18n import _
from rxapp.pages.master.calendar_detail import calendar_detail
from rxapp.state.master.calendar_detail import CalendarDetailState
from rxapp.state.master.calendars import CalendarRow, CalendarsState

S = CalendarsState


def _row(c: CalendarRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(c.plant_code), rx.table.cell(rx.text.strong(c.name)),
        rx.table.cell(rx.cond(c.is_default, rx.badge(_("Default"), color_scheme="blue"), "")),
        rx.table.cell(c.shift_count), status_cell(c.is_active),
        row_actions(rx.button(_("Open"), size="2", variant="ghost", min_height=PHONE_TOUCH,
                              on_click=CalendarDetailState.show(c.id)),
                    edit_button(S.open_edit(c.id)),
                    active_toggle(c.is_active, S.set_active(c.id, False), S.set_active(c.id, True))),
        background=rx.cond(CalendarDetailState.calendar_id == c.id, rx.color("accent", 3), "transparent"),
        data_testid="calendar-row",
    )


def _dialog() -> rx.Component:
    errors, c = S.form_errors, S.editing
    creating = S.form_mode == "create"
    return dialog(
        rx.cond(creating, _("New shift calendar"), _("Edit shift calendar")),
        rx.form(rx.flex(
            rx.cond(creating, form_field(_("Plant"), select_control("plant_id", S.plant_options,
                                                                    default_value=c.plant_id.to(str),
                                                                    placeholder=_("Pick a plant")), errors, "plant_id")),
            form_field(_("Name"), text_input("name", default_value=c.name), errors, "name",
                       hint=_("e.g. Two shifts, Summer hours")),
            rx.el.label(rx.flex(rx.checkbox(name="is_default", default_checked=c.is_default),
                                rx.text(_("The plant's default calendar (used for scheduling)")),
                                spacing="2", align="center")),
            form_buttons(_("Save calendar"), S.set_form_open(False)), direction="column", spacing="3"),
            on_submit=S.save, reset_on_submit=False),
        open=S.form_open, on_open_change=S.set_form_open,
    )


def calendars_page() -> rx.Component:
    plants = rx.box(select_control("plant_filter", S.plant_options, value=S.plant_filter, on_change=S.set_plant_filter,
                                   placeholder=_("All my plants"), aria_label=_("Plant")), width="220px")
    return shell(
        page_header(_("Shift calendars"), _("When each plant works: shifts, planned breaks, working days, holidays.")),
        list_toolbar(S, _("New calendar"), plants, search_hint=_("Search name")),
        list_states(S.loading, S.load_error, S.rows.length() == 0,
                    _("No shift calendars match. Create one so the plant can be scheduled."), S.load,
                    table([_("Plant"), _("Name"), _("Default"), _("Shifts"), _("Status"), ""], rx.foreach(S.rows, _row))),
        calendar_detail(),
        _dialog(),
    )
