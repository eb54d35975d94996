"""What a document can be attached to: a product, a routing step, a machine, a studio project, a work order or a
customer order of the actor's organization. `resolve` checks the target exists there and answers its plant (a
machine's, work order's or customer order's plant; None for organization-wide targets) and a label people read
("P-100 · Bracket", "P-100 · 10 Cut"); `targets_of` reads a document's links (documents.py writes them)."""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.catalog import Product
from models.documents import DocumentLink, DocumentTarget
from models.orders import CustomerOrder, WorkOrder
from models.resources import Machine
from models.routing import Routing, RoutingStep
from models.studio import StudioProject
from services.core.access import Actor, Permission, require
from services.core.display_names import display_name
from services.core.errors import Invalid
from services.core.messages import t

CHOICES = 300                      # the most recent rows offered per target type

TARGET_NAMES = {DocumentTarget.PRODUCT: t("Product"), DocumentTarget.ROUTING_STEP: t("Routing step"),
                DocumentTarget.MACHINE: t("Machine"), DocumentTarget.PROJECT: t("Project"),
                DocumentTarget.WORK_ORDER: t("Work order"), DocumentTarget.CUSTOMER_ORDER: t("Customer order")}


@dataclass(frozen=True)
class Target:
    type: DocumentTarget
    id: int
    plant_id: int | None
    label: str


class TargetRead(BaseModel):
    id: int                           # the link's id (to remove it)
    target_type: DocumentTarget
    target_id: int
    label: str


def resolve(session: Session, actor: Actor, target_type: DocumentTarget, target_id: int) -> Target:
    """The target, when it is a row of the actor's organization (and of one of their plants); else Invalid."""
    found = _lookup(session, target_type, target_id)
    if found is None or found[0] != actor.organization_id or (found[1] is not None and found[1] not in actor.plant_ids):
        raise Invalid(t("{target} {target_id} not found.", target=TARGET_NAMES[target_type], target_id=target_id),
                      fields={"target_id": t("Not found.")})
    return Target(type=target_type, id=target_id, plant_id=found[1], label=found[2])


def choices(session: Session, actor: Actor, target_type: DocumentTarget) -> list[tuple[int, str]]:
    """(id, label) of the rows a document may be attached to, for a form's choice list (active ones, newest
    orders first, at most CHOICES)."""
    require(actor, Permission.VIEW)
    org, plants = actor.organization_id, list(actor.plant_ids)
    if target_type == DocumentTarget.PRODUCT:
        rows = session.exec(select(Product).where(Product.organization_id == org, col(Product.is_active))
                            .order_by(col(Product.code)).limit(CHOICES)).all()
        return [(int(p.id or 0), f"{p.code} · {p.name}") for p in rows]
    if target_type == DocumentTarget.ROUTING_STEP:
        steps = session.exec(select(RoutingStep, Product).join(Routing, col(Routing.id) == RoutingStep.routing_id)
                             .join(Product, col(Product.id) == Routing.product_id)
                             .where(Routing.organization_id == org, col(Routing.is_active))
                             .order_by(col(Product.code), col(RoutingStep.sequence)).limit(CHOICES)).all()
        return [(int(st.id or 0), f"{p.code} · {st.sequence} {st.name}") for st, p in steps]
    if target_type == DocumentTarget.MACHINE:
        machines = session.exec(select(Machine).where(Machine.organization_id == org, col(Machine.plant_id).in_(plants))
                                .order_by(col(Machine.code)).limit(CHOICES)).all()
        return [(int(m.id or 0), f"{m.code} · {display_name(m)}") for m in machines]
    if target_type == DocumentTarget.PROJECT:
        projects = session.exec(select(StudioProject).where(StudioProject.organization_id == org)
                                .order_by(col(StudioProject.id).desc()).limit(CHOICES)).all()
        return [(int(p.id or 0), f"{p.number} · {p.name}") for p in projects]
    if target_type == DocumentTarget.WORK_ORDER:
        orders = session.exec(select(WorkOrder).where(WorkOrder.organization_id == org, col(WorkOrder.plant_id).in_(plants))
                              .order_by(col(WorkOrder.id).desc()).limit(CHOICES)).all()
        return [(int(w.id or 0), w.number) for w in orders]
    customer_orders = session.exec(select(CustomerOrder).where(CustomerOrder.organization_id == org,
                                                               col(CustomerOrder.plant_id).in_(plants))
                                   .order_by(col(CustomerOrder.id).desc()).limit(CHOICES)).all()
    return [(int(o.id or 0), o.number) for o in customer_orders]


def targets_of(session: Session, document_ids: list[int]) -> dict[int, list[TargetRead]]:
    """Each document's targets, in the order they were attached (the targets' rows read once per type)."""
    out: dict[int, list[TargetRead]] = {}
    if not document_ids:
        return out
    links = session.exec(select(DocumentLink).where(col(DocumentLink.document_id).in_(document_ids))
                         .order_by(col(DocumentLink.id))).all()
    found: dict[DocumentTarget, dict[int, tuple[int, int | None, str]]] = {}
    for target_type in {link.target_type for link in links}:
        found[target_type] = _rows(session, target_type, list({link.target_id for link in links
                                                                if link.target_type == target_type}))
    for link in links:
        row = found[link.target_type].get(link.target_id)
        out.setdefault(link.document_id, []).append(TargetRead(
            id=pk(link), target_type=link.target_type, target_id=link.target_id,
            label=row[2] if row else _missing(link.target_type, link.target_id)))
    return out


def plant_of(session: Session, target_type: DocumentTarget, target_id: int) -> int | None:
    found = _lookup(session, target_type, target_id)
    return found[1] if found else None


def _missing(target_type: DocumentTarget, target_id: int) -> str:
    return t("{target} #{target_id}", target=TARGET_NAMES[target_type], target_id=target_id)


def _lookup(session: Session, target_type: DocumentTarget, target_id: int) -> tuple[int, int | None, str] | None:
    """(organization, plant or None, label) of the target row, or None when there is no such row."""
    return _rows(session, target_type, [target_id]).get(target_id)


def _rows(session: Session, target_type: DocumentTarget, ids: list[int]) -> dict[int, tuple[int, int | None, str]]:
    """id -> (organization, plant or None, label) of the target rows of one type that exist, in one query."""
    if not ids:
        return {}
    if target_type == DocumentTarget.PRODUCT:
        products = session.exec(select(Product).where(col(Product.id).in_(ids))).all()
        return {pk(p): (p.organization_id, None, f"{p.code} · {p.name}") for p in products}
    if target_type == DocumentTarget.ROUTING_STEP:
        steps = session.exec(select(RoutingStep, Product).join(Routing, col(Routing.id) == RoutingStep.routing_id)
                             .join(Product, col(Product.id) == Routing.product_id)
                             .where(col(RoutingStep.id).in_(ids))).all()
        return {pk(st): (st.organization_id, None, f"{p.code} · {st.sequence} {st.name}") for st, p in steps}
    if target_type == DocumentTarget.MACHINE:
        machines = session.exec(select(Machine).where(col(Machine.id).in_(ids))).all()
        return {pk(m): (m.organization_id, m.plant_id, f"{m.code} · {display_name(m)}") for m in machines}
    if target_type == DocumentTarget.PROJECT:
        projects = session.exec(select(StudioProject).where(col(StudioProject.id).in_(ids))).all()
        return {pk(p): (p.organization_id, None, f"{p.number} · {p.name}") for p in projects}
    if target_type == DocumentTarget.WORK_ORDER:
        orders = session.exec(select(WorkOrder).where(col(WorkOrder.id).in_(ids))).all()
        return {pk(w): (w.organization_id, w.plant_id, w.number) for w in orders}
    customer_orders = session.exec(select(CustomerOrder).where(col(CustomerOrder.id).in_(ids))).all()
    return {pk(o): (o.organization_id, o.plant_id, o.number) for o in customer_orders}
