"""The opened shift calendar: shifts with their breaks, holidays, a week view of working time,
and the shift and break dialogs (times in the plant's local time, HH:MM)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field, table
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    date_cell,
    dialog,
    empty_state,
    form_buttons,
    text_input,
)
from rxapp.i18n import _
from rxapp.state.master.calendar_detail import (
    BreakRow,
    CalendarDetailState,
    HolidayRow,
    ShiftRow,
)
from rxapp.state.master.calendar_figure import WEEKDAYS

D = CalendarDetailState


def _break(b: BreakRow) -> rx.Component:
    return rx.flex(
        rx.badge(b.start, "–", b.end, variant="soft", color_scheme="orange"), rx.text(b.name, size="2"),
        rx.button(_("Edit"), size="1", variant="ghost", on_click=D.open_edit_break(b.id)),
        rx.button(_("Remove"), size="1", variant="ghost", color_scheme="red", on_click=D.remove_break(b.id)),
        spacing="2", align="center", wrap="wrap")


def _shift(s: ShiftRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text.strong(s.name)), date_cell(s.start, "–", s.end), rx.table.cell(s.days),
        rx.table.cell(rx.flex(rx.foreach(s.breaks, _break), direction="column", spacing="1")),
        rx.table.cell(rx.flex(
            rx.button(_("Add break"), size="2", variant="ghost", min_height=PHONE_TOUCH, on_click=D.open_new_break(s.id)),
            rx.button(_("Edit"), size="2", variant="ghost", min_height=PHONE_TOUCH, on_click=D.open_edit_shift(s.id)),
            rx.button(_("Remove"), size="2", variant="ghost", color_scheme="red", min_height=PHONE_TOUCH,
                      on_click=D.remove_shift(s.id)), spacing="1", wrap="wrap")),
        data_testid="shift-row",
    )


def _holiday(h: HolidayRow) -> rx.Component:
    return rx.flex(rx.badge(h.day, variant="soft"), rx.text(h.name, size="2"),
                   rx.button(_("Remove"), size="1", variant="ghost", color_scheme="red", on_click=D.remove_holiday(h.id)),
                   spacing="2", align="center", data_testid="holiday-row")


def _holidays() -> rx.Component:
    return rx.box(
        rx.heading(_("Holidays"), size="3", as_="h3", margin_y="8px"),
        rx.flex(rx.foreach(D.holidays, _holiday), direction="column", spacing="1"),
        rx.form(rx.flex(
            rx.box(text_input("day", type="date", aria_label=_("Date")), width="180px"),
            rx.box(text_input("name", placeholder=_("Name, e.g. New Year"), aria_label=_("Holiday name")), flex="1"),
            rx.button(_("Add holiday"), type="submit", min_height=TOUCH), spacing="2", wrap="wrap", align="center"),
            on_submit=D.add_holiday, reset_on_submit=True, margin_top="8px"),
        rx.cond(D.holiday_errors.get("day", "") != "",
                rx.text(D.holiday_errors.get("day", ""), color_scheme="red", size="2", role="alert")),
    )


def _shift_dialog() -> rx.Component:
    errors, s = D.shift_errors, D.editing_shift
    return dialog(
        rx.cond(s.id == 0, _("New shift"), _("Edit shift")),
        rx.form(rx.flex(
            form_field(_("Name"), text_input("name", default_value=s.name), errors, "name"),
            rx.grid(form_field(_("Starts"), text_input("start", type="time", default_value=s.start), errors, "start_minute"),
                    form_field(_("Ends"), text_input("end", type="time", default_value=s.end), errors, "end_minute",
                               hint=_("Before the start: ends the next day")),
                    columns="2", spacing="3", width="100%"),
            rx.box(rx.text(_("Starts on"), size="2", weight="medium"),
                   rx.flex(*[rx.el.label(rx.flex(rx.checkbox(name=f"day{i + 1}",
                                                             default_checked=s.weekdays.contains(str(i + 1))),
                                                 rx.text(day), spacing="1", align="center"))
                             for i, day in enumerate(WEEKDAYS)], spacing="3", wrap="wrap", margin_top="4px"),
                   rx.cond(errors.get("weekdays", "") != "",
                           rx.text(errors.get("weekdays", ""), color_scheme="red", size="2", role="alert"))),
            form_buttons(_("Save shift"), D.set_shift_open(False)), direction="column", spacing="3"),
            on_submit=D.save_shift, reset_on_submit=False),
        open=D.shift_open, on_open_change=D.set_shift_open,
    )


def _break_dialog() -> rx.Component:
    errors, b = D.break_errors, D.editing_break
    return dialog(
        rx.cond(b.id == 0, _("New break"), _("Edit break")),
        rx.form(rx.flex(
            form_field(_("Name"), text_input("name", default_value=b.name), errors, "name"),
            rx.grid(form_field(_("Starts"), text_input("start", type="time", default_value=b.start), errors, "start_minute"),
                    form_field(_("Ends"), text_input("end", type="time", default_value=b.end), errors, "end_minute"),
                    columns="2", spacing="3", width="100%"),
            form_buttons(_("Save break"), D.set_break_open(False)), direction="column", spacing="3"),
            on_submit=D.save_break, reset_on_submit=False),
        open=D.break_open, on_open_change=D.set_break_open,
    )


def calendar_detail() -> rx.Component:
    return rx.cond(D.calendar_id == 0, rx.fragment(), rx.card(
        rx.flex(rx.heading(D.title, size="4", as_="h2"), rx.badge(D.timezone, variant="soft"),
                rx.spacer(), rx.button(rx.icon("plus"), _("Add shift"), on_click=D.open_new_shift, min_height=TOUCH),
                align="center", spacing="2", wrap="wrap", margin_bottom="8px"),
        rx.cond(D.shifts.length() > 0,
                table([_("Shift"), _("Time"), _("Days"), _("Breaks"), ""], rx.foreach(D.shifts, _shift)),
                empty_state(_("No shifts yet: add the first one."), "clock")),
        rx.flex(rx.icon_button(rx.icon("chevron-left"), variant="soft", on_click=D.shift_week(-1),
                               aria_label=_("Previous week")),
                rx.icon_button(rx.icon("chevron-right"), variant="soft", on_click=D.shift_week(1),
                               aria_label=_("Next week")),
                spacing="2", margin_top="12px"),
        rx.plotly(data=D.figure, width="100%", data_testid="calendar-week"),
        _holidays(), _shift_dialog(), _break_dialog(),
        width="100%", margin_top="16px", data_testid="calendar-detail"))
