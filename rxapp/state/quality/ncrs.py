"""NCR list page state: filters (search, open/closed, severity, a custom field), loading and error
states, the "raise an NCR" dialog in the organization's form layout with field errors (custom fields included), CSV/Excel export of
exactly the rows shown. Everything goes through services/quality/ncr.py."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import (
    CustomFilterField,
    CustomInput,
    submitted_custom,
)
from rxapp.state.config.form_sections import FormSection, entity_form
from rxapp.state.master.common import Option, download, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.config import custom_fields
from services.core import formats
from services.core.errors import DomainError
from services.org import plants
from services.quality import ncr as ncr_service
from services.quality.ncr import NcrCreate, NcrRead

SEVERITIES = [("minor", _("Minor")), ("major", _("Major")), ("critical", _("Critical"))]
SHOW = [("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))]


@dataclass
class NcrRow:
    id: int = 0
    number: str = ""
    title: str = ""
    severity: str = ""
    status: str = ""
    status_name: str = ""
    is_closed: bool = False
    product: str = ""
    lot: str = ""
    open_actions: int = 0
    detected: str = ""
    age_days: int = 0
    href: str = ""


def ncr_row(n: NcrRead, today, zone: str = "UTC") -> NcrRow:
    return NcrRow(id=n.id, number=n.number, title=n.title, severity=n.severity, status=n.status,
                  status_name=n.status_name, is_closed=n.is_closed, product=n.product_code or "",
                  lot=n.lot_reference, open_actions=n.open_actions, detected=formats.day_at(n.detected_at, zone),
                  age_days=max((today - n.detected_at.date()).days, 0), href=routes.ncr_url(n.id))


class NcrsState(AuthState):
    rows: list[NcrRow] = []
    loading: bool = True
    load_error: str = ""
    search: str = ""
    show: str = "open"
    severity: str = ""
    custom_filter_fields: list[CustomFilterField] = []
    custom_filter_key: str = ""
    custom_filter_value: str = ""
    form_open: bool = False
    form_errors: dict[str, str] = {}
    plant_options: list[Option] = []
    custom_inputs: list[CustomInput] = []
    form_sections: list[FormSection] = []     # the raise form as the organization laid it out
    can_raise: bool = False          # the "Raise NCR" button: quality staff at one of their plants

    def _fetch(self, session, actor) -> list[NcrRead]:
        self.custom_filter_fields = [CustomFilterField(key=d.key, label=d.label)
                                     for d in custom_fields.definitions(session, actor, "ncr")]
        wanted = {self.custom_filter_key: self.custom_filter_value} if self.custom_filter_key else None
        return ncr_service.list_ncrs(session, actor, search=self.search, severity=self.severity or None,
                                     closed={"open": False, "closed": True}.get(self.show), custom=wanted)

    @rx.event
    def load(self):
        try:
            rows, self.can_raise = self._use_case(lambda s, a: (self._fetch(s, a), ncr_service.may_raise(a)))
        except DomainError as error:
            self.rows, self.loading, self.load_error = [], False, _(error.message)
            return self._refused(error, quiet=True)
        today = utcnow().date()
        self.rows, self.loading, self.load_error = [ncr_row(r, today, self._zone(r.plant_id)) for r in rows], False, ""

    @rx.event
    def enter(self):
        self.form_open, self.form_errors, self.loading = False, {}, True
        return NcrsState.load

    @rx.event
    def set_search(self, value: str):
        self.search = str(value or "")[:100]
        return NcrsState.load

    @rx.event
    def set_show(self, value: str):
        self.show = value if value in ("open", "closed", "all") else "open"
        return NcrsState.load

    @rx.event
    def set_severity(self, value: str):
        self.severity = value if value in {v for v, _l in SEVERITIES} else ""
        return NcrsState.load

    @rx.event
    def set_custom_filter_key(self, key: str):
        self.custom_filter_key = key if any(f.key == key for f in self.custom_filter_fields) else ""
        self.custom_filter_value = ""
        return NcrsState.load

    @rx.event
    def set_custom_filter_value(self, value: str):
        self.custom_filter_value = str(value or "")[:200]
        return NcrsState.load

    @rx.event
    def export(self, fmt: str):
        try:
            rows, columns = self._use_case(lambda s, a: ncr_service.export_rows(s, a, self._fetch(s, a)))
        except DomainError as error:
            return self._refused(error)
        return download(rows, columns, "ncrs", "xlsx" if fmt == "xlsx" else "csv")

    @rx.event
    def open_new(self):
        try:
            found = self._use_case(plants.list_plants)
            self.custom_inputs, self.form_sections = entity_form(self._use_case, "ncr")
        except DomainError as error:
            return self._refused(error)
        self.plant_options = [Option(value=str(p.id), label=f"{p.code} · {p.name}") for p in found]
        self.form_errors, self.form_open = {}, True

    @rx.event
    def set_form_open(self, is_open: bool):
        self.form_open = bool(is_open)

    @rx.event
    def save(self, form: dict):
        quantity = str(form.get("quantity", "")).strip()
        try:
            data = NcrCreate(plant_id=as_id(form.get("plant_id", "")), title=str(form.get("title", "")),
                             description=str(form.get("description", "")),
                             severity=str(form.get("severity", "minor")),
                             lot_reference=str(form.get("lot_reference", "")),
                             quantity=int(quantity) if quantity.isdigit() else None,
                             containment=str(form.get("containment", "")),
                             custom=submitted_custom(form, self.custom_inputs))
            if quantity and not quantity.isdigit():
                self.form_errors = {"quantity": _("A whole number above 0.")}
                return
            created = self._use_case(ncr_service.create_ncr, data, now=utcnow())
        except DomainError as error:
            self.form_errors = translated_fields(error)
            return self._refused(error)
        self.form_open, self.form_errors = False, {}
        return [rx.toast.success(_("NCR raised") + f": {created.number}"), rx.redirect(routes.ncr_url(created.id))]
