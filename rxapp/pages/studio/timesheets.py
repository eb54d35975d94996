"""/studio/timesheet: enter time per task and day (one column on a phone), one's week per task and day
with totals and the entries to take back; for leads, a project's week by member with totals."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field, select_control
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, error_state, page_header, scroll_x, text_input
from rxapp.i18n import _
from rxapp.state.studio.timesheets import EntryLine, WeekLine
from rxapp.state.studio.timesheets import TimesheetState as S


def _form() -> rx.Component:
    e = S.form_errors
    return rx.form(rx.flex(
        rx.box(form_field(_("Task"), select_control("task_id", S.task_options, default_value="", placeholder="—"),
                          e, "task_id"), min_width="240px", flex="2"),
        rx.box(form_field(_("Day"), text_input("day", type="date", default_value=S.today), e, "day"), min_width="160px",
               flex="1"),
        rx.box(form_field(_("Time"), text_input("duration", placeholder="1:30"), e, "duration",
                          hint=_("1:30, 1.5 or 90m")), min_width="120px", flex="1"),
        rx.box(form_field(_("Note"), text_input("note"), e, "note"), min_width="200px", flex="2"),
        rx.button(rx.icon("plus"), _("Log time"), type="submit", min_height=TOUCH, data_testid="log-time"),
        spacing="3", wrap="wrap", align="end", width="100%"), on_submit=S.log, reset_on_submit=True)


def _week_table(days, rows, totals, total, first: str, testid: str) -> rx.Component:
    def line(r: WeekLine) -> rx.Component:
        return rx.table.row(
            rx.table.cell(rx.flex(rx.text(r.label, weight="medium"), rx.text(r.detail, size="1", color_scheme="gray"),
                                  direction="column")),
            rx.foreach(r.cells, lambda c: rx.table.cell(c)), rx.table.cell(rx.text.strong(r.total)))
    return scroll_x(rx.table.root(
        rx.table.header(rx.table.row(rx.table.column_header_cell(first), rx.foreach(days, rx.table.column_header_cell),
                                     rx.table.column_header_cell(_("Total")))),
        rx.table.body(rx.foreach(rows, line), rx.table.row(
            rx.table.cell(rx.text.strong(_("Total"))), rx.foreach(totals, lambda c: rx.table.cell(rx.text.strong(c))),
            rx.table.cell(rx.text.strong(total, data_testid=f"{testid}-total")))),
        size="1", data_testid=testid))


def _entry(e: EntryLine) -> rx.Component:
    return rx.flex(rx.text(e.day, size="2", min_width="90px"), rx.text(e.time, weight="bold", size="2", min_width="50px"),
                   rx.text(e.task, size="2"), rx.text(e.note, size="1", color_scheme="gray"), rx.spacer(),
                   rx.icon_button(rx.icon("undo-2"), variant="ghost", color_scheme="red", on_click=S.remove(e.id),
                                  aria_label=_("Take back"), min_width=TOUCH, min_height=TOUCH),
                   spacing="2", align="center", wrap="wrap", width="100%", data_testid="time-entry")


def _team() -> rx.Component:
    return rx.flex(
        rx.heading(_("Team week"), size="4"),
        rx.box(select_control("team_project", S.projects, value=S.team_project, placeholder=_("Choose a project"),
                              on_change=S.set_team_project, aria_label=_("Project")), max_width="360px"),
        rx.cond(S.team_project != "",
                _week_table(S.team_days, S.team_rows, S.team_totals, S.team_total, _("Member"), "team-week")),
        direction="column", spacing="2", padding_top="16px")


def timesheet_page() -> rx.Component:
    return shell(
        page_header(_("Timesheet"), _("Time per task and day; it adds to the task's time spent.")),
        rx.cond(S.load_error != "", error_state(S.load_error, S.load), rx.flex(
            _form(),
            rx.flex(rx.icon_button(rx.icon("chevron-left"), on_click=S.shift_week(-1), variant="soft",
                                   aria_label=_("Previous week"), min_width=TOUCH, min_height=TOUCH),
                    rx.text(_("Week of"), " ", S.week_start, weight="medium"),
                    rx.icon_button(rx.icon("chevron-right"), on_click=S.shift_week(1), variant="soft",
                                   aria_label=_("Next week"), min_width=TOUCH, min_height=TOUCH),
                    spacing="3", align="center"),
            _week_table(S.days, S.rows, S.day_totals, S.total, _("Task"), "my-week"),
            rx.flex(rx.foreach(S.entries, _entry), direction="column", spacing="1", width="100%"),
            rx.cond(S.is_lead, _team()),
            direction="column", spacing="3", width="100%")),
    )
