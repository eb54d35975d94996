"""/lots: the lots of the person's plants with search and status filter, CSV/Excel export, a lot's
detail (serials, hold and release) and the receipt of material from a supplier.

Every handler goes through services.trace.lots with the actor re-resolved from the token.
"""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _, format_datetime
from rxapp.state.master.common import Option, download, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.trace.custom_fields import LotCustomFields
from services.core.errors import DomainError
from services.master import products
from services.trace import labels, lots
from services.trace.labels import LabelKind
from services.trace.lots import LocationCreate, ReceiptCreate

PAGE = 50
COLUMNS = [("number", _("Lot")), ("product_code", _("Product")), ("product_name", _("Name")), ("quantity", _("On hand")),
           ("quantity_initial", _("Initial")), ("unit", _("Unit")), ("status", _("Status")), ("origin", _("Origin")),
           ("location_code", _("Location")), ("supplier", _("Supplier")), ("supplier_lot_ref", _("Supplier lot")),
           ("work_order_number", _("Work order")), ("pass_no", _("Pass")), ("created_at", _("Created"))]


@dataclass
class LocationRow:
    id: int = 0
    code: str = ""
    name: str = ""
    plant: str = ""
    active: bool = True


@dataclass
class LotRow:
    id: int = 0
    number: str = ""
    product: str = ""
    quantity: str = ""
    status: str = ""
    origin: str = ""
    source: str = ""
    location: str = ""
    created: str = ""


def lot_row(lot, zone: str = "UTC") -> LotRow:
    source = f"{lot.supplier} {lot.supplier_lot_ref}".strip() if lot.origin == "receipt" else \
        f"{lot.work_order_number} / {lot.pass_no}"
    return LotRow(id=lot.id, number=lot.number, product=f"{lot.product_code} · {lot.product_name}",
                  quantity=f"{lot.quantity} / {lot.quantity_initial} {lot.unit}", status=lot.status.value,
                  origin=lot.origin.value, source=source, location=lot.location_code,
                  created=format_datetime(lot.created_at, zone, "short"))


def _lot_shown(session, actor, lot_id: int):
    """One unit of work for the detail: the lot, its serials and whether the actor may hold or release it."""
    lot = lots.get_lot(session, actor, lot_id)
    return lot, lots.lot_serials(session, actor, lot.id), lots.lot_actions(actor, lot.plant_id)["can_hold"]


class LotsState(LotCustomFields, AuthState):
    rows: list[LotRow] = []
    total: int = 0
    offset: int = 0
    search: str = ""
    status_filter: str = "all"
    loading: bool = True
    load_error: str = ""
    selected: LotRow = LotRow()
    detail_open: bool = False
    hold_reason_text: str = ""
    serials: list[str] = []
    receive_open: bool = False
    product_options: list[Option] = []
    receive_errors: dict[str, str] = {}
    receive_locations: list[Option] = []
    locations_open: bool = False
    locations: list[LocationRow] = []
    location_plant: str = ""
    location_errors: dict[str, str] = {}
    can_receive: bool = False        # from lots.lot_actions: the buttons the actor's permissions allow
    can_locate: bool = False
    can_hold: bool = False           # hold or release the lot shown

    @rx.var
    def page_label(self) -> str:
        return f"{self.offset + 1}–{min(self.offset + PAGE, self.total)} / {self.total}" if self.total else ""

    @rx.var
    def plant_options(self) -> list[Option]:
        return [Option(value=str(p.id), label=f"{p.code} · {p.name}") for p in self.plants]

    @rx.event
    def enter(self):
        self.offset = 0
        self._load_custom_filter_fields()
        return LotsState.load

    def _filters(self) -> dict:
        return dict(search=self.search, status=None if self.status_filter == "all" else self.status_filter,
                    custom=self._custom_filter())

    @rx.event
    def load(self):
        try:
            (found, self.total), allowed = self._use_case(lambda s, a: (
                lots.list_lots(s, a, limit=PAGE, offset=self.offset, **self._filters()), lots.lot_actions(a)))
        except DomainError as error:
            self.loading, self.rows, self.load_error = False, [], _(error.message)
            return self._refused(error, quiet=True)
        self.can_receive, self.can_locate = allowed["can_handle"], allowed["can_locate"]
        self.rows, self.loading, self.load_error = [lot_row(lot, self._zone(lot.plant_id)) for lot in found], False, ""

    @rx.event
    def apply_search(self, form: dict):
        self.search, self.offset = str(form.get("search", "")).strip()[:100], 0
        return LotsState.load

    @rx.event
    def set_status_filter(self, value: str):
        self.status_filter, self.offset = str(value), 0
        return LotsState.load

    @rx.event
    def turn_page(self, step: int):
        self.offset = max(0, min(self.offset + int(step) * PAGE, max(0, self.total - 1)))
        return LotsState.load

    @rx.event
    def export(self, fmt: str):
        try:
            found, _total = self._use_case(lots.list_lots, limit=500, **self._filters())
            rows, columns = self._custom_export(found, COLUMNS)
        except DomainError as error:
            return self._refused(error)
        return download(rows, columns, "lots", fmt)

    # ----- detail, hold and release ----------------------------------------------------------

    @rx.event
    def show(self, lot_id: int):
        try:
            lot, serials, self.can_hold = self._use_case(_lot_shown, as_id(lot_id))
            self._show_custom(lot.custom)
        except DomainError as error:
            return self._refused(error)
        self.selected, self.detail_open = lot_row(lot, self._zone(lot.plant_id)), True
        self.serials = [f"{s.number} · {s.status.value}" for s in serials]
        self.hold_reason_text = lot.hold_reason

    @rx.event
    def close_detail(self, open_: bool = False):
        self.detail_open = bool(open_)

    @rx.event
    def set_hold_reason_text(self, value: str):
        self.hold_reason_text = str(value)[:500]

    @rx.event
    def hold(self):
        return self._change(lots.hold, reason=self.hold_reason_text, message=_("Lot put on hold."))

    @rx.event
    def release(self):
        return self._change(lots.release, message=_("Lot released."))

    def _change(self, fn, *, message: str, **kwargs):
        try:
            lot = self._use_case(fn, self.selected.id, now=utcnow(), **kwargs)
        except DomainError as error:
            return self._refused(error)
        self.selected = lot_row(lot, self._zone(lot.plant_id))
        return [rx.toast.success(message), LotsState.load]

    # ----- receive ---------------------------------------------------------------------------

    @rx.event
    def open_receive(self):
        try:
            found = self._use_case(products.list_products)
        except DomainError as error:
            return self._refused(error)
        self.product_options = [Option(value=str(p.id), label=f"{p.code} · {p.name} ({p.unit})") for p in found]
        try:
            places = self._use_case(lots.list_locations)
        except DomainError as error:
            return self._refused(error)
        codes = {p.id: p.code for p in self.plants}
        self.receive_locations = [Option(value=str(p.id), label=f"{codes.get(p.plant_id, '')} · {p.code} {p.name}".strip())
                                  for p in places]
        try:
            self._load_form_custom()
        except DomainError as error:
            return self._refused(error)
        self.receive_errors, self.receive_open = {}, True

    @rx.event
    def close_receive(self, open_: bool = False):
        self.receive_open = bool(open_)

    @rx.event
    def receive(self, form: dict):
        try:
            quantity = int(str(form.get("quantity", "")).strip() or "0")
        except ValueError:
            self.receive_errors = {"quantity": _("Give a whole quantity above 0.")}
            return
        data = ReceiptCreate(plant_id=as_id(form.get("plant_id") or (self.plants[0].id if self.plants else 0)),
                             product_id=as_id(form.get("product_id")), quantity=quantity,
                             supplier=str(form.get("supplier", ""))[:200],
                             supplier_lot_ref=str(form.get("supplier_lot_ref", ""))[:64],
                             location_id=as_id(form["location_id"]) if str(form.get("location_id") or "none") != "none"
                             else None,
                             serial_numbers=serial_numbers(form.get("serial_numbers", "")),
                             custom=self._form_custom(form))
        try:
            lot = self._use_case(lots.receive, data, now=utcnow())
        except DomainError as error:
            self.receive_errors = translated_fields(error)
            return None if error.fields else self._refused(error)
        self.receive_open, self.receive_errors = False, {}
        return [rx.toast.success(_("Received as {number}.").format(number=lot.number)), LotsState.load]

    # ----- storage locations -----------------------------------------------------------------

    @rx.event
    def open_locations(self):
        if not self.location_plant and self.plants:
            self.location_plant = str(self.plants[0].id)
        self.location_errors, self.locations_open = {}, True
        return LotsState.load_locations

    @rx.event
    def close_locations(self, open_: bool = False):
        self.locations_open = bool(open_)

    @rx.event
    def set_location_plant(self, value: str):
        self.location_plant = str(value)
        return LotsState.load_locations

    @rx.event
    def load_locations(self):
        if not self.location_plant:
            self.locations = []
            return None
        try:
            found = self._use_case(lots.list_locations, plant_id=as_id(self.location_plant), include_inactive=True)
        except DomainError as error:
            self.locations = []
            return self._refused(error)
        codes = {p.id: p.code for p in self.plants}
        self.locations = [LocationRow(id=p.id, code=p.code, name=p.name, plant=codes.get(p.plant_id, ""),
                                      active=p.is_active) for p in found]

    @rx.event
    def create_location(self, form: dict):
        data = LocationCreate(plant_id=as_id(self.location_plant or 0), code=str(form.get("code", ""))[:32],
                              name=str(form.get("name", ""))[:200])
        try:
            made = self._use_case(lots.create_location, data, now=utcnow())
        except DomainError as error:
            self.location_errors = translated_fields(error)
            return None if error.fields else self._refused(error)
        self.location_errors = {}
        return [rx.toast.success(_("Location {code} created.").format(code=made.code)), LotsState.load_locations]

    @rx.event
    def deactivate_location(self, location_id: int):
        try:
            gone = self._use_case(lots.deactivate_location, as_id(location_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Location {code} is out of use.").format(code=gone.code)), LotsState.load_locations]

    @rx.event
    def location_label(self, location_id: int):
        try:
            target = self._use_case(labels.label_for, LabelKind.LOC, as_id(location_id))
        except DomainError as error:
            return self._refused(error)
        return rx.download(data=labels.render_png(target), filename=f"label-{target.code.replace('/', '-')}.png")


def serial_numbers(text) -> list[str]:
    """Serial numbers typed or scanned one per line (or separated by commas)."""
    return [n.strip() for n in str(text or "").replace(",", "\n").splitlines() if n.strip()][:10_000]
