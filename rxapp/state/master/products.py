"""Products page state: the filtered list, the create/edit dialog with the service's field errors,
deactivate/reactivate and CSV/Excel export. services.master.products keeps every rule."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import (
    CustomFilterField,
    CustomInput,
    custom_inputs,
    submitted_custom,
    summary,
)
from rxapp.state.config.form_sections import FormSection, form_sections
from rxapp.state.master.common import MasterList, active_flag, decimal_text, download
from rxapp.state.org.auth import AuthState, as_id
from services.config import custom_field_views, custom_fields, form_layouts
from services.core import formats
from services.core.errors import DomainError
from services.master import products as product_service
from services.master.products import (
    PRODUCT_COLUMNS,
    ProductCreate,
    ProductRead,
    ProductUpdate,
)

TYPE_LABELS = {"raw": _("Raw material"), "semi": _("Semi-finished"), "finished": _("Finished good")}
TYPE_OPTIONS = list(TYPE_LABELS.items())


@dataclass
class ProductRow:
    id: int = 0
    code: str = ""
    name: str = ""                      # the name in the viewer's language
    other_name: str = ""                # the main name when the viewer sees the second one
    type: str = ""
    type_label: str = ""
    unit: str = ""
    standard_cost: str = ""
    is_active: bool = True
    custom_summary: str = ""


def product_row(p: ProductRead, custom_summary: str = "", currency: str = "") -> ProductRow:
    """A list row; the standard cost in the person's number format with the organization's currency."""
    cost = "" if p.standard_cost is None else (
        f"{formats.amount(p.standard_cost, currency)} {currency}" if currency else decimal_text(p.standard_cost))
    return ProductRow(id=p.id, code=p.code, name=p.display_name or p.name,
                      other_name=p.name if p.display_name not in ("", p.name) else "",
                      type=p.type.value, type_label=TYPE_LABELS[p.type.value],
                      unit=p.unit, standard_cost=cost, is_active=p.is_active, custom_summary=custom_summary)


class ProductsState(MasterList, AuthState):
    rows: list[ProductRow] = []
    type_filter: str = ""
    custom_inputs: list[CustomInput] = []
    form_sections: list[FormSection] = []     # the form as the organization laid it out (built-in and custom)
    custom_filter_fields: list[CustomFilterField] = []
    custom_filter_key: str = ""
    custom_filter_value: str = ""
    _custom_shown: list[str] = []
    currency: str = ""                        # the organization's: standard costs are in it
    unit_options: list[str] = []              # the units its unit system offers; a new product starts with the first

    f_code: str = ""
    f_name: str = ""
    f_name2: str = ""
    f_name2_language: str = ""
    f_description: str = ""
    f_unit: str = "pcs"
    f_type: str = "finished"
    f_cost: str = ""

    _columns: ClassVar[list] = PRODUCT_COLUMNS
    _export_name: ClassVar[str] = "products"

    def _fetch(self, session, actor) -> list[ProductRead]:
        defs = custom_fields.definitions(session, actor, "product")
        self.custom_filter_fields = [CustomFilterField(key=d.key, label=d.label) for d in defs]
        wanted = {self.custom_filter_key: self.custom_filter_value} if self.custom_filter_key else None
        rows = product_service.list_products(session, actor, search=self.search, type=self.type_filter or None,
                                             active=active_flag(self.status), custom=wanted)
        labels = {d.key: d.label for d in defs}
        shown = custom_field_views.display_values(session, actor, "product", [p.custom for p in rows])
        self._custom_shown = [summary(values, labels) for values in shown]
        self.currency = product_service.cost_currency(session, actor)
        return rows

    def _show(self, rows: list[ProductRead]) -> None:
        shown = self._custom_shown if len(self._custom_shown) == len(rows) else [""] * len(rows)
        self.rows = [product_row(p, text, self.currency) for p, text in zip(rows, shown, strict=True)]

    @rx.event
    def set_custom_filter_key(self, key: str):
        self.custom_filter_key = key if any(f.key == key for f in self.custom_filter_fields) else ""
        self.custom_filter_value = ""
        return ProductsState.load

    @rx.event
    def set_custom_filter_value(self, value: str):
        self.custom_filter_value = str(value or "")[:200]
        return ProductsState.load

    @rx.event
    def export(self, fmt: str):
        def rows_and_columns(session, actor):
            return custom_field_views.with_custom_columns(session, actor, "product", self._fetch(session, actor),
                                                     PRODUCT_COLUMNS)
        try:
            rows, columns = self._use_case(rows_and_columns)
        except DomainError as error:
            return self._refused(error)
        return download(rows, columns, self._export_name, "xlsx" if fmt == "xlsx" else "csv")

    def _load_custom_inputs(self, current: dict) -> None:
        self.custom_inputs = custom_inputs(self._use_case(custom_field_views.form_inputs, "product", current))
        self.form_sections = form_sections(self._use_case(form_layouts.get_layout, "product"), self.custom_inputs)

    @rx.event
    def set_type_filter(self, value: str):
        self.type_filter = value if value in TYPE_LABELS else ""
        return ProductsState.load

    @rx.event
    def open_new(self):
        self.form_mode, self._edit_id, self.form_errors = "create", 0, {}
        self.f_code = self.f_name = self.f_description = self.f_cost = self.f_name2 = self.f_name2_language = ""
        self.f_type = "finished"
        try:
            self.unit_options = self._use_case(product_service.offered_units)
            self.f_unit = self.unit_options[0]
            self._load_custom_inputs({})
        except DomainError as error:
            return self._refused(error)
        self.form_open = True

    @rx.event
    def open_edit(self, product_id: int):
        try:
            p = self._use_case(product_service.get_product, as_id(product_id))
        except DomainError as error:
            return self._refused(error)
        self.form_mode, self._edit_id, self.form_errors = "edit", p.id, {}
        self.f_code, self.f_name, self.f_description, self.f_unit = p.code, p.name, p.description, p.unit
        self.f_type, self.f_cost = p.type.value, decimal_text(p.standard_cost)
        self.f_name2, self.f_name2_language = p.name2, p.name2_language or ""
        try:
            self.unit_options = self._use_case(product_service.offered_units)
            self._load_custom_inputs(p.custom)
        except DomainError as error:
            return self._refused(error)
        self.form_open = True

    @rx.event
    def save(self, form: dict):
        values = {k: str(form.get(k, "")) for k in ("code", "name", "description", "unit", "type", "standard_cost",
                                                    "name2", "name2_language")}
        cost = values.pop("standard_cost").strip()
        custom = submitted_custom(form, self.custom_inputs)
        try:
            if self.form_mode == "create":
                p = self._use_case(product_service.create_product,
                                   ProductCreate(**values, standard_cost=cost or None, custom=custom), now=utcnow())
            else:
                p = self._use_case(product_service.update_product, self._edit_id,
                                   ProductUpdate(**values, standard_cost=cost or None, clear_standard_cost=not cost,
                                                 custom=custom), now=utcnow())
        except DomainError as error:
            return self._form_failed(error)
        return self._saved(_("Product saved") + f": {p.code}")

    @rx.event
    def set_active(self, product_id: int, active: bool):
        try:
            p = self._use_case(product_service.set_product_active, as_id(product_id), bool(active), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        done = _("Reactivated") if p.is_active else _("Deactivated")
        return [rx.toast.success(f"{done}: {p.code}"), ProductsState.load]
