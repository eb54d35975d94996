"""Internal rejects and customer returns, run on the workflow engine (entity types "internal_reject"
and "customer_return"; shipped default: reported/received -> dispositioned after one approval by
quality or a manager, or cancelled with a comment).

Interface: `create_reject`, `reject_from_scrap` (an operator's scrap report, i.e. a `count`
ProductionEvent with scrap, becomes a reject; once per event), `scrap_reports_to_review`,
`create_return`, `set_disposition`, `transition_case`, `answer_approval`, `list_cases`,
`case_detail`. `kind` is "internal_reject" or "customer_return" throughout.

Invariants:
- a case belongs to one plant of the actor's organization; reading needs VIEW there, raising and
  changing it needs QUALITY there; numbers are REJ-000001 / RET-000001 per organization;
- the defect code is an active value of the `defect_codes` type list; the product, customer and
  work order are of the actor's organization (the work order of the case's plant);
- `status` is the workflow state; a closed case is read-only;
- the disposition takes effect when the workflow reaches a done state: a rework disposition then
  adds one rework operation to the work order (next sequence, the source operation's work center
  and cycle time, the rejected quantity, released, unassigned). It issues no material: a rework
  operation is not a new work order, so nothing is exploded from the BOM. A rework disposition
  therefore needs a work order that is not cancelled.
Every change is audited and announced (`internal_reject.*`, `customer_return.*`).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.base import pk
from models.catalog import Customer, Product
from models.orders import Operation, WorkOrder, WorkStatus
from models.rejects import CustomerReturn, Disposition, InternalReject, RejectSource
from models.resources import WorkCenter
from models.shopfloor import EventKind, ProductionEvent
from services.config import type_lists, workflow, workflow_hooks
from services.config.workflow_hooks import Entered
from services.core import numbering
from services.core.access import Actor, Permission, can_any, require
from services.core.audit import audit
from services.core.display_names import display_name
from services.core.errors import Conflict, Invalid, NotFound
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.master.common import (
    announce,
    stamp,
    stamp_new,
    text_problem,
    visible_plant,
)
from services.quality.events import rework_created

REJECT, RETURN = "internal_reject", "customer_return"
MODELS: dict[str, type[Any]] = {REJECT: InternalReject, RETURN: CustomerReturn}   # InternalReject | CustomerReturn
PREFIX = {REJECT: "REJ", RETURN: "RET"}
LABELS = {REJECT: "Internal reject", RETURN: "Customer return"}
PATHS = {REJECT: "/quality/reject?kind=internal_reject&id=", RETURN: "/quality/reject?kind=customer_return&id="}
DISPOSITION_LABELS = {Disposition.SCRAP: "Scrap", Disposition.REWORK: "Rework", Disposition.USE_AS_IS: "Use as is",
                      Disposition.RETURN_TO_VENDOR: "Return to vendor"}
MAX_QUANTITY = 1_000_000


class CaseCreate(BaseModel):
    plant_id: int
    product_id: int
    quantity: int
    defect_code_id: int
    lot_reference: str = ""
    description: str = ""
    work_order_id: int | None = None
    operation_id: int | None = None          # internal rejects
    customer_id: int | None = None           # customer returns
    customer_reference: str = ""             # customer returns


class CaseRead(BaseModel):
    kind: str
    id: int
    number: str
    plant_id: int
    product_id: int
    product_code: str
    product_name: str
    quantity: int
    defect_code_id: int
    defect_code: str
    lot_reference: str
    description: str
    work_order_id: int | None
    work_order_number: str
    disposition: str | None
    disposition_note: str
    rework_operation_id: int | None
    status: str
    is_closed: bool
    reported_at: datetime
    closed_at: datetime | None
    source: str = ""
    production_event_id: int | None = None
    customer_id: int | None = None
    customer_name: str = ""
    customer_reference: str = ""
    can_disposition: bool = False       # the actor may set the disposition now (`_writable`): QUALITY there, open


class ScrapReport(BaseModel):
    event_id: int
    occurred_at: datetime
    machine_id: int
    operation_id: int | None
    work_order_number: str
    product_code: str
    quantity: int
    note: str


def _model(kind: str) -> type[Any]:
    if kind not in MODELS:
        raise NotFound(t("Unknown kind of quality case."))
    return MODELS[kind]


# ---- the engine's view ---------------------------------------------------------------------------

def _fields_of(kind: str):
    def fields(session: Session, case_id: int) -> dict[str, Any]:
        row = session.get_one(MODELS[kind], case_id)
        if row is None:
            return {}
        return {"disposition": row.disposition.value if row.disposition else None, "quantity": row.quantity,
                "product_id": row.product_id, "defect_code": row.defect_code_id, "lot_reference": row.lot_reference,
                "work_order_id": row.work_order_id, "description": row.description}
    return fields


def _on_state_of(kind: str):
    def on_state(session: Session, case_id: int, entered: Entered) -> None:
        row = session.get_one(MODELS[kind], case_id)
        row.status, row.is_closed = entered.state, entered.closed
        row.closed_at = entered.at if entered.closed else None     # the transition's own clock
        session.add(row)
        if entered.done:
            _take_effect(session, kind, row, entered.at)
    return on_state


for _kind in MODELS:
    workflow_hooks.register_entity(_kind, fields=_fields_of(_kind), on_state=_on_state_of(_kind),
                             label=lambda s, i, k=_kind: (s.get(MODELS[k], i).number if s.get(MODELS[k], i) else f"#{i}"),
                             link=lambda i, k=_kind: f"{PATHS[k]}{i}",
                             watchers=lambda s, i, k=_kind: [u for u in [getattr(s.get(MODELS[k], i), "created_by", None)] if u])
type_lists.register_column(type_lists.DEFECT_CODES, InternalReject.defect_code_id)
type_lists.register_column(type_lists.DEFECT_CODES, CustomerReturn.defect_code_id)


def _take_effect(session: Session, kind: str, row, now: datetime) -> None:
    if row.disposition != Disposition.REWORK or row.rework_operation_id is not None:
        return
    wo = session.get(WorkOrder, row.work_order_id) if row.work_order_id else None
    if wo is None or wo.status == WorkStatus.CANCELLED:
        raise Invalid(t("A rework needs a work order that is not cancelled."), fields={"work_order_id": t("Choose a work order.")})
    ops = session.exec(select(Operation).where(Operation.work_order_id == wo.id).order_by(col(Operation.sequence))).all()
    source = next((o for o in ops if o.id == getattr(row, "operation_id", None)), ops[-1] if ops else None)
    if source is None:
        raise Invalid(t("The work order has no operation to rework."))
    op = Operation(organization_id=wo.organization_id, plant_id=wo.plant_id, work_order_id=pk(wo),
                   sequence=ops[-1].sequence + 10, name=f"Rework {row.number}: {source.name}"[:200],
                   work_center_id=source.work_center_id, quantity=row.quantity, setup_seconds=0,
                   ideal_cycle_seconds=source.ideal_cycle_seconds, status=WorkStatus.RELEASED,
                   created_at=now, updated_at=now)
    session.add(op)
    session.flush()
    row.rework_operation_id = op.id
    session.add(row)
    audit(session, None, kind, row.id, "rework", {"operation_id": op.id, "work_order_id": wo.id,
                                                  "quantity": row.quantity},
          organization_id=row.organization_id, plant_id=row.plant_id, at=now)
    record(session, rework_created(kind, pk(row), operation_id=pk(op), work_order_id=pk(wo),
                                   organization_id=row.organization_id, plant_id=row.plant_id, at=now))


# ---- reads ---------------------------------------------------------------------------------------

def _reads(session: Session, actor: Actor, kind: str, rows: list) -> list[CaseRead]:
    products = {p.id: p for p in session.exec(select(Product).where(col(Product.id).in_({r.product_id for r in rows} or {0}))).all()}
    codes = {v.id: v.code for v in type_lists.values(session, actor, type_lists.DEFECT_CODES, include_retired=True)}
    wos = dict(session.exec(select(WorkOrder.id, WorkOrder.number).where(
        col(WorkOrder.id).in_({r.work_order_id for r in rows if r.work_order_id} or {0}))).all())
    customers = {c.id: display_name(c) for c in session.exec(select(Customer).where(
        col(Customer.id).in_({getattr(r, "customer_id", None) for r in rows} - {None} or {0}))).all()}
    out = []
    for r in rows:
        extra = ({"source": r.source.value, "production_event_id": r.production_event_id} if kind == REJECT else
                 {"customer_id": r.customer_id, "customer_name": customers.get(r.customer_id, ""),
                  "customer_reference": r.customer_reference})
        out.append(CaseRead(
            kind=kind, id=r.id, number=r.number, plant_id=r.plant_id, product_id=r.product_id,
            product_code=products[r.product_id].code, product_name=display_name(products[r.product_id]), quantity=r.quantity,
            defect_code_id=r.defect_code_id, defect_code=codes.get(r.defect_code_id, "?"), lot_reference=r.lot_reference,
            description=r.description, work_order_id=r.work_order_id, work_order_number=wos.get(r.work_order_id, ""),
            disposition=r.disposition.value if r.disposition else None, disposition_note=r.disposition_note,
            rework_operation_id=r.rework_operation_id, status=r.status, is_closed=r.is_closed,
            reported_at=r.reported_at, closed_at=r.closed_at,
            can_disposition=actor.can(Permission.QUALITY, plant_id=r.plant_id) and not r.is_closed, **extra))
    return out


def _department_operations(department_ids: frozenset[int]):
    return (select(Operation.id).join(WorkCenter, col(WorkCenter.id) == Operation.work_center_id)
            .where(col(WorkCenter.department_id).in_(department_ids or {-1})))


def _in_departments(session: Session, reject: InternalReject, department_ids: frozenset[int]) -> bool:
    query = select(Operation.id).where(Operation.id == reject.operation_id,
                                       col(Operation.id).in_(_department_operations(department_ids)))
    return session.exec(query).first() is not None


def _scoped_case(session: Session, actor: Actor, kind: str, case_id: int, *, for_update: bool = False) -> Any:
    """A case of the actor's organization and plants; an internal reject of a department-bound person's
    departments only (through its operation's work center)."""
    what = LABELS.get(kind, "Case")
    row = get_scoped(session, actor, _model(kind), case_id, what, for_update=for_update)
    if kind == REJECT and actor.department_ids is not None and not _in_departments(session, row, actor.department_ids):
        raise NotFound(t("{what} not found.", what=what))
    return row


def list_cases(session: Session, actor: Actor, kind: str, *, plant_id: int | None = None, open_only: bool = False,
               search: str = "", limit: int = 500) -> list[CaseRead]:
    require(actor, Permission.VIEW)
    model = _model(kind)
    query = select(model).where(model.organization_id == actor.organization_id, model.plant_id.in_(actor.plant_ids or {0}))
    if kind == REJECT and actor.department_ids is not None:
        query = query.where(col(InternalReject.operation_id).in_(_department_operations(actor.department_ids)))
    if plant_id is not None:
        query = query.where(model.plant_id == plant_id)
    if open_only:
        query = query.where(model.is_closed == False)  # noqa: E712
    if search.strip():
        term = f"%{search.strip().lower()}%"
        query = query.where(func.lower(model.number).like(term) | func.lower(model.lot_reference).like(term))
    rows = session.exec(query.order_by(model.reported_at.desc(), model.id.desc()).limit(min(limit, 5000))).all()
    return _reads(session, actor, kind, list(rows))


def get_case(session: Session, actor: Actor, kind: str, case_id: int) -> CaseRead:
    require(actor, Permission.VIEW)
    return _reads(session, actor, kind, [_scoped_case(session, actor, kind, case_id)])[0]


class CaseDetail(BaseModel):
    case: CaseRead
    instance: workflow.InstanceRead
    transitions: list[workflow.TransitionOption]
    history: list[workflow.StepRead]
    can_approve: bool


def case_detail(session: Session, actor: Actor, kind: str, case_id: int) -> CaseDetail:
    case = get_case(session, actor, kind, case_id)
    return CaseDetail(case=case, instance=workflow.instance(session, actor, kind, case_id),
                      transitions=workflow.available_transitions(session, actor, kind, case_id),
                      history=workflow.history(session, actor, kind, case_id),
                      can_approve=workflow.can_approve(session, actor, kind, case_id))


def scrap_reports_to_review(session: Session, actor: Actor, *, plant_id: int, limit: int = 100) -> list[ScrapReport]:
    """Operators' scrap reports at the plant that no internal reject covers yet, newest first."""
    visible_plant(session, actor, plant_id)
    covered = select(InternalReject.production_event_id).where(col(InternalReject.production_event_id).is_not(None))
    rows = session.exec(
        select(ProductionEvent, WorkOrder.number, Product.code)
        .join(Operation, col(Operation.id) == ProductionEvent.operation_id, isouter=True)
        .join(WorkOrder, col(WorkOrder.id) == Operation.work_order_id, isouter=True)
        .join(Product, col(Product.id) == WorkOrder.product_id, isouter=True)
        .where(ProductionEvent.organization_id == actor.organization_id, ProductionEvent.plant_id == plant_id,
               ProductionEvent.kind == EventKind.COUNT, ProductionEvent.quantity_scrap > 0,
               col(ProductionEvent.id).not_in(covered))
        .order_by(col(ProductionEvent.occurred_at).desc(), col(ProductionEvent.id).desc()).limit(min(limit, 1000))).all()
    return [ScrapReport(event_id=e.id, occurred_at=e.occurred_at, machine_id=e.machine_id, operation_id=e.operation_id,
                        work_order_number=number or "", product_code=code or "", quantity=e.quantity_scrap, note=e.note)
            for e, number, code in rows]


# ---- writes --------------------------------------------------------------------------------------

def _clean(session: Session, actor: Actor, kind: str, data: CaseCreate) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not 1 <= data.quantity <= MAX_QUANTITY:
        problems["quantity"] = t("Enter a quantity of at least 1.")
    if (msg := type_lists.value_problem(session, actor, type_lists.DEFECT_CODES, data.defect_code_id)):
        problems["defect_code_id"] = msg
    product = session.get(Product, data.product_id)
    if product is None or product.organization_id != actor.organization_id:
        problems["product_id"] = t("Choose a product.")
    for key, limit in (("lot_reference", 64), ("description", 2000), ("customer_reference", 64)):
        if (msg := text_problem(getattr(data, key), max_length=limit, required=False)):
            problems[key] = msg
    if data.work_order_id is not None:
        wo = session.get(WorkOrder, data.work_order_id)
        if wo is None or wo.organization_id != actor.organization_id or wo.plant_id != data.plant_id:
            problems["work_order_id"] = t("Choose a work order of this plant.")
        elif product is not None and wo.product_id != product.id:
            problems["work_order_id"] = t("This work order makes another product.")
    if kind == REJECT and data.operation_id is not None:
        op = session.get(Operation, data.operation_id)
        if op is None or op.organization_id != actor.organization_id or op.work_order_id != data.work_order_id:
            problems["operation_id"] = t("Choose an operation of the work order.")
    if kind == RETURN and data.customer_id is not None:
        customer = session.get(Customer, data.customer_id)
        if customer is None or customer.organization_id != actor.organization_id:
            problems["customer_id"] = t("Choose a customer.")
    return problems


def may_raise(actor: Actor) -> bool:
    """Whether the actor may raise a reject or a return at one of their plants (what _create requires)."""
    return can_any(actor, Permission.QUALITY)


def _create(session: Session, actor: Actor, kind: str, data: CaseCreate, now: datetime, **extra):
    visible_plant(session, actor, data.plant_id)
    require(actor, Permission.QUALITY, plant_id=data.plant_id)
    check(_clean(session, actor, kind, data))
    values = dict(plant_id=data.plant_id, product_id=data.product_id, quantity=data.quantity,
                  defect_code_id=data.defect_code_id, lot_reference=data.lot_reference.strip(),
                  description=data.description.strip(), work_order_id=data.work_order_id, reported_at=now)
    if kind == REJECT:
        values.update(operation_id=data.operation_id)
    else:
        values.update(customer_id=data.customer_id, customer_reference=data.customer_reference.strip())
    row = stamp_new(MODELS[kind](organization_id=actor.organization_id,
                                 number=numbering.next_number(session, actor.organization_id, PREFIX[kind]),
                                 **values, **extra), actor, now)
    session.add(row)
    session.flush()
    announce(session, actor, kind, row.id, "create", {"number": row.number, "quantity": row.quantity}, now=now,
             plant_id=row.plant_id)
    workflow.start(session, actor, kind, row.id, plant_id=row.plant_id, now=now)
    return get_case(session, actor, kind, row.id)


def create_reject(session: Session, actor: Actor, data: CaseCreate, *, now: datetime) -> CaseRead:
    return _create(session, actor, REJECT, data, now, source=RejectSource.QUALITY)


def create_return(session: Session, actor: Actor, data: CaseCreate, *, now: datetime) -> CaseRead:
    return _create(session, actor, RETURN, data, now)


def reject_from_scrap(session: Session, actor: Actor, production_event_id: int, *, defect_code_id: int,
                      description: str = "", now: datetime) -> CaseRead:
    event = session.get(ProductionEvent, production_event_id)
    if (event is None or event.organization_id != actor.organization_id or event.plant_id not in actor.plant_ids
            or event.kind != EventKind.COUNT or event.quantity_scrap <= 0):
        raise NotFound(t("Scrap report not found."))
    if session.exec(select(InternalReject.id).where(InternalReject.production_event_id == event.id)).first():
        raise Conflict(t("A reject was raised for this scrap report already."))
    op = session.get(Operation, event.operation_id) if event.operation_id else None
    wo = session.get(WorkOrder, op.work_order_id) if op else None
    if op is None or wo is None:
        raise Invalid(t("This scrap report has no job; raise the reject by hand."))
    data = CaseCreate(plant_id=event.plant_id, product_id=wo.product_id, quantity=event.quantity_scrap,
                      defect_code_id=defect_code_id, description=description or event.note, work_order_id=wo.id,
                      operation_id=op.id)
    return _create(session, actor, REJECT, data, now, source=RejectSource.SCRAP_REPORT,
                   production_event_id=event.id)


def _writable(session: Session, actor: Actor, kind: str, case_id: int):
    row = _scoped_case(session, actor, kind, case_id, for_update=True)
    require(actor, Permission.QUALITY, plant_id=row.plant_id)
    if row.is_closed:
        raise Conflict(t("{number} is closed; it can no longer change.", number=row.number))
    return row


def set_disposition(session: Session, actor: Actor, kind: str, case_id: int, disposition: str, *, note: str = "",
                    work_order_id: int | None = None, now: datetime) -> CaseRead:
    row = _writable(session, actor, kind, case_id)
    problems: dict[str, str] = {}
    try:
        chosen = Disposition(disposition)
    except ValueError:
        chosen = None
        problems["disposition"] = t("Choose scrap, rework, use as is or return to vendor.")
    if (msg := text_problem(note, max_length=1000, required=False)):
        problems["note"] = msg
    wo_id = work_order_id if work_order_id is not None else row.work_order_id
    if work_order_id is not None and work_order_id != row.work_order_id:
        wo = session.get(WorkOrder, work_order_id)
        if wo is None or wo.organization_id != actor.organization_id or wo.plant_id != row.plant_id \
                or wo.product_id != row.product_id:
            problems["work_order_id"] = t("Choose a work order of this plant for this product.")
    if chosen == Disposition.REWORK:
        wo = session.get(WorkOrder, wo_id) if wo_id else None
        if wo is None or wo.status == WorkStatus.CANCELLED:
            problems["work_order_id"] = t("A rework needs the work order to rework on (not cancelled).")
    check(problems)
    changes = {"disposition": {"before": row.disposition, "after": chosen}, "note": note}
    row.disposition, row.disposition_note, row.work_order_id = chosen, note.strip(), wo_id
    session.add(stamp(row, actor, now))
    announce(session, actor, kind, row.id, "disposition", changes, now=now, plant_id=row.plant_id,
             event=f"{kind}.dispositioned")
    return get_case(session, actor, kind, row.id)


def transition_case(session: Session, actor: Actor, kind: str, case_id: int, transition_key: str, *,
                    comment: str = "", now: datetime) -> CaseDetail:
    row = _scoped_case(session, actor, kind, case_id)
    require(actor, Permission.VIEW, plant_id=row.plant_id)
    workflow.transition(session, actor, kind, case_id, transition_key, comment=comment, now=now)
    return case_detail(session, actor, kind, case_id)


def answer_approval(session: Session, actor: Actor, kind: str, case_id: int, *, approve: bool, comment: str = "",
                    now: datetime) -> CaseDetail:
    _scoped_case(session, actor, kind, case_id)
    if approve:
        workflow.approve(session, actor, kind, case_id, comment=comment, now=now)
    else:
        workflow.decline(session, actor, kind, case_id, comment=comment, now=now)
    return case_detail(session, actor, kind, case_id)


def export_rows(cases: list[CaseRead]) -> list[dict[str, Any]]:
    return [{"number": c.number, "product": c.product_code, "quantity": c.quantity, "defect": c.defect_code,
             "lot": c.lot_reference, "work_order": c.work_order_number, "disposition": c.disposition or "",
             "status": c.status, "reported_at": c.reported_at.isoformat(), "customer": c.customer_name,
             "source": c.source} for c in cases]
