"""Pieces the maintenance pages share: the SLA badge with its live countdown (rx.moment ticks in the browser
towards the deadline; the working time left was computed by the server at the last refresh), and the photo
drop zone whose file input opens a phone's rear camera."""
from __future__ import annotations

import reflex as rx

from rxapp.components.ui import upload_zone
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


def camera_upload(upload_id: str, on_drop, *children: rx.Component, **style) -> rx.Component:
    """A drop zone for up to 4 images whose file input carries accept="image/*" and capture="environment", so a
    phone offers its rear camera (react-dropzone's input props set neither capture nor more than accept)."""
    root = upload_zone(_("Photos"), *children, id=upload_id, multiple=True, max_files=4, accept={"image/*": []},
                          on_drop=on_drop, **style)
    file_input = root.children[0].children[0]
    file_input.custom_attrs.update({"accept": "image/*", "capture": "environment"})
    return root
