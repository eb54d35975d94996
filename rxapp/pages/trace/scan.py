"""/scan: a scanning station for a phone or a fixed PC with a USB (keyboard-wedge) scanner.

The scan input keeps the focus; every scan ends with Enter and is answered in colour, sound and
words. The mode and the context (shipment, job, location) are set by a select and by scanning a
context label; the phone camera reads the same labels (rxapp/components/camera_scanner.py).
"""
from __future__ import annotations

import reflex as rx

from rxapp.components.camera_scanner import camera_scanner
from rxapp.components.operator import BIG
from rxapp.components.shell import shell
from rxapp.i18n import _
from rxapp.state.trace.scan import ScanLine, ScanState

_SELECT_STYLE = {"width": "100%", "minHeight": BIG, "fontSize": "18px", "padding": "0 12px", "borderRadius": "10px",
                 "border": f"2px solid {rx.color('gray', 8)}", "background": rx.color("gray", 1),
                 "color": rx.color("gray", 12)}


def _mode_picker() -> rx.Component:
    return rx.box(
        rx.el.label(rx.text(_("Mode"), size="3", weight="medium"), html_for="scan-mode"),
        rx.el.select(
            rx.foreach(ScanState.mode_choices, lambda c: rx.el.option(c.label, value=c.value)),
            id="scan-mode", value=ScanState.mode, on_change=ScanState.set_mode, style=_SELECT_STYLE,
        ),
        width="100%",
    )


def _setting(name: str, label: str, *, value: rx.Var, input_type: str = "text") -> rx.Component:
    return rx.box(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=f"scan-{name}"),
        rx.input(id=f"scan-{name}", default_value=value, type=input_type, auto_complete="off", size="3",
                 min_height="48px", data_scan_setting="1",
                 on_blur=lambda v: ScanState.set_setting(name, v)),
        width="100%",
    )


def _receive_settings() -> rx.Component:
    return rx.grid(
        rx.box(
            rx.el.label(rx.text(_("Product"), size="2", weight="medium"), html_for="scan-product_id"),
            rx.el.select(
                rx.el.option(_("Choose the product…"), value=""),
                rx.foreach(ScanState.products, lambda c: rx.el.option(c.label, value=c.value)),
                id="scan-product_id", value=ScanState.product_id,
                on_change=lambda v: ScanState.set_setting("product_id", v), style=_SELECT_STYLE,
            ),
        ),
        _setting("supplier", _("Supplier"), value=ScanState.supplier),
        _setting("quantity", _("Quantity per label"), value=ScanState.quantity, input_type="number"),
        _setting("delivery_ref", _("Delivery note"), value=ScanState.delivery_ref),
        columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%",
    )


def _ship_settings() -> rx.Component:
    return rx.grid(
        _setting("carrier", _("Carrier"), value=ScanState.carrier),
        _setting("tracking_number", _("Tracking number"), value=ScanState.tracking_number),
        columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%",
    )


def _context() -> rx.Component:
    return rx.cond(
        ScanState.context_text != "",
        rx.flex(
            rx.icon("crosshair", size=20),
            rx.text(ScanState.context_text, size="3", weight="medium", data_testid="scan-context", flex="1"),
            rx.button(_("Clear"), on_click=ScanState.clear_context, variant="soft", size="3", min_height="48px",
                      type="button"),
            align="center", spacing="2", padding="8px 12px", border_radius="10px", background=rx.color("accent", 3),
            width="100%",
        ),
        rx.text(ScanState.mode_hint, size="3", color_scheme="gray"),
    )


def _scan_input() -> rx.Component:
    return rx.form(
        rx.el.label(rx.text(_("Scan"), size="4", weight="bold"), html_for="scan-input"),
        rx.el.input(
            id="scan-input", name="raw", auto_focus=True, auto_complete="off", spell_check=False,
            placeholder=_("Scan a label (or type it and press Enter)"), enter_key_hint="go",
            style={"width": "100%", "minHeight": "64px", "fontSize": "22px", "padding": "0 14px",
                   "borderRadius": "12px", "border": f"3px solid {rx.color('accent', 8)}", "marginTop": "4px",
                   "background": rx.color("gray", 1), "color": rx.color("gray", 12)},
        ),
        on_submit=ScanState.scan, reset_on_submit=True, width="100%",
    )


def _answer() -> rx.Component:
    return rx.cond(
        ScanState.answered,
        rx.flex(
            rx.icon(rx.cond(ScanState.answer_ok, "circle-check", "circle-x"), size=44),
            rx.box(
                rx.text(rx.cond(ScanState.answer_ok, _("OK"), _("Error")), size="7", weight="bold"),
                rx.text(ScanState.answer_message, size="5", data_testid="scan-message"),
            ),
            align="center", spacing="3", padding="16px", border_radius="14px", width="100%", color="white",
            background=rx.cond(ScanState.answer_ok, "#15803d", "#b91c1c"), role="status", aria_live="assertive",
            data_testid="scan-answer", data_result=rx.cond(ScanState.answer_ok, "ok", "error"),
            data_count=ScanState.scanned.to_string(),
        ),
    )


def _line(line: ScanLine) -> rx.Component:
    return rx.flex(
        rx.badge(rx.cond(line.ok, _("OK"), _("Error")), color_scheme=rx.cond(line.ok, "green", "red"), size="2"),
        rx.text(line.message, size="2", flex="1"),
        rx.text(line.at, size="1", color_scheme="gray"),
        spacing="2", align="center", width="100%", padding="6px 0",
        border_bottom=f"1px solid {rx.color('gray', 4)}", data_testid="scan-line",
    )


def _camera() -> rx.Component:
    return rx.box(
        rx.button(rx.icon("camera", size=22),
                  rx.cond(ScanState.camera_on, _("Stop camera"), _("Scan with the camera")),
                  on_click=ScanState.toggle_camera, type="button", variant="outline", size="3", min_height="48px",
                  width="100%", data_testid="camera-toggle"),
        rx.cond(ScanState.camera_on,
                rx.box(camera_scanner(ScanState.camera_scan, ScanState.camera_failed), margin_top="8px",
                       data_testid="camera-view")),
        rx.cond(ScanState.camera_error != "", rx.text(ScanState.camera_error, color_scheme="red", size="2")),
        width="100%",
    )


def scan_page() -> rx.Component:
    return shell(
        rx.flex(
            rx.heading(_("Scanning station"), size="7", as_="h1"),
            _mode_picker(),
            rx.cond(ScanState.mode == "receive", _receive_settings()),
            rx.cond(ScanState.mode == "ship", _ship_settings()),
            _context(),
            _scan_input(),
            _answer(),
            _camera(),
            rx.cond(ScanState.load_error != "", rx.text(ScanState.load_error, color_scheme="red")),
            rx.box(
                rx.heading(_("Latest scans"), size="4", as_="h2", margin_bottom="4px"),
                rx.cond(ScanState.lines.length() == 0, rx.text(_("Nothing scanned yet."), color_scheme="gray"),
                        rx.foreach(ScanState.lines, _line)),
                width="100%",
            ),
            direction="column", spacing="4", width="100%", max_width="720px", padding_bottom="48px",
        ),
        rx.el.div(id="scan-feedback", hidden=True, data_result=ScanState.feedback,
                  data_seq=ScanState.feedback_seq.to_string()),
        rx.script(src="/scan_station.js"),
    )
