"""Status badges for lots, serials and shipments: one colour and one word per state, everywhere
(DESIGN 6b). Pure functions of vars."""
from __future__ import annotations

import reflex as rx

from rxapp.i18n import _

TRACE_STATUS_COLORS = {
    "available": "green", "on_hold": "amber", "consumed": "gray", "shipped": "blue", "recalled": "red",
    "open": "gray", "packing": "amber", "cancelled": "red",
}
TRACE_STATUS_LABELS = {
    "available": _("Available"), "on_hold": _("On hold"), "consumed": _("Used up"), "shipped": _("Shipped"),
    "recalled": _("Recalled"), "open": _("Open"), "packing": _("Packing"), "cancelled": _("Cancelled"),
}


def trace_badge(status: rx.Var) -> rx.Component:
    return rx.match(
        status,
        *[(key, rx.badge(TRACE_STATUS_LABELS[key], color_scheme=color, variant="soft", data_testid=f"status-{key}"))
          for key, color in TRACE_STATUS_COLORS.items()],
        rx.badge(status, variant="soft"),
    )
