"""BOM editor state: one product's components (add, change quantity/scrap, remove) and the
multi-level explosion for a quantity, shown as an indented tree and downloadable. services.master.boms
keeps the rules (positive quantities, scrap below 1, loops refused with the loop named)."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import Option, decimal_text, download, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError, Invalid
from services.master import boms as bom_service
from services.master import products as product_service
from services.master.boms import EXPLOSION_COLUMNS, BomLineCreate, BomLineUpdate

INDENT_PX = 24


@dataclass
class BomRow:
    id: int = 0
    component_id: int = 0
    code: str = ""
    name: str = ""
    unit: str = ""
    quantity_per: str = ""
    scrap_factor: str = ""
    scrap_percent: str = ""
    is_active: bool = True


@dataclass
class TreeRow:
    level: int = 1
    indent: str = "0px"
    code: str = ""
    name: str = ""
    unit: str = ""
    quantity_per: str = ""
    scrap_percent: str = ""
    required: str = ""


def _percent(fraction) -> str:
    return decimal_text(fraction * 100) + " %"


def _editor(session, actor, product_id: int):
    product = product_service.get_product(session, actor, product_id)
    lines = bom_service.list_components(session, actor, product_id)
    candidates = product_service.list_products(session, actor, active=True)
    return product, lines, candidates


class BomState(AuthState):
    open: bool = False
    product_label: str = ""
    product_unit: str = ""
    lines: list[BomRow] = []
    options: list[Option] = []
    errors: dict[str, str] = {}
    editing_line: int = 0                   # 0: the form adds a component; else it changes this line
    f_component: str = ""
    f_quantity: str = "1"
    f_scrap: str = "0"
    quantity: str = "1"
    tree: list[TreeRow] = []
    tree_error: str = ""
    _product_id: int = 0

    @rx.event
    def open_for(self, product_id: int):
        self._product_id, self.quantity, self.tree, self.tree_error = as_id(product_id), "1", [], ""
        self._reset_form()
        refused = self._load_editor()
        if refused is not None:
            return refused
        self.open = True

    @rx.event
    def reload(self):
        return self._load_editor()

    def _load_editor(self) -> list | None:
        try:
            product, lines, candidates = self._use_case(_editor, self._product_id)
        except DomainError as error:
            self._product_id, self.open, self.lines, self.options = 0, False, [], []
            return self._refused(error)
        self.product_label, self.product_unit = f"{product.code} · {product.name}", product.unit
        self.lines = [BomRow(id=ln.id, component_id=ln.component_product_id, code=ln.component_code,
                             name=ln.component_name, unit=ln.component_unit, quantity_per=decimal_text(ln.quantity_per),
                             scrap_factor=decimal_text(ln.scrap_factor), scrap_percent=_percent(ln.scrap_factor),
                             is_active=ln.component_active) for ln in lines]
        used = {ln.component_product_id for ln in lines}
        self.options = [Option(str(p.id), f"{p.code} · {p.name} ({p.unit})") for p in candidates
                        if p.id != product.id and p.id not in used]
        return None

    @rx.event
    def set_open(self, is_open: bool):
        self.open = bool(is_open)

    @rx.event
    def edit_line(self, line_id: int):
        line = next((ln for ln in self.lines if ln.id == as_id(line_id)), None)
        if line is not None:
            self.editing_line, self.f_component, self.errors = line.id, str(line.component_id), {}
            self.f_quantity, self.f_scrap = line.quantity_per, line.scrap_factor

    @rx.event
    def cancel_edit(self):
        self._reset_form()

    @rx.event
    def save_line(self, form: dict):
        quantity, scrap = str(form.get("quantity_per", "")).strip(), str(form.get("scrap_factor", "")).strip() or "0"
        try:
            if self.editing_line:
                line = self._use_case(bom_service.update_component, self.editing_line,
                                      BomLineUpdate(quantity_per=quantity, scrap_factor=scrap), now=utcnow())
            else:
                component = as_id(form.get("component_product_id"))
                if not component:
                    raise Invalid(fields={"component_product_id": "Pick a component."})
                line = self._use_case(bom_service.add_component, self._product_id,
                                      BomLineCreate(component_product_id=component, quantity_per=quantity,
                                                    scrap_factor=scrap), now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self._reset_form()
        return [rx.toast.success(_("Component saved") + f": {line.component_code}"), BomState.reload]

    @rx.event
    def remove_line(self, line_id: int):
        try:
            self._use_case(bom_service.remove_component, as_id(line_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        self._reset_form()
        return [rx.toast.success(_("Component removed")), BomState.reload]

    @rx.event
    def explode(self, form: dict):
        self.quantity = str(form.get("quantity", "")).strip()
        try:
            lines = self._use_case(bom_service.explode_bom, self._product_id, self.quantity)
        except DomainError as error:
            self.tree, self.tree_error = [], _(error.fields.get("quantity", error.message))
            return self._refused(error, quiet=isinstance(error, Invalid))
        self.tree_error = ""
        self.tree = [TreeRow(level=ln.level, indent=f"{(ln.level - 1) * INDENT_PX}px", code=ln.code, name=ln.name,
                             unit=ln.unit, quantity_per=decimal_text(ln.quantity_per),
                             scrap_percent=_percent(ln.scrap_factor), required=decimal_text(ln.required_quantity))
                     for ln in lines]

    @rx.event
    def export_explosion(self, fmt: str):
        try:
            lines = self._use_case(bom_service.explode_bom, self._product_id, self.quantity or "1")
        except DomainError as error:
            return self._refused(error)
        return download(lines, EXPLOSION_COLUMNS, "bom-explosion", fmt)

    def _reset_form(self) -> None:
        self.editing_line, self.f_component, self.f_quantity, self.f_scrap, self.errors = 0, "", "1", "0", {}
