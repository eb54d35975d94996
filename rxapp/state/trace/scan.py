"""The scan page: one input that a keyboard-wedge scanner types into (each scan ends with Enter), or
the phone camera; a mode; the context (shipment, job or location) that context labels set.

Every scan is one `scan` event; Reflex handles a client's events one after another, so a burst of
scans is processed in the order scanned. The answer (OK or error, the words, a colour) stays on
screen and assets/scan_station.js beeps (a different sound for errors) and keeps the focus in the
input. Context ids live here but mean nothing by themselves: the service checks every id against
the person's organization and plants on each scan.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from models.scans import ScanMode
from rxapp.i18n import _, format_datetime
from rxapp.state.org.auth import AuthState
from services.core.errors import DomainError
from services.trace import scanning
from services.trace.scanning import ScanAnswer, ScanRequest

MODE_LABELS = {
    ScanMode.RECEIVE.value: _("Receive"), ScanMode.MOVE.value: _("Move"), ScanMode.CONSUME.value: _("Consume to job"),
    ScanMode.PACK.value: _("Pack to shipment"), ScanMode.SHIP.value: _("Ship"),
}
MODE_HINTS = {
    ScanMode.RECEIVE.value: _("Choose product, supplier and quantity; then scan each supplier label."),
    ScanMode.MOVE.value: _("Scan a location label, then the lots to put there."),
    ScanMode.CONSUME.value: _("Scan the work order label, then the material lots or serial numbers."),
    ScanMode.PACK.value: _("Scan the shipment label, then the lots or serial numbers to pack."),
    ScanMode.SHIP.value: _("Enter the carrier, then scan the shipment label."),
}
SETTINGS = ("product_id", "supplier", "quantity", "delivery_ref", "carrier", "tracking_number")
CAMERA_REPEAT_SECONDS = 3.0
MAX_LINES = 15


@dataclass
class ScanLine:
    id: int = 0
    ok: bool = True
    message: str = ""
    raw: str = ""
    at: str = ""


@dataclass
class Choice:
    value: str = ""
    label: str = ""


def scan_line(answer: ScanAnswer, zones: dict[int, str]) -> ScanLine:
    """One line of the scan list, its time in the scan's plant's time zone."""
    zone = zones.get(answer.plant_id or 0) or next(iter(zones.values()), "UTC")
    return ScanLine(id=answer.id, ok=answer.ok, message=answer.message, raw=answer.raw,
                    at=format_datetime(answer.at, zone or "UTC", "HH:mm:ss"))


class ScanState(AuthState):
    mode: str = ScanMode.PACK.value
    context_kind: str = ""
    context_id: int = 0
    context_text: str = ""
    product_id: str = ""
    supplier: str = ""
    quantity: str = ""
    delivery_ref: str = ""
    carrier: str = ""
    tracking_number: str = ""
    products: list[Choice] = []
    answered: bool = False
    answer_ok: bool = True
    answer_message: str = ""
    lines: list[ScanLine] = []
    scanned: int = 0
    feedback: str = ""          # the latest answer's sound for assets/scan_station.js: ok | error | "" (none)
    feedback_seq: int = 0       # bumped by every answer, so the same sound twice is still two beeps
    camera_on: bool = False
    camera_error: str = ""
    load_error: str = ""
    _camera_last: str = ""
    _camera_at: float = 0.0

    @rx.var
    def mode_hint(self) -> str:
        return MODE_HINTS.get(self.mode, "")

    @rx.var
    def mode_choices(self) -> list[Choice]:
        return [Choice(value=key, label=label) for key, label in MODE_LABELS.items()]

    @rx.event
    def enter(self):
        try:
            self.lines = [scan_line(a, self._zones()) for a in self._use_case(scanning.recent_scans, limit=MAX_LINES)]
            self.products = [Choice(value=str(p.id), label=f"{p.code} · {p.name} ({p.unit})")
                             for p in self._use_case(scanning.receivable_products)]
            self.load_error = ""
        except DomainError as error:
            self.load_error = _(error.message)
            return self._refused(error, quiet=True)

    @rx.event
    def set_mode(self, mode: str):
        if mode in MODE_LABELS and mode != self.mode:
            self.mode = mode
            self._clear_context()
        self._feedback(None)

    @rx.event
    def clear_context(self):
        self._clear_context()
        self._feedback(None)

    def _clear_context(self) -> None:
        self.context_kind, self.context_id, self.context_text = "", 0, ""

    @rx.event
    def set_setting(self, name: str, value: str):
        if name in SETTINGS:
            setattr(self, name, str(value)[:200])

    @rx.event
    def scan(self, form: dict):
        """One scan from the input (a keyboard-wedge burst ends with Enter and submits the form)."""
        return self._scan(str(form.get("raw", "")))

    @rx.event
    def camera_scan(self, raw: str):
        """A code the camera read; the same code seen again within a few seconds is the same scan."""
        now = time.monotonic()
        if not raw or (raw == self._camera_last and now - self._camera_at < CAMERA_REPEAT_SECONDS):
            return None
        self._camera_last, self._camera_at = raw, now
        return self._scan(raw)

    @rx.event
    def camera_failed(self, message: str):
        self.camera_error = _("The camera cannot be used: {reason}").format(reason=message[:200])

    @rx.event
    def toggle_camera(self):
        self.camera_on, self.camera_error = not self.camera_on, ""

    def _scan(self, raw: str):
        if not raw.strip():
            self._feedback(None)
            return None
        try:
            answer = self._use_case(scanning.scan, self._request(raw), now=utcnow())
        except DomainError as error:
            self._show(False, _(error.message))
            self._feedback(False)
            return self._refused(error, quiet=True)
        self._show(answer.ok, _(answer.message))
        if answer.context_kind:
            self.context_kind, self.context_id, self.context_text = (answer.context_kind, answer.context_id or 0,
                                                                     answer.context_label)
        self.lines = [scan_line(answer, self._zones()), *self.lines][:MAX_LINES]
        self.scanned += 1
        self._feedback(answer.ok)
        return None

    def _request(self, raw: str) -> ScanRequest:
        context = {f"{self.context_kind}_id": self.context_id} if self.context_kind and self.context_id else {}
        receive = {}
        if self.mode == ScanMode.RECEIVE.value:
            quantity = self.quantity.strip()
            receive = {"product_id": int(self.product_id) if self.product_id.isdigit() else None,
                       "quantity": int(quantity) if quantity.isdigit() else None,
                       "supplier": self.supplier, "delivery_ref": self.delivery_ref[:64]}
        return ScanRequest(mode=self.mode, raw=raw[:2000], carrier=self.carrier[:100],
                           tracking_number=self.tracking_number[:100], **context, **receive)

    def _zones(self) -> dict[int, str]:
        return {plant.id: plant.timezone for plant in self.plants}

    def _show(self, ok: bool, message: str) -> None:
        self.answered, self.answer_ok, self.answer_message = True, ok, message

    def _feedback(self, ok: bool | None) -> None:
        """Beep (OK or error) and put the focus back into the scan input: assets/scan_station.js watches the
        page's #scan-feedback element, which carries `feedback` and `feedback_seq` (no script sent)."""
        self.feedback = "" if ok is None else ("ok" if ok else "error")
        self.feedback_seq += 1
