"""Small building blocks every page uses: labelled fields with their error, page headers, and the
loading / error / empty states of a list. Pure functions of vars."""
from __future__ import annotations

import reflex as rx

from rxapp.i18n import _

TOUCH = "48px"                          # minimum touch target on phones (DESIGN 6b)
PHONE_TOUCH = ["48px", "48px", "auto"]   # 48 px on phones and small tablets, compact from 768 px


def field_error(message: rx.Var | str) -> rx.Component:
    return rx.cond(
        message,
        rx.text(message, color_scheme="red", size="2", role="alert"),
    )


def field(label: str, control: rx.Component, error: rx.Var | str = "", *, hint: str = "",
          html_for: str = "") -> rx.Component:
    """A label above its control, with an optional hint and the field's error below. The label names the control
    (`html_for`, or the control's own id when it has one, as `text_input` gives it)."""
    target = html_for or (control.id if isinstance(control.id, str) else "")
    return rx.box(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=target or None),
        rx.box(control, margin_top="4px"),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")) if hint else rx.fragment(),
        field_error(error),
        width="100%",
    )


def text_input(name: str, *, type: str = "text", placeholder: str = "", default_value=None,
               autocomplete: str = "off", **props) -> rx.Component:
    props.setdefault("min_height", PHONE_TOUCH)
    return rx.input(
        name=name, id=props.pop("id", name), type=type, placeholder=placeholder, default_value=default_value,
        auto_complete=autocomplete, size="3", width="100%", **props,
    )


def page_header(title: str, description: str = "", *actions: rx.Component) -> rx.Component:
    return rx.flex(
        rx.box(
            rx.heading(title, size="6", as_="h1"),
            rx.text(description, color_scheme="gray", size="2") if description else rx.fragment(),
        ),
        rx.flex(*actions, spacing="2", wrap="wrap"),
        justify="between", align="end", spacing="3", wrap="wrap", width="100%", margin_bottom="16px",
    )


def loading(text: str | None = None) -> rx.Component:
    return rx.flex(
        rx.spinner(size="3"), rx.text(text or _("Loading…"), color_scheme="gray"),
        align="center", justify="center", spacing="3", padding="32px", width="100%", role="status",
    )


def error_state(message: rx.Var, retry) -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("triangle-alert")),
        rx.callout.text(message),
        rx.button(_("Try again"), on_click=retry, variant="soft", color_scheme="red", min_height=TOUCH),
        color_scheme="red", role="alert", width="100%",
    )


def empty_state(text: str, icon: str = "inbox") -> rx.Component:
    return rx.flex(
        rx.icon(icon, size=32, color=rx.color("gray", 9)),
        rx.text(text, color_scheme="gray", align="center"),
        direction="column", align="center", spacing="2", padding="32px", width="100%",
    )


def setup_needed(steps: rx.Var, intro: str) -> rx.Component:
    """An empty state for a page whose plant is not set up yet: what to do first, each step a link."""
    return rx.card(
        rx.flex(
            rx.flex(rx.icon("list-checks", size=24), rx.heading(_("Set up first"), size="4", as_="h2"),
                    spacing="2", align="center"),
            rx.text(intro, color_scheme="gray"),
            rx.el.ol(rx.foreach(steps, lambda step: rx.el.li(
                rx.link(step.label, href=step.href, data_testid="setup-step-" + step.key.to(str)))),
                padding_left="20px", margin="0"),
            direction="column", spacing="3",
        ),
        width="100%", data_testid="setup-needed",
    )


def list_states(is_loading: rx.Var, error: rx.Var, is_empty: rx.Var, empty_text: str, retry,
                content: rx.Component) -> rx.Component:
    """Loading, then an error with a retry, an empty message, or the list itself."""
    return rx.cond(
        is_loading, loading(),
        rx.cond(error != "", error_state(error, retry), rx.cond(is_empty, empty_state(empty_text), content)),
    )


def active_badge(is_active: rx.Var) -> rx.Component:
    return rx.cond(
        is_active,
        rx.badge(_("Active"), color_scheme="green", variant="soft"),
        rx.badge(_("Inactive"), color_scheme="gray", variant="soft"),
    )


def phone_or_table(table: rx.Component, cards: rx.Component) -> rx.Component:
    """A list as cards with its key fields on a phone (under 768 px, Radix's `sm`), as a table from a tablet up:
    a desktop table squeezed into 390 px is unreadable."""
    return rx.fragment(
        rx.box(table, display=rx.breakpoints(initial="none", sm="block"), width="100%", data_testid="wide-list"),
        rx.flex(cards, direction="column", spacing="2", width="100%",
                display=rx.breakpoints(initial="flex", sm="none"), data_testid="phone-cards"),
    )


def list_card(title: rx.Component, badge: rx.Component, *lines: rx.Component, on_click=None,
              test_id: str = "list-card") -> rx.Component:
    """One row of a list on a phone: its number and status on top, a few key fields below, the whole card a tap."""
    return rx.card(
        rx.flex(rx.flex(title, badge, justify="between", align="center", spacing="2", wrap="wrap"),
                *lines, direction="column", spacing="1"),
        width="100%", min_height="56px", on_click=on_click, cursor="pointer" if on_click is not None else None,
        data_testid=test_id,
    )


def date_cell(*children, **props) -> rx.Component:
    """A table cell holding a date (due, promised, planned): it never wraps, so "6 Dec 2026" stays one line
    however narrow the table gets (the table scrolls sideways in its scroll_x box instead)."""
    return rx.table.cell(*children, white_space="nowrap", **props)


def scroll_x(*children: rx.Component) -> rx.Component:
    """A wide table scrolls inside its own box; the page itself never scrolls sideways. The box is the one
    scroller (assets/a11y.css lets the table's own scroll area grow) and takes the keyboard focus, so a table of
    text alone can be scrolled with the arrow keys (WCAG 2.1.1)."""
    return rx.box(*children, width="100%", overflow_x="auto", class_name="takt-scroll-x", tab_index=0)


def dialog(title: str | rx.Var, body: rx.Component, *, open: rx.Var, on_open_change, description: str = "",
           max_width: str = "560px") -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(description, size="2", color_scheme="gray") if description else rx.fragment(),
            body,
            max_width=max_width, width="calc(100vw - 24px)",
        ),
        open=open, on_open_change=on_open_change,
    )


def form_buttons(submit_label: str, on_cancel, busy: rx.Var | bool = False) -> rx.Component:
    return rx.flex(
        rx.button(_("Cancel"), type="button", variant="soft", color_scheme="gray", on_click=on_cancel,
                  min_height=TOUCH),
        rx.button(submit_label, type="submit", loading=busy, min_height=TOUCH),
        spacing="3", justify="end", margin_top="16px", wrap="wrap",
    )


def upload_zone(label: str, *children: rx.Component, **props) -> rx.Component:
    """`rx.upload.root` whose hidden file input carries `label` as its accessible name (the drop zone's input
    has no <label>: screen readers would announce a nameless "file upload button")."""
    zone = rx.upload.root(*children, **props)
    for child in zone.children:
        for element in child.children:
            if type(element).__name__ == "Input":
                element.custom_attrs["aria-label"] = label
    return zone
