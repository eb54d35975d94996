"""Products and items: what a plant makes or buys (raw material, semi-finished, finished goods).

Invariants: codes are unique per organization (stored upper-case, 1-64 letters, digits, dot, dash,
underscore); the unit is a short non-empty word (pcs, kg, m ...); the standard cost is a Decimal
of at least 0 with at most 4 decimals, or empty. A raw material has no bill of materials, so a
product with BOM lines cannot become raw. Products are deactivated, never deleted. Reading needs
VIEW in the organization; writing needs PLAN.
"""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, select

from models.base import pk
from models.catalog import BomLine, Product, ProductType
from services.config import custom_field_views, custom_fields, form_layouts
from services.config.form_layouts import BuiltinField
from services.core.access import Actor
from services.core.display_names import display_name, second_name, set_second_name
from services.core.errors import Conflict, Invalid
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.search import matches
from services.core.validation import check
from services.master.common import (
    announce,
    apply_changes,
    decimal_problem,
    require_plan,
    require_view,
    stamp,
    stamp_new,
    text_problem,
    to_decimal,
)
from services.org import settings

PRODUCT_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
UNIT_RE = re.compile(r"^[^\s]{1,16}$")
# Units counted in whole pieces: required quantities of these are rounded up to whole units.
COUNTED_UNITS = frozenset({"pcs", "pc", "piece", "pieces", "ea", "each", "unit", "units", "set", "sets",
                           "pair", "pairs", "stk"})


# The units a product form offers in each unit system of the organization settings (services/org/settings.py);
# a product may still use any other unit.
UNIT_CHOICES = {
    "metric": ("pcs", "set", "kg", "g", "t", "m", "mm", "m2", "m3", "l", "ml"),
    "imperial": ("pcs", "set", "lb", "oz", "ton", "ft", "in", "yd", "sq.ft", "gal", "fl.oz"),
}


class ProductCreate(BaseModel):
    code: str
    name: str
    name2: str = ""                             # the name in a second language (services/core/display_names.py)
    name2_language: str | None = None           # en, ja or ko; None: what name2's script says
    description: str = ""
    unit: str = "pcs"
    type: str = ProductType.FINISHED.value
    standard_cost: Decimal | str | None = None
    custom: dict[str, Any] | None = None        # custom field values (services/config/custom_fields.py)


# The product form's built-in fields for its layout (services/config/form_layouts.py): required as `_values` demands.
form_layouts.register_form("product", "Products", [
    BuiltinField("code", "Code", True), BuiltinField("name", "Name", True),
    BuiltinField("name2", "Name in a second language", after="name"), BuiltinField("description", "Description"),
    BuiltinField("unit", "Unit", True), BuiltinField("type", "Type", True), BuiltinField("standard_cost", "Standard cost")])


class ProductUpdate(BaseModel):
    code: str | None = None
    name: str | None = None
    name2: str | None = None
    name2_language: str | None = None
    description: str | None = None
    unit: str | None = None
    type: str | None = None
    standard_cost: Decimal | str | None = None
    clear_standard_cost: bool = False
    custom: dict[str, Any] | None = None        # only the given custom fields change; None or "" clears one


class ProductRead(BaseModel):
    id: int
    organization_id: int
    code: str
    name: str
    name2: str = ""
    name2_language: str | None = None
    display_name: str = ""                      # the name in the viewer's language
    description: str
    unit: str
    type: ProductType
    standard_cost: Decimal | None
    is_active: bool
    is_counted: bool
    created_at: datetime
    updated_at: datetime
    custom: dict[str, Any] = {}


PRODUCT_COLUMNS = [("code", t("Code")), ("name", t("Name")), ("type", t("Type")), ("unit", t("Unit")),
                   ("standard_cost", t("Standard cost")), ("is_active", t("Active")), ("description", t("Description"))]


def offered_units(session: Session, actor: Actor) -> list[str]:
    """The units the product form offers, from the organization's unit system; the first is a new product's."""
    require_view(actor)
    return list(UNIT_CHOICES[settings.unit_system(session, actor.organization_id)])


def cost_currency(session: Session, actor: Actor) -> str:
    """The currency standard costs are kept and shown in: the organization's default currency."""
    return settings.organization_currency(session, actor)


def is_counted_unit(unit: str) -> bool:
    return unit.strip().lower() in COUNTED_UNITS


def list_products(session: Session, actor: Actor, *, search: str | None = None, type: str | None = None,
                  active: bool | None = True, limit: int = 1000, offset: int = 0,
                  custom: dict[str, Any] | None = None) -> list[ProductRead]:
    """Products of the actor's organization, by code; `search` matches code or either name, `active=None` gives all;
    `custom` filters by custom field values ({key: value}, services/config/custom_fields.py)."""
    require_view(actor)
    query = select(Product).where(Product.organization_id == actor.organization_id)
    if search and search.strip():
        query = query.where(matches(search, Product.code, Product.name, Product.name2))
    if type:
        query = query.where(Product.type == _parse_type(type))
    if active is not None:
        query = query.where(Product.is_active == active)
    query = custom_field_views.apply_filters(session, actor, "product", query, Product, custom)
    rows = session.exec(query.order_by(Product.code).offset(offset).limit(limit)).all()
    return [product_read(p) for p in rows]


def get_product(session: Session, actor: Actor, product_id: int) -> ProductRead:
    require_view(actor)
    return product_read(get_scoped(session, actor, Product, product_id, t("Product")))


def create_product(session: Session, actor: Actor, data: ProductCreate, *, now: datetime) -> ProductRead:
    require_plan(actor)
    try:
        values, problems = _values(data.code, data.name, data.description, data.unit, data.type, data.standard_cost), {}
    except Invalid as exc:
        values, problems = None, exc.fields
    name2, name2_language = second_name(data.name2, data.name2_language, problems)
    custom = custom_fields.validate(session, actor, "product", data.custom, problems=problems,
                                    builtin=data.model_dump(exclude={"custom"}))
    assert values is not None                # validate() raised the field problems with its own
    if name2:
        values |= {"name2": name2, "name2_language": name2_language}
    _unique_code(session, actor, values["code"])
    product = stamp_new(Product(organization_id=actor.organization_id, custom=custom, **values), actor, now)
    session.add(product)
    session.flush()
    announce(session, actor, "product", product.id, "create", {**values, "custom": custom}, now=now)
    return product_read(product)


def update_product(session: Session, actor: Actor, product_id: int, data: ProductUpdate, *,
                   now: datetime) -> ProductRead:
    """Change the given fields; `clear_standard_cost=True` empties the standard cost."""
    require_plan(actor)
    product = get_scoped(session, actor, Product, product_id, t("Product"))
    try:
        values, problems = _values(product.code if data.code is None else data.code,
                                   product.name if data.name is None else data.name,
                                   product.description if data.description is None else data.description,
                                   product.unit if data.unit is None else data.unit,
                                   product.type.value if data.type is None else data.type,
                                   None if data.clear_standard_cost else (product.standard_cost if data.standard_cost is None
                                                                            else data.standard_cost)), {}
    except Invalid as exc:
        values, problems = None, exc.fields
    laid_out = {name: getattr(product, name) if getattr(data, name) is None else getattr(data, name)
                for name in ("code", "name", "description", "unit", "type", "standard_cost")}
    if data.clear_standard_cost:
        laid_out["standard_cost"] = None
    name2, name2_language = second_name(data.name2, data.name2_language, problems,
                                        current=(product.name2, product.name2_language))
    laid_out["name2"] = name2
    custom = custom_fields.validate(session, actor, "product", data.custom, current=product.custom, problems=problems,
                                    builtin=laid_out)
    assert values is not None                # validate() raised the field problems with its own
    if values["code"] != product.code:
        _unique_code(session, actor, values["code"])
    if values["type"] == ProductType.RAW and product.type != ProductType.RAW and _has_bom(session, pk(product)):
        raise Invalid(t("{code} has a bill of materials: remove its components before making it a raw material.",
                        code=product.code),
                      fields={"type": t("A raw material has no bill of materials.")})
    cost = values.pop("standard_cost")
    changes = apply_changes(product, values) | set_second_name(product, name2, name2_language)
    if cost != product.standard_cost:
        changes["standard_cost"] = {"before": product.standard_cost, "after": cost}
        product.standard_cost = cost
    if custom != (product.custom or {}):
        changes["custom"] = {"before": product.custom, "after": custom}
        product.custom = custom
    if changes:
        session.add(stamp(product, actor, now))
        announce(session, actor, "product", product.id, "update", changes, now=now,
                 payload={"fields": sorted(changes)})
    return product_read(product)


def set_product_active(session: Session, actor: Actor, product_id: int, active: bool, *,
                       now: datetime) -> ProductRead:
    """Deactivate (hidden from pick lists, no new BOM lines or orders) or reactivate a product."""
    require_plan(actor)
    product = get_scoped(session, actor, Product, product_id, t("Product"))
    if product.is_active != active:
        product.is_active = active
        session.add(stamp(product, actor, now))
        announce(session, actor, "product", product.id, "reactivate" if active else "deactivate",
                 {"is_active": {"before": not active, "after": active}}, now=now)
    return product_read(product)


def product_read(product: Product) -> ProductRead:
    return ProductRead(id=product.id, organization_id=product.organization_id, code=product.code, name=product.name,
                       name2=product.name2, name2_language=product.name2_language, display_name=display_name(product),
                       description=product.description, unit=product.unit, type=ProductType(product.type),
                       standard_cost=product.standard_cost, is_active=product.is_active,
                       is_counted=is_counted_unit(product.unit), created_at=product.created_at,
                       updated_at=product.updated_at, custom=dict(product.custom or {}))


def _values(code, name, description, unit, type_, cost) -> dict:
    problems: dict[str, str] = {}
    code = (code or "").strip().upper()
    name, description, unit = (name or "").strip(), (description or "").strip(), (unit or "").strip()
    if not PRODUCT_CODE_RE.match(code):
        problems["code"] = t("Use 1 to 64 letters, digits, dot, dash or underscore.")
    for field, value, limit, required in [("name", name, 200, True), ("description", description, 2000, False)]:
        problem = text_problem(value, max_length=limit, required=required)
        if problem:
            problems[field] = problem
    if not UNIT_RE.match(unit):
        problems["unit"] = t("Use a short unit without spaces, like pcs, kg or m (at most 16 characters).")
    try:
        kind = _parse_type(type_)
    except Invalid as exc:
        kind = None
        problems.update(exc.fields)
    if cost is not None and str(cost).strip() != "":
        problem = decimal_problem(cost, places=4, max_digits=14, minimum=Decimal(0))
        if problem:
            problems["standard_cost"] = problem
    check(problems)
    standard_cost = None if cost is None or str(cost).strip() == "" else to_decimal(cost, 4)
    return {"code": code, "name": name, "description": description, "unit": unit, "type": kind,
            "standard_cost": standard_cost}


def _parse_type(value: str | ProductType) -> ProductType:
    try:
        return ProductType(value)
    except ValueError:
        raise Invalid(fields={"type": t("Pick raw, semi or finished.")}) from None


def _unique_code(session: Session, actor: Actor, code: str) -> None:
    taken = session.exec(select(Product.id).where(Product.organization_id == actor.organization_id,
                                                  Product.code == code)).first()
    if taken is not None:
        raise Conflict(t("A product with code {code} exists.", code=code), fields={"code": t("Already used.")})


def _has_bom(session: Session, product_id: int) -> bool:
    return session.exec(select(BomLine.id).where(BomLine.parent_product_id == product_id)).first() is not None
