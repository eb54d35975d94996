"""Bills of materials: which components, how many per parent unit, with how much scrap.

Invariants:
- a BOM line links two products of one organization; a parent has each component at most once;
- `quantity_per` is a Decimal > 0 (4 decimals); `scrap_factor` is in [0, 1): 0.05 means 5 % extra
  material is needed, so one parent unit needs `quantity_per * (1 + scrap_factor)`;
- the BOM graph has no cycles: adding A -> B is refused when B already (indirectly) contains A,
  or A is B, with a message naming the loop (A -> B -> C -> A);
- raw materials have no components; inactive products are not added as components;
- `explode_bom` walks every level depth-first in position order. Each line's required quantity
  is its parent's required quantity x quantity_per x (1 + scrap_factor), rounded up to a whole
  unit for counted units (pcs, ea, ...) and up to 4 decimals otherwise; children are computed from
  the rounded parent quantity (you cannot build 2.4 sub-assemblies).
Reading needs VIEW; writing needs PLAN.
"""
from __future__ import annotations

from datetime import datetime
from decimal import ROUND_CEILING, Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.catalog import BomLine, Product, ProductType
from services.core.access import Actor
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.master.common import (
    announce,
    decimal_problem,
    require_plan,
    require_view,
    stamp,
    stamp_new,
    to_decimal,
)
from services.master.products import is_counted_unit

MAX_DEPTH = 50
MAX_POSITION = 99_999
FOUR_PLACES = Decimal("0.0001")


class BomLineCreate(BaseModel):
    component_product_id: int
    quantity_per: Decimal | str
    scrap_factor: Decimal | str = Decimal("0")
    position: int | None = None


class BomLineUpdate(BaseModel):
    quantity_per: Decimal | str | None = None
    scrap_factor: Decimal | str | None = None
    position: int | None = None


class BomLineRead(BaseModel):
    id: int
    parent_product_id: int
    component_product_id: int
    component_code: str
    component_name: str
    component_unit: str
    component_type: ProductType
    component_active: bool
    quantity_per: Decimal
    scrap_factor: Decimal
    position: int


class ExplosionLine(BaseModel):
    """One component occurrence in the exploded tree (a product used twice appears twice)."""
    level: int                       # 1 = direct component of the exploded product
    parent_product_id: int
    product_id: int
    code: str
    name: str
    unit: str
    type: ProductType
    quantity_per: Decimal
    scrap_factor: Decimal
    required_quantity: Decimal       # for the whole exploded quantity, scrap included, rounded up
    is_active: bool
    path: list[str]                  # product codes from the exploded product down to this one


class Requirement(BaseModel):
    """Total need of one product across the whole tree."""
    product_id: int
    code: str
    name: str
    unit: str
    type: ProductType
    required_quantity: Decimal


EXPLOSION_COLUMNS = [("level", t("Level")), ("code", t("Code")), ("name", t("Name")), ("type", t("Type")), ("unit", t("Unit")),
                     ("quantity_per", t("Quantity per")), ("scrap_factor", t("Scrap factor")),
                     ("required_quantity", t("Required quantity"))]


def list_components(session: Session, actor: Actor, parent_product_id: int) -> list[BomLineRead]:
    require_view(actor)
    parent = get_scoped(session, actor, Product, parent_product_id, t("Product"))
    rows = session.exec(select(BomLine, Product).join(Product, col(Product.id) == BomLine.component_product_id)
                        .where(BomLine.parent_product_id == parent.id)
                        .order_by(col(BomLine.position), col(Product.code))).all()
    return [_read(line, comp) for line, comp in rows]


def add_component(session: Session, actor: Actor, parent_product_id: int, data: BomLineCreate, *,
                  now: datetime) -> BomLineRead:
    require_plan(actor)
    parent = get_scoped(session, actor, Product, parent_product_id, t("Product"))
    component = _component(session, actor, data.component_product_id)
    quantity, scrap = _quantities(data.quantity_per, data.scrap_factor)
    _check_position(data.position)
    if parent.type == ProductType.RAW:
        raise Invalid(t("{code} is a raw material: raw materials have no components.", code=parent.code),
                      fields={"component_product_id": t("A raw material has no bill of materials.")})
    _refuse_cycle(session, parent, component)
    if session.exec(select(BomLine.id).where(BomLine.parent_product_id == parent.id,
                                             BomLine.component_product_id == component.id)).first():
        raise Conflict(t("{code} is already a component of {parent}: change its quantity instead.",
                         code=component.code, parent=parent.code),
                       fields={"component_product_id": t("Already in this bill of materials.")})
    position = data.position if data.position is not None else _next_position(session, pk(parent))
    line = stamp_new(BomLine(organization_id=actor.organization_id, parent_product_id=pk(parent),
                             component_product_id=pk(component), quantity_per=quantity, scrap_factor=scrap,
                             position=position), actor, now)
    session.add(line)
    session.flush()
    announce(session, actor, "bom_line", line.id, "create",
             {"parent": parent.code, "component": component.code, "quantity_per": quantity, "scrap_factor": scrap},
             now=now, payload={"parent_product_id": parent.id, "component_product_id": component.id})
    return _read(line, component)


def update_component(session: Session, actor: Actor, bom_line_id: int, data: BomLineUpdate, *,
                     now: datetime) -> BomLineRead:
    require_plan(actor)
    line = get_scoped(session, actor, BomLine, bom_line_id, t("BOM line"))
    quantity, scrap = _quantities(line.quantity_per if data.quantity_per is None else data.quantity_per,
                                  line.scrap_factor if data.scrap_factor is None else data.scrap_factor)
    _check_position(data.position)
    changes = {}
    for field, value in [("quantity_per", quantity), ("scrap_factor", scrap), ("position", data.position)]:
        if value is not None and Decimal(str(getattr(line, field))) != Decimal(str(value)):
            changes[field] = {"before": getattr(line, field), "after": value}
            setattr(line, field, value)
    if changes:
        session.add(stamp(line, actor, now))
        announce(session, actor, "bom_line", line.id, "update", changes, now=now,
                 payload={"parent_product_id": line.parent_product_id})
    return _read(line, _product(session, line.component_product_id))


def remove_component(session: Session, actor: Actor, bom_line_id: int, *, now: datetime) -> None:
    require_plan(actor)
    line = get_scoped(session, actor, BomLine, bom_line_id, t("BOM line"))
    snapshot = {"parent_product_id": line.parent_product_id, "component_product_id": line.component_product_id,
                "quantity_per": line.quantity_per, "scrap_factor": line.scrap_factor}
    session.delete(line)
    session.flush()
    announce(session, actor, "bom_line", bom_line_id, "delete", snapshot, now=now,
             payload={"parent_product_id": snapshot["parent_product_id"]})


def explode_bom(session: Session, actor: Actor, product_id: int, quantity: Decimal | int | str) -> list[ExplosionLine]:
    """Every component, all levels, depth-first in position order, for `quantity` of `product_id`."""
    require_view(actor)
    root = get_scoped(session, actor, Product, product_id, t("Product"))
    problem = decimal_problem(quantity, places=4, max_digits=14, exclusive_minimum=Decimal(0))
    if problem is None and is_counted_unit(root.unit) and Decimal(str(quantity)) % 1:
        problem = f"{root.code} is counted in {root.unit}: enter a whole number."
    if problem:
        raise Invalid(fields={"quantity": problem})
    children = _children_map(session, actor.organization_id)
    products = {pk(p): p for p in session.exec(select(Product).where(
        Product.organization_id == actor.organization_id)).all()}
    out: list[ExplosionLine] = []
    _walk(root, to_decimal(quantity, 4), [root.code], [pk(root)], 1, children, products, out)
    return out


def total_requirements(lines: list[ExplosionLine]) -> list[Requirement]:
    """Sum an explosion per product (each occurrence was already rounded up), by code."""
    totals: dict[int, Requirement] = {}
    for line in lines:
        req = totals.get(line.product_id)
        if req is None:
            totals[line.product_id] = Requirement(product_id=line.product_id, code=line.code, name=line.name,
                                                  unit=line.unit, type=line.type,
                                                  required_quantity=line.required_quantity)
        else:
            req.required_quantity += line.required_quantity
    return sorted(totals.values(), key=lambda r: r.code)


def _product(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound(t("Product not found."))
    return product


def _walk(parent: Product, parent_qty: Decimal, path: list[str], ids: list[int], level: int,
          children: dict[int, list[BomLine]], products: dict[int, Product], out: list[ExplosionLine]) -> None:
    if level > MAX_DEPTH:
        raise Conflict(t("The bill of materials of {product} is deeper than {levels} levels.",
                         product=path[0], levels=MAX_DEPTH))
    for line in children.get(pk(parent), []):
        comp = products[line.component_product_id]
        if comp.id in ids:
            loop = " → ".join(path[ids.index(comp.id):] + [comp.code])
            raise Conflict(t("The bill of materials has a loop: {loop}. Remove one of these lines.", loop=loop))
        raw = parent_qty * Decimal(line.quantity_per) * (1 + Decimal(line.scrap_factor))
        required = _round(raw, comp.unit)
        out.append(ExplosionLine(level=level, parent_product_id=parent.id, product_id=comp.id, code=comp.code,
                                 name=comp.name, unit=comp.unit, type=ProductType(comp.type),
                                 quantity_per=Decimal(line.quantity_per), scrap_factor=Decimal(line.scrap_factor),
                                 required_quantity=required, is_active=comp.is_active, path=path + [comp.code]))
        _walk(comp, required, path + [comp.code], ids + [pk(comp)], level + 1, children, products, out)


def _round(value: Decimal, unit: str) -> Decimal:
    if is_counted_unit(unit):
        return value.to_integral_value(rounding=ROUND_CEILING)
    return value.quantize(FOUR_PLACES, rounding=ROUND_CEILING)


def _children_map(session: Session, organization_id: int) -> dict[int, list[BomLine]]:
    lines = session.exec(select(BomLine).where(BomLine.organization_id == organization_id)
                         .order_by(col(BomLine.position), col(BomLine.id))).all()
    children: dict[int, list[BomLine]] = {}
    for line in lines:
        children.setdefault(line.parent_product_id, []).append(line)
    return children


def _refuse_cycle(session: Session, parent: Product, component: Product) -> None:
    """Refuse parent -> component when component already contains parent (or is parent)."""
    if parent.id == component.id:
        raise Invalid(t("A product cannot contain itself: {code} → {code}.", code=parent.code),
                      fields={"component_product_id": t("A product cannot be its own component.")})
    children = _children_map(session, parent.organization_id)
    path = _path(children, pk(component), pk(parent), [pk(component)], set())
    if path is not None:
        codes = {p.id: p.code for p in session.exec(select(Product).where(col(Product.id).in_(path))).all()}
        loop = " → ".join([parent.code] + [codes[i] for i in path])
        raise Invalid(t("This would make a loop in the bills of materials: {loop}. A product cannot contain itself.",
                        loop=loop),
                      fields={"component_product_id": t("Would make a loop: {loop}.", loop=loop)})


def _path(children: dict[int, list[BomLine]], start: int, goal: int, trail: list[int], seen: set[int]) -> list[int] | None:
    """Product ids from `start` down to `goal` following BOM lines, or None."""
    if start == goal:
        return trail
    seen.add(start)
    for line in children.get(start, []):
        nxt = line.component_product_id
        if nxt in seen:
            continue
        found = _path(children, nxt, goal, trail + [nxt], seen)
        if found is not None:
            return found
    return None


def _component(session: Session, actor: Actor, product_id: int) -> Product:
    try:
        component = get_scoped(session, actor, Product, product_id, t("Product"))
    except NotFound:
        raise Invalid(fields={"component_product_id": t("Unknown product.")}) from None
    if not component.is_active:
        raise Invalid(t("{code} is inactive: reactivate it before using it as a component.", code=component.code),
                      fields={"component_product_id": t("This product is inactive.")})
    return component


def _quantities(quantity_per, scrap_factor) -> tuple[Decimal, Decimal]:
    problems = {}
    q_problem = decimal_problem(quantity_per, places=4, max_digits=14, exclusive_minimum=Decimal(0))
    if q_problem:
        problems["quantity_per"] = q_problem
    s_problem = decimal_problem(scrap_factor if scrap_factor not in (None, "") else 0, places=4, max_digits=6,
                                minimum=Decimal(0), below=Decimal(1))
    if s_problem:
        problems["scrap_factor"] = s_problem + (" Use 0.05 for 5 % scrap." if "less than" in s_problem else "")
    check(problems)
    return to_decimal(quantity_per, 4), to_decimal(scrap_factor if scrap_factor not in (None, "") else 0, 4)


def _check_position(position: int | None) -> None:
    if position is not None and not 0 <= position <= MAX_POSITION:
        raise Invalid(fields={"position": t("Use a whole number from 0 to {maximum}.",
                                            maximum=MAX_POSITION)})


def _next_position(session: Session, parent_id: int) -> int:
    positions = session.exec(select(BomLine.position).where(BomLine.parent_product_id == parent_id)).all()
    return (max(positions) if positions else 0) + 10


def _read(line: BomLine, product: Product) -> BomLineRead:
    return BomLineRead(id=line.id, parent_product_id=line.parent_product_id,
                       component_product_id=line.component_product_id, component_code=product.code,
                       component_name=product.name, component_unit=product.unit,
                       component_type=ProductType(product.type), component_active=product.is_active,
                       quantity_per=Decimal(line.quantity_per), scrap_factor=Decimal(line.scrap_factor),
                       position=line.position)
