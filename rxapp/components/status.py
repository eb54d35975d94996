"""Status badges for orders, work orders and operations: one colour and one word per state,
everywhere (DESIGN 6b). Pure functions of vars."""
from __future__ import annotations

import reflex as rx

from rxapp.i18n import _

STATUS_COLORS = {
    "open": "gray", "planned": "gray", "released": "blue", "running": "green", "paused": "amber",
    "done": "teal", "cancelled": "red",
}
STATUS_LABELS = {
    "open": _("Open"), "planned": _("Planned"), "released": _("Released"), "running": _("Running"),
    "paused": _("Paused"), "done": _("Done"), "cancelled": _("Cancelled"),
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def status_badge(status: rx.Var) -> rx.Component:
    """The badge of `status` (a var holding one of STATUS_COLORS' keys)."""
    return rx.match(
        status,
        *[(key, rx.badge(STATUS_LABELS[key], color_scheme=color, variant="soft", data_testid=f"status-{key}"))
          for key, color in STATUS_COLORS.items()],
        rx.badge(status, variant="soft"),
    )


def progress_cell(percent: rx.Var, good: rx.Var, scrap: rx.Var, quantity: rx.Var) -> rx.Component:
    """A progress bar of good units against the quantity, with the numbers under it."""
    return rx.box(
        rx.progress(value=percent, max=100, size="2", aria_label=_("Progress")),
        rx.text(good, " / ", quantity, rx.cond(scrap > 0, rx.text.span(" · ", _("scrap"), " ", scrap, color=rx.color("red", 11))),
                size="1", color_scheme="gray"),
        min_width="120px",
    )
