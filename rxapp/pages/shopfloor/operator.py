"""/operator: the operator picks a machine from big tiles (coloured by state), or types or scans
its code (a keyboard-wedge scanner types the code and Enter; QR payload TAKT:MACHINE:<code>), or a printed machine label
TAKT1|MAC|<org>|<plant>/<code>."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.operator import BIG, outbox, state_pill, state_stripe
from rxapp.components.shell import shell
from rxapp.components.ui import field_error, list_states, setup_needed
from rxapp.i18n import _
from rxapp.state.shopfloor.operator import MachineCard, OperatorState


def _tile(machine: MachineCard) -> rx.Component:
    return rx.link(
        rx.flex(
            rx.flex(
                rx.text(machine.code, size="7", weight="bold"),
                state_pill(machine.state, machine.state_label),
                justify="between", align="center", spacing="2", width="100%",
            ),
            rx.text(machine.name, size="4"),
            rx.cond(machine.job != "", rx.text(machine.job, size="3", weight="medium")),
            rx.cond(machine.reason != "", rx.text(machine.reason, size="3", color=rx.color("red", 11))),
            rx.text(
                rx.cond(machine.since != "", rx.text.span(_("Since"), " ", machine.since, " · ")),
                machine.queue_text, " · ", machine.plant,
                size="2", color_scheme="gray",
            ),
            direction="column", spacing="1", padding="14px 16px", width="100%", min_height="96px",
            border_left="10px solid", border_left_color=state_stripe(machine.state),
            border_radius="12px", background=rx.color("gray", 2), border=f"1px solid {rx.color('gray', 6)}",
        ),
        href=routes.OPERATOR_MACHINE + "?id=" + machine.id.to_string(), underline="none", color="inherit",
        width="100%", data_testid="machine-tile",
    )


def _find_by_code() -> rx.Component:
    return rx.form(
        rx.el.label(rx.text(_("Machine code"), size="4", weight="medium"), html_for="machine-code"),
        rx.flex(
            rx.input(id="machine-code", name="code", placeholder=_("Type or scan"), size="3",
                     auto_focus=True, auto_complete="off", min_height=BIG, font_size="20px", flex="1"),
            rx.button(rx.icon("scan-line", size=24), _("Open"), type="submit", size="4", min_height=BIG),
            spacing="2", width="100%", margin_top="4px",
        ),
        field_error(OperatorState.code_error),
        on_submit=OperatorState.find_machine, reset_on_submit=True, width="100%",
    )


def operator_page() -> rx.Component:
    return shell(
        rx.heading(_("Your machines"), size="7", as_="h1", margin_bottom="12px"),
        _find_by_code(),
        rx.box(
            rx.cond(OperatorState.setup.length() > 0,
                    setup_needed(OperatorState.setup, _("Your plants have no machines yet. An administrator or "
                                                        "planner sets them up:")),
                    list_states(
                        OperatorState.loading, OperatorState.load_error, OperatorState.machines.length() == 0,
                        _("No machines in your plants yet."), OperatorState.load,
                        rx.grid(rx.foreach(OperatorState.machines, _tile),
                                columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="3", width="100%"),
                    )),
            margin_top="20px", padding_bottom="96px",
        ),
        outbox(),
    )
