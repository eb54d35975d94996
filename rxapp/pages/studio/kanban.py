"""/studio/kanban?id=N&step=M: one step's tasks as cards in the columns of the studio task workflow,
live; filters by step, episode and assignee; each card's menu moves it (a rejection asks for a comment)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import select_control
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, dialog, error_state, form_buttons, page_header
from rxapp.i18n import _
from rxapp.state.studio.kanban import StudioKanbanState as S
from rxapp.state.studio.live_kanban import Card, Column, Target
from rxapp.state.studio.live_kanban import LiveKanbanState as L


def _filters() -> rx.Component:
    return rx.flex(
        rx.box(select_control("step", S.step_options, value=S.step_id, on_change=lambda v: S.set_filter("step_id", v),
                              aria_label=_("Step")), width="200px"),
        rx.box(select_control("episode", S.episodes, value=S.episode_id, placeholder=_("All episodes"),
                              on_change=lambda v: S.set_filter("episode_id", v), aria_label=_("Episode")), width="180px"),
        rx.box(select_control("assignee", S.assignees, value=S.assignee_id, placeholder=_("Anyone"),
                              on_change=lambda v: S.set_filter("assignee_id", v), aria_label=_("Assignee")),
               width="200px"),
        rx.text(_("updated"), " ", L.updated, size="1", color_scheme="gray"),
        spacing="3", wrap="wrap", align="center")


def _target(card: Card, t: Target) -> rx.Component:
    return rx.menu.item(t.label, on_click=S.move(card.task_id, t.status), min_height="40px",
                        data_testid="kanban-move")


def _card(card: Card) -> rx.Component:
    return rx.card(rx.flex(
        rx.flex(rx.link(rx.text.strong(card.code), href=card.href), rx.text(card.assignee, size="1", color_scheme="gray"),
                rx.flex(rx.cond(card.due != "", rx.text(_("Due"), " ", card.due, size="1", white_space="nowrap")),
                        rx.cond(card.spent != "", rx.text(card.spent, " h", size="1", color_scheme="gray")),
                        rx.cond(card.loops > 0, rx.badge(_("Rework"), " ", card.loops, color_scheme="red", size="1")),
                        spacing="2", wrap="wrap"),
                direction="column", spacing="1"),
        rx.cond(card.targets.length() > 0, rx.menu.root(
            rx.menu.trigger(rx.icon_button(rx.icon("arrow-right-left"), variant="soft", size="3",
                                           aria_label=_("Move"), min_width=TOUCH, min_height=TOUCH)),
            rx.menu.content(rx.foreach(card.targets, lambda t: _target(card, t))))),
        justify="between", align="start", spacing="2"), data_testid="kanban-card")


def _column(c: Column) -> rx.Component:
    return rx.flex(
        rx.flex(rx.badge(c.label, color_scheme=c.color, variant="solid"), rx.text(c.count, size="1", color_scheme="gray"),
                spacing="2", align="center"),
        rx.foreach(c.cards, _card),
        direction="column", spacing="2", min_width="240px", width="240px", padding="8px", border_radius="8px",
        background=rx.color("gray", 2), data_testid="kanban-column")


def _reject_dialog() -> rx.Component:
    return dialog(_("Send to rework"), rx.form(rx.flex(
        rx.text_area(name="comment", placeholder=_("What to rework"), aria_label=_("Comment"), width="100%"),
        rx.cond(S.reject_error != "", rx.text(S.reject_error, color_scheme="red", size="1", role="alert")),
        form_buttons(_("Reject"), S.close_reject(False)), direction="column", spacing="2"),
        on_submit=S.reject, reset_on_submit=True), open=S.reject_task_id > 0, on_open_change=S.close_reject)


def studio_kanban_page() -> rx.Component:
    return shell(
        page_header(_("Kanban") + " · " + L.step_name, "",
                    rx.link(rx.button(rx.icon("table"), S.number, variant="soft"), href=S.project_href)),
        rx.cond(S.load_error != "", error_state(S.load_error, S.enter), rx.flex(
            _filters(),
            rx.box(rx.flex(rx.foreach(L.columns, _column), spacing="3", align="start"), width="100%", overflow_x="auto",
                   padding_bottom="8px", data_testid="studio-kanban"),
            direction="column", spacing="3", width="100%")),
        _reject_dialog(),
    )
