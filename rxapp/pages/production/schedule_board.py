"""/schedule: a plant's schedule board for planners. A timeline with one row per machine (colour by
status, late in red, conflicts outlined); pick an operation (in the chart or the table) and move it
earlier, later or to another machine (with a reason); assign waiting operations; the week's
utilisation against targets; the latest exceptions."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, date_cell, field, list_states, page_header, scroll_x, setup_needed
from rxapp.i18n import _
from rxapp.state.production.schedule import (
    BoardRow,
    ExceptionRow,
    ScheduleState,
    WaitingRow,
)

S = ScheduleState


def _select(options, value, on_change, label: str, testid: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=label, aria_label=label, min_height=TOUCH, data_testid=testid),
        rx.select.content(rx.foreach(options, lambda o: rx.select.item(o.label, value=o.id))),
        value=value, on_change=on_change,
    )


def _toolbar() -> rx.Component:
    """Three groups that wrap as wholes (never a button's words): where and when, the counts, the actions."""
    nowrap = {"white_space": "nowrap", "flex_shrink": "0", "min_height": TOUCH}
    return rx.flex(
        rx.flex(
            _select(S.plant_options, S.plant_id.to_string(), S.set_plant, _("Plant"), "plant-select"),
            _select(S.window_options, S.days.to_string(), S.set_days, _("Window"), "window-select"),
            rx.button(rx.icon("chevron-left"), aria_label=_("Earlier days"), variant="soft",
                      on_click=S.shift_window(-1), **nowrap),
            rx.button(_("Today"), variant="soft", on_click=S.go_today, **nowrap),
            rx.button(rx.icon("chevron-right"), aria_label=_("Later days"), variant="soft",
                      on_click=S.shift_window(1), **nowrap),
            rx.text(S.window_label, " (", S.timezone, ")", color_scheme="gray", size="2", white_space="nowrap"),
            spacing="2", align="center", wrap="wrap",
        ),
        rx.flex(
            rx.badge(S.late_count, " ", _("late"), color_scheme="red", size="2", white_space="nowrap"),
            rx.badge(S.conflict_count, " ", _("conflicts"), color_scheme="orange", size="2", white_space="nowrap"),
            rx.cond(S.can_plan, rx.fragment(
                rx.button(rx.icon("refresh-cw", size=16), _("Re-plan from now"), on_click=S.replan,
                          data_testid="replan", **nowrap),
                rx.button(rx.icon("clock-alert", size=16), _("Check late"), variant="soft", on_click=S.detect_late,
                          data_testid="check-late", **nowrap),
            )),
            spacing="2", align="center", wrap="wrap", margin_left="auto",
        ),
        spacing="3", align="center", justify="between", wrap="wrap", width="100%", data_testid="schedule-toolbar",
    )


def _selected_panel() -> rx.Component:
    sel = S.selected
    return rx.card(rx.cond(
        sel.id != 0,
        rx.flex(
            rx.box(rx.heading(sel.label, size="4", as_="h2", data_testid="selected-label"),
                   rx.text(sel.product, " · ", sel.machine, " #", sel.position, " · ", sel.start, " → ", sel.end,
                           size="2", color_scheme="gray", data_testid="selected-plan"),
                   rx.cond(sel.problems != "", rx.text("⚠ ", sel.problems, color_scheme="orange", size="2"))),
            rx.cond(S.can_plan, rx.flex(rx.button(rx.icon("arrow-up"), _("Earlier"), on_click=S.earlier, variant="soft", min_height=TOUCH,
                              data_testid="earlier"),
                    rx.button(rx.icon("arrow-down"), _("Later"), on_click=S.later, variant="soft", min_height=TOUCH,
                              data_testid="later"), spacing="2")),
            rx.cond(S.can_plan & (S.move_options.length() > 0), rx.flex(
                field(_("Move to machine"), _select(S.move_options, S.target_machine, S.set_target_machine,
                                                    _("Machine"), "target-machine"), html_for=""),
                field(_("Reason"), rx.input(value=S.reason, on_change=S.set_reason, id="move-reason", size="3",
                                            placeholder=_("Why it moves, e.g. tool broken")),
                      S.reason_error, html_for="move-reason"),
                rx.button(_("Move"), on_click=S.move_to_machine, min_height=TOUCH, data_testid="move"),
                spacing="3", align="end", wrap="wrap")),
            direction="column", spacing="3"),
        rx.text(rx.cond(S.can_plan, _("Pick an operation in the chart or the table to move it."),
                        _("Pick an operation in the chart or the table to see its plan.")), color_scheme="gray")),
        width="100%")


def _op_row(row: BoardRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.button(_("Pick"), size="1", variant=rx.cond(S.selected.id == row.id, "solid", "soft"),
                                on_click=S.select(row.id), aria_label=_("Pick") + " " + row.label)),
        rx.table.cell(row.machine, " #", row.position), rx.table.cell(row.label), rx.table.cell(row.product),
        rx.table.cell(rx.badge(row.status_label)), date_cell(row.start), date_cell(row.end),
        date_cell(row.due, rx.cond(row.late, rx.badge(_("Late"), color_scheme="red", margin_left="4px"))),
        rx.table.cell(row.progress), rx.table.cell(rx.cond(row.conflict, rx.text("⚠ ", row.problems, color_scheme="orange"))),
        data_testid="board-row",
    )


def _table(headers: list[str], rows, render) -> rx.Component:
    return scroll_x(rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(rows, render)), size="1", width="100%"))


def _waiting_row(row: WaitingRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.label), rx.table.cell(row.product), date_cell(row.due), rx.table.cell(row.hours),
        rx.table.cell(rx.cond(S.can_plan, rx.flex(rx.foreach(row.machines, lambda m: rx.button(
            rx.icon("arrow-right", size=14), m.label, size="1", variant="soft", on_click=S.assign(row.id, m.id),
            aria_label=_("Assign to") + " " + m.label)), spacing="1", wrap="wrap"),
            rx.text(row.machines.length(), " ", _("machines can run it"), color_scheme="gray", size="1"))),
        data_testid="waiting-row",
    )


def _exception_row(row: ExceptionRow) -> rx.Component:
    return rx.table.row(rx.table.cell(row.at), rx.table.cell(rx.badge(row.kind)), rx.table.cell(row.label),
                        rx.table.cell(row.reason), rx.table.cell(row.user))


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.card(rx.heading(title, size="3", as_="h2", margin_bottom="8px"), *children, width="100%")


def schedule_page() -> rx.Component:
    board = rx.flex(
        rx.card(rx.plotly(data=S.figure, on_click=S.chart_click, width="100%"), width="100%", data_testid="timeline"),
        _selected_panel(),
        _section(_("Queues"), rx.cond(S.ops.length() > 0, _table(
            ["", _("Machine"), _("Operation"), _("Product"), _("Status"), _("Start"), _("End"), _("Due"),
             _("Good"), _("Conflict")], S.ops, _op_row), rx.text(_("No operations planned in this window."),
                                                               color_scheme="gray"))),
        _section(_("Waiting for a machine"), rx.cond(S.waiting.length() > 0, _table(
            [_("Operation"), _("Product"), _("Due"), _("Hours"), _("Assign to")], S.waiting, _waiting_row),
            rx.text(_("Every operation is on a machine."), color_scheme="gray"))),
        rx.grid(
            _section(_("Utilisation this week"), rx.plotly(data=S.utilisation_figure, width="100%")),
            _section(_("Exceptions"), rx.cond(S.exceptions.length() > 0, _table(
                [_("When"), _("Kind"), _("Operation"), _("Reason"), _("By")], S.exceptions, _exception_row),
                rx.text(_("No exceptions recorded."), color_scheme="gray"))),
            columns=rx.breakpoints(initial="1", lg="2"), spacing="3", width="100%"),
        direction="column", spacing="3", width="100%",
    )
    return shell(
        page_header(_("Schedule"), _("Operations on machines, planned in the shift calendar.")),
        _toolbar(),
        rx.box(rx.cond(S.setup.length() > 0,
                       setup_needed(S.setup, _("This plant cannot be scheduled yet. Set it up in this order:")),
                       list_states(S.loading, S.load_error, S.machines.length() == 0,
                                   _("This plant has no machines yet."), S.load, board)),
               margin_top="12px", width="100%"),
    )

