"""Building blocks of the phone-first operator portal: big touch targets (>= 56 px), large type,
one solid colour per machine state, the outbox script and its translated texts. Pure functions
of vars; the taps themselves are handled by assets/operator_outbox.js (see rxapp/state/shopfloor/operator.py)."""
from __future__ import annotations

import reflex as rx

from rxapp.i18n import _

BIG = "56px"
STATE_COLORS = {"idle": "gray", "running": "green", "paused": "amber", "down": "red", "planned_stop": "blue"}


def state_pill(state: rx.Var, label: rx.Var, *, size: str = "3") -> rx.Component:
    """The machine state as a solid badge (white on colour), the same colour everywhere."""
    return rx.match(
        state,
        *[(key, rx.badge(label, color_scheme=color, variant="solid", size=size, high_contrast=False,
                         data_testid=f"machine-state-{key}")) for key, color in STATE_COLORS.items()],
        rx.badge(label, variant="solid", size=size),
    )


def state_stripe(state: rx.Var) -> rx.Var:
    """The colour of a machine tile's left edge."""
    return rx.match(state, *[(key, rx.color(color, 9)) for key, color in STATE_COLORS.items()], rx.color("gray", 9))


def big_button(label: str | rx.Var, icon: str, *, color: str = "", variant: str = "solid", **props) -> rx.Component:
    """A full-width >= 56 px button; `color` a Radix colour, "" for the organization's accent."""
    if color:
        props["color_scheme"] = color
    return rx.button(
        rx.icon(icon, size=26), rx.text(label, size="5", weight="bold"),
        type="button", variant=variant, size="4", min_height=BIG, width="100%", **props,
    )


def action_button(label: str | rx.Var, icon: str, action: str, machine_id: rx.Var, *, color: str = "",
                  variant: str = "solid", operation_id: rx.Var | int | None = None, reason_input: str = "",
                  **props) -> rx.Component:
    """A tap that becomes one operator action in the browser's outbox (assets/operator_outbox.js)."""
    attrs = {"data_takt_action": action, "data_machine": machine_id, "data_label": label}
    if operation_id is not None:
        attrs["data_operation"] = operation_id
    if reason_input:
        attrs["data_reason_input"] = reason_input
    return big_button(label, icon, color=color, variant=variant, **attrs, **props)


def reason_picker(input_id: str, label: str, choices: rx.Var) -> rx.Component:
    """A native select (the phone's own picker), read by the outbox script when a button is tapped."""
    return rx.box(
        rx.el.label(rx.text(label, size="4", weight="medium"), html_for=input_id),
        rx.el.select(
            rx.el.option(_("Choose a reason…"), value=""),
            rx.foreach(choices, lambda c: rx.el.option(c.label, value=c.id)),
            id=input_id, name=input_id, default_value="",
            style={"width": "100%", "minHeight": BIG, "fontSize": "19px", "padding": "0 12px", "marginTop": "4px",
                   "borderRadius": "10px", "border": f"2px solid {rx.color('gray', 8)}",
                   "background": rx.color("gray", 1), "color": rx.color("gray", 12)},
        ),
        width="100%",
    )


def stepper(input_id: str, label: str, *, plus: tuple[int, ...] = (1,)) -> rx.Component:
    """[-] [number] [+] ...: big buttons that change a number input in the browser."""
    def step_button(amount: int) -> rx.Component:
        text = f"+{amount}" if amount > 0 else str(amount)
        return rx.button(rx.text(text, size="6", weight="bold"), type="button", variant="soft", size="4",
                         min_height=BIG, width=BIG, min_width=BIG, padding="0", flex_shrink="0",
                         data_takt_step=input_id, data_step=amount, aria_label=f"{label} {text}")
    return rx.box(
        rx.el.label(rx.text(label, size="4", weight="medium"), html_for=input_id),
        rx.flex(
            step_button(-1),
            rx.el.input(id=input_id, name=input_id, type="number", input_mode="numeric", min=0, default_value="0",
                        style={"flex": "1", "minWidth": "64px", "minHeight": BIG, "fontSize": "26px", "fontWeight": "700",
                               "textAlign": "center", "borderRadius": "10px",
                               "border": f"2px solid {rx.color('gray', 8)}", "background": rx.color("gray", 1),
                               "color": rx.color("gray", 12)}),
            *[step_button(a) for a in plus],
            spacing="2", align="center", width="100%", margin_top="4px",
        ),
        width="100%",
    )


def outbox() -> rx.Component:
    """The outbox script and the texts it shows (translated here, read by the script)."""
    return rx.fragment(
        rx.el.div(
            id="takt-outbox-texts", display="none", aria_hidden="true",
            data_one=_("1 action waiting to send"), data_many=_("{n} actions waiting to send"),
            data_retry=_("No connection: trying again in {s} s"), data_sending=_("Sending…"),
            data_not_sent=_("Not sent"), data_ok=_("OK"), data_need_reason=_("Choose a reason first."),
            data_need_count=_("Enter how many good or scrap parts to report."),
            data_need_scrap_reason=_("Choose why the parts are scrap."), data_logged_out=_("Log in first."),
        ),
        rx.script(src="/operator_outbox.js"),
    )
