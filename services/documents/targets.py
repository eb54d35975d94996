"""What a document is attached to: a product, a routing step, a machine, a studio project, a work order or a
customer order of the actor's organization. `resolve` checks the target exists there and answers the plant the
document belongs to (a machine's, work order's or customer order's plant; None for organization-wide targets)
and a label people read ("Product P-100 · Bracket", "Step 10 Cut of P-100")."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from models.catalog import Product
from models.documents import DocumentTarget
from models.orders import CustomerOrder, WorkOrder
from models.resources import Machine
from models.routing import Routing, RoutingStep
from models.studio import StudioProject
from services.core.access import Actor
from services.core.errors import Invalid

TARGET_NAMES = {DocumentTarget.PRODUCT: "Product", DocumentTarget.ROUTING_STEP: "Routing step",
                DocumentTarget.MACHINE: "Machine", DocumentTarget.PROJECT: "Project",
                DocumentTarget.WORK_ORDER: "Work order", DocumentTarget.CUSTOMER_ORDER: "Customer order"}


@dataclass(frozen=True)
class Target:
    type: DocumentTarget
    id: int
    plant_id: int | None
    label: str


def resolve(session: Session, actor: Actor, target_type: DocumentTarget, target_id: int) -> Target:
    """The target, when it is a row of the actor's organization (and of one of their plants); else Invalid."""
    found = _lookup(session, target_type, target_id)
    if found is None or found[0] != actor.organization_id or (found[1] is not None and found[1] not in actor.plant_ids):
        raise Invalid(f"{TARGET_NAMES[target_type]} {target_id} not found.", fields={"target_id": "Not found."})
    return Target(type=target_type, id=target_id, plant_id=found[1], label=found[2])


def label_of(session: Session, target_type: DocumentTarget, target_id: int) -> str:
    found = _lookup(session, target_type, target_id)
    return found[2] if found else f"{TARGET_NAMES[target_type]} #{target_id}"


def _lookup(session: Session, target_type: DocumentTarget, target_id: int) -> tuple[int, int | None, str] | None:
    """(organization, plant or None, label) of the target row, or None when there is no such row."""
    if target_type == DocumentTarget.PRODUCT:
        product = session.get(Product, target_id)
        return (product.organization_id, None, f"{product.code} · {product.name}") if product else None
    if target_type == DocumentTarget.ROUTING_STEP:
        step = session.get(RoutingStep, target_id)
        routing = session.get(Routing, step.routing_id) if step else None
        product = session.get(Product, routing.product_id) if routing else None
        if step is None or product is None:
            return None
        return step.organization_id, None, f"{product.code} · {step.sequence} {step.name}"
    if target_type == DocumentTarget.MACHINE:
        machine = session.get(Machine, target_id)
        return (machine.organization_id, machine.plant_id, f"{machine.code} · {machine.name}") if machine else None
    if target_type == DocumentTarget.PROJECT:
        project = session.get(StudioProject, target_id)
        return (project.organization_id, None, f"{project.number} · {project.name}") if project else None
    if target_type == DocumentTarget.WORK_ORDER:
        wo = session.get(WorkOrder, target_id)
        return (wo.organization_id, wo.plant_id, wo.number) if wo else None
    order = session.get(CustomerOrder, target_id)
    return (order.organization_id, order.plant_id, order.number) if order else None
