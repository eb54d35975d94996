"""/studio/reviews: the review queue of a lead (QC1) or a production manager (QC2). Filters (stage, project) on
top, the waiting tasks with a check box each and a link to the task page, and one button that approves the chosen
tasks together. On a phone the table scrolls inside its box."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import select_control
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, date_cell, list_states, page_header, scroll_x, text_input
from rxapp.i18n import _
from rxapp.state.studio.review_queue import QueueRow
from rxapp.state.studio.review_queue import ReviewQueueState as S


def _row(r: QueueRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.checkbox(checked=S.chosen.contains(r.id), on_change=lambda _v: S.toggle(r.id), size="3",
                                  aria_label=_("Choose") + " " + r.code + " " + r.step)),
        rx.table.cell(rx.link(r.code, href=r.href, weight="medium")), rx.table.cell(r.step), rx.table.cell(r.who),
        rx.table.cell(r.version), date_cell(r.due), data_testid="review-row")


def _filters() -> rx.Component:
    return rx.flex(
        rx.box(select_control("stage", S.stage_options, value=S.stage, on_change=S.choose_stage,
                              aria_label=_("Review stage")), min_width="200px"),
        rx.box(select_control("project", S.project_options, value=S.project, on_change=S.choose_project,
                              placeholder=_("Every project"), aria_label=_("Project")), min_width="240px"),
        spacing="2", wrap="wrap")


def _table() -> rx.Component:
    return scroll_x(rx.table.root(
        rx.table.header(rx.table.row(
            rx.table.column_header_cell(rx.checkbox(checked=(S.chosen.length() == S.rows.length()) & (S.rows.length() > 0),
                                                    on_change=S.toggle_all, size="3", aria_label=_("Choose all"))),
            *[rx.table.column_header_cell(h) for h in (_("Task"), _("Step"), _("Assignee"), _("Version"), _("Due"))])),
        rx.table.body(rx.foreach(S.rows, _row)), width="100%", aria_label=_("Tasks waiting for review")))


def _approve() -> rx.Component:
    return rx.form(rx.flex(
        rx.box(text_input("comment", placeholder=_("A comment for every approved task (optional)"), max_length=2000),
               flex="1", min_width="220px"),
        rx.button(rx.icon("check-check"), _("Approve the chosen"), " (", S.chosen.length().to_string(), ")",
                  type="submit", disabled=S.chosen.length() == 0, min_height=TOUCH, data_testid="approve-chosen"),
        spacing="2", align="center", wrap="wrap", width="100%"), on_submit=S.approve, reset_on_submit=True)


def review_queue_page() -> rx.Component:
    return shell(
        page_header(_("Review queue"), _("Tasks waiting for your decision. Open one to review it closely and to "
                                         "reject with a comment; approve the ones that pass together.")),
        rx.flex(_filters(), direction="column", spacing="3", width="100%", margin_bottom="12px"),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("Nothing waits for your review."), S.load,
                    rx.flex(_approve(), _table(), direction="column", spacing="3", width="100%")),
    )
