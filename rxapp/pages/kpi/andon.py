"""/andon: the plant's wall board. Dark, high contrast, big type readable from 10 m: a tile per
machine with a solid state colour, the reason and how long it has been so, the current job with
progress against plan, and the current-shift OEE. No navigation, no log-in: a display token. Live: the board
follows LiveAndonState; state, counts and OEE also move at once from the live channel (assets/takt_live.js
writes the data-live-* marks)."""
from __future__ import annotations

import json

import reflex as rx

from rxapp.i18n import _
from rxapp.state.kpi.andon import AndonState
from rxapp.state.kpi.live_andon import STATE_LABELS, AndonCard, LiveAndonState

COLORS = {"idle": "#52525b", "running": "#15803d", "paused": "#b45309", "down": "#b91c1c", "planned_stop": "#1d4ed8"}
INK = "#ffffff"


def _background(state: rx.Var) -> rx.Var:
    return rx.match(state, *COLORS.items(), COLORS["idle"])


def _bar(percent: rx.Var, plan: rx.Var) -> rx.Component:
    """Progress (white) with the plan's mark (a black line) on a translucent track."""
    return rx.box(
        rx.box(width=percent.to_string() + "%", height="100%", background=INK, border_radius="6px"),
        rx.box(position="absolute", left=plan.to_string() + "%", top="-4px", bottom="-4px", width="4px",
               background="#000000"),
        position="relative", width="100%", height="14px", background="rgba(255,255,255,0.3)", border_radius="6px",
    )


def _tile(card: AndonCard) -> rx.Component:
    """Sizes in em of the grid's font size (_board: smaller when the plant has many machines)."""
    return rx.flex(
        rx.flex(
            rx.text(card.code, font_size="2.5em", font_weight="800", line_height="1", white_space="nowrap"),
            rx.text(card.state_label, font_size="1.625em", font_weight="800", text_transform="uppercase",
                    line_height="1.1", white_space="nowrap", data_testid="andon-state", data_live_key="state"),
            justify="between", align="center", wrap="wrap", width="100%", column_gap="12px",
        ),
        rx.text(card.name, " · ", card.department, font_size="1.125em", opacity="0.9", white_space="nowrap",
                overflow="hidden", text_overflow="ellipsis"),
        rx.cond(card.reason != "", rx.text(card.reason, font_size="1.5em", font_weight="700", line_height="1.2",
                                           data_testid="andon-reason")),
        rx.text(
            rx.cond(card.since != "",
                    rx.fragment(_("since"), " ", card.since_clock, " · ",
                                rx.moment(card.since, from_now=True, ago=True, interval=15000))),
            font_size="1.25em", font_weight="600",
        ),
        rx.cond(
            card.job != "",
            rx.flex(
                rx.text(card.job, font_size="1.25em", font_weight="700", data_testid="andon-job"),
                _bar(card.progress, card.plan),
                rx.text(rx.text.span(card.good, data_live_key="good"), " / ", card.quantity, " ", _("good"), " · ",
                        _("plan"), " ", card.expected,
                        rx.cond(card.scrap > 0, rx.text.span(" · ", rx.text.span(card.scrap, data_live_key="scrap"),
                                                             " ", _("scrap"))),
                        font_size="1.25em", font_weight="600", data_testid="andon-progress"),
                rx.cond(card.overproduced,
                        rx.text("⚠ ", _("Overproduction: more good parts than ordered"), font_size="1.125em",
                                font_weight="800", data_testid="andon-overproduced")),
                direction="column", gap="4px", width="100%",
            ),
            rx.text(_("No job"), font_size="1.25em", opacity="0.85"),
        ),
        rx.flex(
            rx.text(_("OEE this shift"), " ", rx.text.span(card.oee, font_size="1.45em", font_weight="800", data_live_key="oee"),
                    font_size="1.125em", data_testid="andon-oee"),
            rx.cond(card.state == "down",
                    rx.link(_("Report to maintenance"), href=f"/maintenance/report?machine={card.machine_id}&from=andon",
                            color=INK, font_size="1.125em", font_weight="700", text_decoration="underline",
                            data_testid="andon-report")),
            justify="between", align="baseline", wrap="wrap", column_gap="12px", width="100%", margin_top="auto",
        ),
        direction="column", gap="4px", padding="12px 16px", border_radius="14px", color=INK, min_width="0",
        overflow_wrap="break-word", background=_background(card.state), border="3px solid rgba(255,255,255,0.25)",
        data_testid="andon-tile", data_machine=card.code, data_state=card.state,
        data_live_machine=card.machine_id,
    )


def _shift() -> rx.Component:
    """The shift the board's figures belong to: a plain outlined label, never one of the state colours, so a
    shift named "Late" does not read as a machine being late."""
    return rx.flex(
        rx.icon("clock", size=24),
        rx.cond(LiveAndonState.shift != "",
                rx.text(_("Shift"), ": ", rx.text.span(LiveAndonState.shift, font_weight="800")),
                rx.text(_("No shift running"))),
        align="center", gap="8px", padding="4px 14px", border="2px solid rgba(255,255,255,0.55)",
        border_radius="999px", font_size="22px", font_weight="500", white_space="nowrap", data_testid="andon-shift",
    )


def _board() -> rx.Component:
    return rx.flex(
        rx.flex(
            rx.heading(LiveAndonState.plant, as_="h1", font_size="32px", font_weight="800", line_height="1.1"),
            _shift(),
            rx.text(
                rx.text.span(LiveAndonState.running_count, data_live_key="running"), " ", _("running"), " · ",
                rx.text.span(rx.text.span(LiveAndonState.down_count, data_live_key="down"), " ", _("down"),
                             color="#f87171"), " · ",
                _("updated"), " ", LiveAndonState.updated,
                font_size="22px", font_weight="600", margin_left=rx.breakpoints(initial="0", sm="auto"),
                data_testid="andon-summary",
            ),
            align="center", wrap="wrap", gap="8px 20px", width="100%",
        ),
        rx.cond(
            LiveAndonState.cards.length() == 0,
            rx.text(_("This plant has no machines yet."), font_size="28px"),
            # a 1920 x 1080 wall: up to 10 machines in two rows of five 340 px tiles; more (dense) in rows of six
            # smaller ones, 18 in three rows; a phone: one column, never wider than the screen
            rx.grid(rx.foreach(LiveAndonState.cards, _tile),
                    columns=rx.cond(LiveAndonState.dense, "repeat(auto-fill, minmax(min(290px, 100%), 1fr))",
                                    "repeat(auto-fill, minmax(min(340px, 100%), 1fr))"),
                    font_size=rx.cond(LiveAndonState.dense, "12.8px", "16px"), gap="14px", width="100%",
                    data_testid="andon-grid"),
        ),
        rx.box(*[rx.text.span(label, data_live_label=state) for state, label in STATE_LABELS.items()], hidden=True),
        direction="column", gap="14px", width="100%", data_live_kind="andon", data_live_params=AndonState.live_params,
        data_live_colors=json.dumps(COLORS),
    )


def _choose_plant() -> rx.Component:
    return rx.flex(
        rx.heading(_("Andon board"), as_="h1", font_size="40px"),
        rx.text(_("Choose a plant."), font_size="24px"),
        rx.foreach(AndonState.choices, lambda c: rx.link(c.label, href=c.href, font_size="28px", font_weight="700",
                                                           color="#93c5fd", min_height="48px")),
        direction="column", align="center", gap="16px", padding_top="15vh", text_align="center",
        data_testid="andon-plants",
    )


def _error() -> rx.Component:
    return rx.flex(rx.icon("monitor-x", size=64), rx.text(AndonState.error, font_size="32px", font_weight="700"),
                   rx.text(_("Ask an admin for a display token (Admin > API tokens, kind display)."), font_size="22px"),
                   direction="column", align="center", gap="16px", padding_top="15vh", text_align="center",
                   data_testid="andon-error")


def andon_page() -> rx.Component:
    return rx.box(
        rx.cond(
            AndonState.choices.length() > 0, _choose_plant(),
            rx.cond(
                AndonState.error != "", _error(),
                rx.cond(
                    AndonState.ready & LiveAndonState.loaded,
                    _board(),
                    rx.flex(rx.spinner(size="3"), rx.text(_("Loading the board…"), font_size="28px"),
                            gap="16px", align="center", justify="center", padding_top="20vh"),
                ),
            ),
        ),
        rx.script(src="/takt_live.js"),           # the counters' live channel (WS /api/v1/live/stream)
        background="#000000", color=INK, min_height="100vh", padding=rx.breakpoints(initial="12px", sm="18px 24px"),
        class_name="dark", data_testid="andon-page",
    )
