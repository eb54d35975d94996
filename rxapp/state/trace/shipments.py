"""/shipments: the list (search, status, export), a new shipment from open order lines, and the
detail where lots and serials are packed by number (typed or scanned), unpacked, shipped with
carrier and tracking, or cancelled; packing list and shipment sheet PDFs.

Every handler goes through services.trace.shipments with the actor re-resolved from the token.
"""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _, format_datetime
from rxapp.state.master.common import Option, download, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.trace.custom_fields import ShipmentCustomFields
from services.core.errors import DomainError
from services.trace import shipment_packing, shipment_pdf, shipment_reads, shipments
from services.trace.shipments import ShipmentCreate, ShipmentLineInput

PAGE = 50
COLUMNS = [("number", _("Shipment")), ("customer_code", _("Customer")), ("customer_name", _("Name")), ("status", _("Status")),
           ("quantity", _("Quantity")), ("quantity_packed", _("Packed")), ("carrier", _("Carrier")),
           ("tracking_number", _("Tracking")), ("shipped_at", _("Shipped")), ("created_at", _("Created"))]


@dataclass
class ShipmentRow:
    id: int = 0
    number: str = ""
    customer: str = ""
    status: str = ""
    packed: str = ""
    percent: int = 0
    tracking: str = ""
    created: str = ""


@dataclass
class OpenLineRow:
    id: int = 0
    label: str = ""
    customer: str = ""
    to_ship: int = 0


@dataclass
class LineView:
    label: str = ""
    packed: str = ""
    percent: int = 0


@dataclass
class ItemView:
    id: int = 0
    what: str = ""
    quantity: int = 0


def shipment_row(s, zone: str = "UTC") -> ShipmentRow:
    return ShipmentRow(id=s.id, number=s.number, customer=f"{s.customer_code} · {s.customer_name}",
                       status=s.status.value, packed=f"{s.quantity_packed} / {s.quantity}",
                       percent=int(100 * s.quantity_packed / s.quantity) if s.quantity else 0,
                       tracking=" ".join(x for x in (s.carrier, s.tracking_number) if x),
                       created=format_datetime(s.created_at, zone, "short"))


def _shown(session, actor, shipment_id: int):
    """One unit of work for the detail: the shipment, its status history and what the actor may do with it."""
    found = shipment_reads.get_shipment(session, actor, shipment_id)
    return found, shipment_reads.history(session, actor, found.id), shipments.shipment_actions(actor, found.plant_id)


def _and_actions(session, actor, fn, *args, **kwargs):
    """`fn`'s answer (a shipment, or a packing result holding it) and, in the same unit of work, what the actor
    may do with that shipment."""
    found = fn(session, actor, *args, **kwargs)
    shipment = found.shipment if isinstance(found, shipment_packing.PackResult) else found
    return found, shipments.shipment_actions(actor, shipment.plant_id)


class ShipmentsState(ShipmentCustomFields, AuthState):
    rows: list[ShipmentRow] = []
    total: int = 0
    offset: int = 0
    search: str = ""
    status_filter: str = "all"
    loading: bool = True
    load_error: str = ""
    create_open: bool = False
    create_plant: str = ""
    open_lines: list[OpenLineRow] = []
    chosen: list[int] = []
    detail_open: bool = False
    detail: ShipmentRow = ShipmentRow()
    lines: list[LineView] = []
    items: list[ItemView] = []
    history: list[str] = []
    pack_message: str = ""
    pack_ok: bool = True
    can_create: bool = False         # from shipments.shipment_actions: the buttons the actor's permissions allow
    can_handle: bool = False         # pack, unpack and ship the shipment shown
    can_cancel: bool = False

    @rx.var
    def page_label(self) -> str:
        return f"{self.offset + 1}–{min(self.offset + PAGE, self.total)} / {self.total}" if self.total else ""

    @rx.var
    def plant_options(self) -> list[Option]:
        return [Option(value=str(p.id), label=f"{p.code} · {p.name}") for p in self.plants]

    @rx.var
    def is_open(self) -> bool:
        return self.detail.status in ("open", "packing")

    @rx.event
    def enter(self):
        self.offset = 0
        self._load_custom_filter_fields()
        return ShipmentsState.load

    def _filters(self) -> dict:
        return dict(search=self.search, status=None if self.status_filter == "all" else self.status_filter,
                    custom=self._custom_filter())

    @rx.event
    def load(self):
        try:
            (found, self.total), allowed = self._use_case(lambda s, a: (
                shipment_reads.list_shipments(s, a, limit=PAGE, offset=self.offset, **self._filters()),
                shipments.shipment_actions(a)))
            self.can_create = allowed["can_create"]
        except DomainError as error:
            self.loading, self.rows, self.load_error = False, [], _(error.message)
            return self._refused(error, quiet=True)
        self.rows, self.loading, self.load_error = [shipment_row(s, self._zone(s.plant_id)) for s in found], False, ""

    @rx.event
    def apply_search(self, form: dict):
        self.search, self.offset = str(form.get("search", "")).strip()[:100], 0
        return ShipmentsState.load

    @rx.event
    def set_status_filter(self, value: str):
        self.status_filter, self.offset = str(value), 0
        return ShipmentsState.load

    @rx.event
    def turn_page(self, step: int):
        self.offset = max(0, min(self.offset + int(step) * PAGE, max(0, self.total - 1)))
        return ShipmentsState.load

    @rx.event
    def export(self, fmt: str):
        try:
            found, _total = self._use_case(shipment_reads.list_shipments, limit=500, **self._filters())
            rows, columns = self._custom_export(found, COLUMNS)
        except DomainError as error:
            return self._refused(error)
        return download(rows, columns, "shipments", fmt)

    # ----- create ----------------------------------------------------------------------------

    @rx.event
    def open_create(self):
        self.create_plant = str(self.plants[0].id) if self.plants else ""
        try:
            self._load_form_custom()
        except DomainError as error:
            return self._refused(error)
        self.create_open, self.chosen, self.custom_errors = True, [], {}
        return ShipmentsState.load_open_lines

    @rx.event
    def close_create(self, open_: bool = False):
        self.create_open = bool(open_)

    @rx.event
    def set_create_plant(self, value: str):
        self.create_plant, self.chosen = str(value), []
        return ShipmentsState.load_open_lines

    @rx.event
    def load_open_lines(self):
        try:
            found = self._use_case(shipment_reads.open_order_lines, plant_id=as_id(self.create_plant))
        except DomainError as error:
            self.open_lines = []
            return self._refused(error)
        self.open_lines = [OpenLineRow(id=line.order_line_id, customer=line.customer_code, to_ship=line.quantity_to_ship,
                                       label=f"{line.order_number}/{line.line_no} · {line.customer_code} · "
                                             f"{line.product_code} · "
                                             + _("{n} to ship").format(n=line.quantity_to_ship) + " · "
                                             + _("promised {date}").format(date=line.promised_date))
                           for line in found]

    @rx.event
    def toggle_line(self, line_id: int, checked: bool):
        line_id = as_id(line_id)
        self.chosen = sorted(set(self.chosen) - {line_id} | ({line_id} if checked else set()))

    @rx.event
    def create(self, form: dict | None = None):
        data = ShipmentCreate(plant_id=as_id(self.create_plant),
                              lines=[ShipmentLineInput(order_line_id=i) for i in self.chosen],
                              note=str((form or {}).get("note") or "")[:2000], custom=self._form_custom(form))
        try:
            created = self._use_case(shipments.create_shipment, data, now=utcnow())
        except DomainError as error:
            self.custom_errors = translated_fields(error)
            return self._refused(error)
        self.create_open = False
        return [rx.toast.success(_("Shipment {number} created.").format(number=created.number)),
                ShipmentsState.load, ShipmentsState.show(created.id)]

    # ----- detail, pack, ship ----------------------------------------------------------------

    @rx.event
    def show(self, shipment_id: int):
        try:
            found, history, allowed = self._use_case(_shown, as_id(shipment_id))
            self._show_custom(found.custom)
        except DomainError as error:
            self.detail_open = False
            return self._refused(error)
        self._fill(found, allowed)
        self.history = [f"{self._when(h['at'], found.plant_id)} · {h['from_status'] or '–'} → {h['to_status']}"
                        + (f" · {h['reason']}" if h["reason"] else "") for h in history]
        self.detail_open, self.pack_message = True, ""

    def _fill(self, found, allowed: dict[str, bool]) -> None:
        """The shipment shown, and the buttons `allowed` (shipments.shipment_actions, read with it)."""
        self.detail = shipment_row(found, self._zone(found.plant_id))
        self.can_handle, self.can_cancel = allowed["can_handle"], allowed["can_cancel"]
        self.lines = [LineView(label=f"{line.order_number}/{line.line_no} · {line.product_code} {line.product_name}",
                               packed=f"{line.quantity_packed} / {line.quantity}",
                               percent=int(100 * line.quantity_packed / line.quantity) if line.quantity else 0)
                      for line in found.lines]
        self.items = [ItemView(id=i.id, quantity=i.quantity,
                               what=i.lot_number + (f" · {i.serial_number}" if i.serial_number else "")
                               + f" · {i.product_code}") for i in found.items]

    @rx.event
    def close_detail(self, open_: bool = False):
        self.detail_open = bool(open_)

    @rx.event
    def pack(self, form: dict):
        code = str(form.get("code", "")).strip()[:64]
        quantity_text = str(form.get("quantity", "")).strip()
        try:
            quantity = int(quantity_text) if quantity_text else None
            result, allowed = self._use_case(_and_actions, shipment_packing.pack_code, self.detail.id, code,
                                             quantity=quantity, now=utcnow())
        except ValueError:
            self.pack_ok, self.pack_message = False, _("Give a whole quantity above 0.")
            return
        except DomainError as error:
            self.pack_ok, self.pack_message = False, _(error.message)
            return None if error.code in ("not_found", "conflict", "invalid") else self._refused(error)
        self._fill(result.shipment, allowed)
        self.pack_ok = True
        self.pack_message = _("Packed {quantity} of {what}.").format(quantity=result.item.quantity,
                                                                   what=result.item.serial_number or result.item.lot_number)
        return ShipmentsState.load

    @rx.event
    def unpack(self, item_id: int):
        return self._act(shipment_packing.unpack, as_id(item_id), now=utcnow(), shipment_id=self.detail.id)

    @rx.event
    def ship(self, form: dict):
        return self._act(shipments.ship, self.detail.id, carrier=str(form.get("carrier", ""))[:100],
                         tracking_number=str(form.get("tracking_number", ""))[:100], now=utcnow(),
                         message=_("Shipped."))

    @rx.event
    def cancel(self, form: dict):
        return self._act(shipments.cancel, self.detail.id, reason=str(form.get("reason", ""))[:500], now=utcnow(),
                         message=_("Shipment cancelled."))

    def _act(self, fn, *args, message: str = "", **kwargs):
        try:
            found, allowed = self._use_case(_and_actions, fn, *args, **kwargs)
        except DomainError as error:
            return self._refused(error)
        self._fill(found, allowed)
        events = [ShipmentsState.load, ShipmentsState.show(found.id)]
        return [rx.toast.success(message), *events] if message else events

    @rx.event
    def download_pdf(self, kind: str):
        maker = {"packing-list": shipment_pdf.packing_list_pdf, "sheet": shipment_pdf.shipment_sheet_pdf}.get(kind)
        if maker is None or not self.detail.id:
            return
        try:
            data = self._use_case(maker, self.detail.id)
        except DomainError as error:
            return self._refused(error)
        return rx.download(data=data, filename=f"{kind}-{self.detail.number}.pdf", mime_type="application/pdf")
