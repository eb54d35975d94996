"""Pieces the maintenance pages share: the SLA badge with its live countdown (rx.moment ticks in the browser
towards the deadline; the working time left was computed by the server at the last refresh)."""
from __future__ import annotations

import reflex as rx

from rxapp.i18n import _

SLA_LABELS = {"ok": _("On time"), "warning": _("Due soon"), "breached": _("Breached"), "paused": _("Paused"),
              "met": _("Met"), "missed": _("Missed"), "none": _("No SLA")}


def sla_badge(state: rx.Var, color: rx.Var, due_iso: rx.Var, remaining: rx.Var) -> rx.Component:
    label = rx.match(state, *[(k, v) for k, v in SLA_LABELS.items()], state)
    return rx.flex(
        rx.badge(label, color_scheme=color, variant="solid", data_testid="sla-badge"),
        rx.cond(remaining != "", rx.text(remaining, size="2", weight="bold", data_testid="sla-remaining")),
        rx.cond(due_iso != "", rx.moment(due_iso, from_now=True, interval=30_000, size="1", color_scheme="gray")),
        spacing="2", align="center", wrap="wrap")
