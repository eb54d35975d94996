"""What needs attention now: one `Attention` per kind the actor may read, with a count and the first names.

- machines_down: machines whose state is down (RUN_JOBS, SUPERVISE, MAINTAIN or VIEW_DASHBOARDS);
- my_tickets: open maintenance tickets assigned to the person (MAINTAIN);
- pm_due: open preventive maintenance tickets (raised by their plans as they fall due), soonest due first (MAINTAIN);
- late_work: work orders not done whose due date has passed (PLAN or VIEW_DASHBOARDS);
- sla_breaches: open maintenance tickets past their SLA (MAINTAIN or SUPERVISE);
- open_ncrs: open NCRs, critical and major first (QUALITY, SUPERVISE or VIEW_DASHBOARDS);
- spc_alerts: SPC alerts nobody has acknowledged (QUALITY or INSPECT);
- pos_to_approve: purchase orders waiting for the person's approval (FINANCE: the purchase-order page it links to
  needs it; the workflow decides which orders are the person's);
- pos_to_receive, pos_to_settle, unpaid_settlements, overdue_invoices: finance's work (FINANCE), from
  services/finance/worklist.py and payments.py; organization-wide, so counted once whatever the plants.
A kind with nothing to show is left out; the order above is the order of the list.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, case, col, func, or_, select

from models.inspection import InspectionCharacteristic, SpcAlert
from models.maintenance import MaintenanceTicket
from models.ncr import Ncr, NcrSeverity
from models.orders import WorkOrder, WorkStatus
from models.resources import Machine, MachineState, MachineStatus
from services.core.access import Actor, Permission, can_any
from services.finance import worklist
from services.finance.payments import overdue_invoices

SHOWN = 3                      # names listed per kind


class Attention(BaseModel):
    kind: str                  # a kind of KINDS: machines_down, my_tickets, ... overdue_invoices
    count: int
    names: list[str]           # the first SHOWN, most urgent first


def _machines_down(session: Session, actor: Actor, plants: list[int], now: datetime) -> tuple[int, list[str]]:
    query = select(Machine.code).join(MachineStatus, col(MachineStatus.machine_id) == Machine.id).where(
        MachineStatus.organization_id == actor.organization_id, col(MachineStatus.plant_id).in_(plants),
        MachineStatus.state == MachineState.DOWN)
    return _counted(session, query, order=col(MachineStatus.since))


def _my_tickets(session: Session, actor: Actor, plants: list[int], now: datetime) -> tuple[int, list[str]]:
    query = select(MaintenanceTicket.number).where(
        MaintenanceTicket.organization_id == actor.organization_id, col(MaintenanceTicket.plant_id).in_(plants),
        MaintenanceTicket.is_closed == False, MaintenanceTicket.assignee_id == actor.user_id)  # noqa: E712
    return _counted(session, query, order=(col(MaintenanceTicket.resolution_due_at), col(MaintenanceTicket.id)))


def _pm_due(session: Session, actor: Actor, plants: list[int], now: datetime) -> tuple[int, list[str]]:
    query = select(MaintenanceTicket.number).where(
        MaintenanceTicket.organization_id == actor.organization_id, col(MaintenanceTicket.plant_id).in_(plants),
        MaintenanceTicket.is_closed == False, MaintenanceTicket.kind == "preventive")  # noqa: E712
    return _counted(session, query, order=(col(MaintenanceTicket.due_at), col(MaintenanceTicket.id)))


def _late_work(session: Session, actor: Actor, plants: list[int], now: datetime) -> tuple[int, list[str]]:
    query = select(WorkOrder.number).where(
        WorkOrder.organization_id == actor.organization_id, col(WorkOrder.plant_id).in_(plants),
        col(WorkOrder.status).not_in((WorkStatus.DONE, WorkStatus.CANCELLED)),
        col(WorkOrder.due_date).is_not(None), col(WorkOrder.due_date) < now.date())
    return _counted(session, query, order=col(WorkOrder.due_date))


def _sla_breaches(session: Session, actor: Actor, plants: list[int], now: datetime) -> tuple[int, list[str]]:
    query = select(MaintenanceTicket.number).where(
        MaintenanceTicket.organization_id == actor.organization_id, col(MaintenanceTicket.plant_id).in_(plants),
        MaintenanceTicket.is_closed == False,  # noqa: E712
        or_(col(MaintenanceTicket.response_breached), col(MaintenanceTicket.resolution_breached),
            col(MaintenanceTicket.resolution_due_at) < now))
    return _counted(session, query, order=col(MaintenanceTicket.resolution_due_at))


def _open_ncrs(session: Session, actor: Actor, plants: list[int], now: datetime) -> tuple[int, list[str]]:
    query = select(Ncr.number).where(
        Ncr.organization_id == actor.organization_id, col(Ncr.plant_id).in_(plants),
        Ncr.is_closed == False)  # noqa: E712
    rank = case((Ncr.severity == NcrSeverity.CRITICAL, 0), (Ncr.severity == NcrSeverity.MAJOR, 1),
                (Ncr.severity == NcrSeverity.MINOR, 2), else_=3)
    return _counted(session, query, order=(rank, col(Ncr.number)))


def _spc_alerts(session: Session, actor: Actor, plants: list[int], now: datetime) -> tuple[int, list[str]]:
    query = select(InspectionCharacteristic.name).select_from(SpcAlert).join(
        InspectionCharacteristic, col(InspectionCharacteristic.id) == SpcAlert.characteristic_id).where(
        SpcAlert.organization_id == actor.organization_id, col(SpcAlert.plant_id).in_(plants),
        col(SpcAlert.acknowledged_at).is_(None))
    return _counted(session, query, order=col(SpcAlert.raised_at).desc())


def _listed(read: Callable[[Session, Actor], list[str]]) -> Callable[..., tuple[int, list[str]]]:
    """A kind from a service that answers document numbers, most urgent first."""
    def count(session: Session, actor: Actor, plants: list[int], now: datetime) -> tuple[int, list[str]]:
        numbers = read(session, actor)
        return len(numbers), numbers[:SHOWN]
    return count


def _overdue_invoices(session: Session, actor: Actor, plants: list[int], now: datetime) -> tuple[int, list[str]]:
    numbers = overdue_invoices(session, actor, today=now.date())
    return len(numbers), numbers[:SHOWN]


def _counted(session: Session, query, *, order) -> tuple[int, list[str]]:
    """How many rows `query` finds, and the first SHOWN distinct names in `order` (a column or a tuple of them)."""
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = order if isinstance(order, tuple) else (order,)
    names = list(dict.fromkeys(session.exec(query.order_by(*order).limit(SHOWN * 4)).all()))[:SHOWN] if count else []
    return count, [str(n) for n in names]


KINDS: list[tuple[str, tuple[Permission, ...], Callable[..., tuple[int, list[str]]]]] = [
    ("machines_down", (Permission.RUN_JOBS, Permission.SUPERVISE, Permission.MAINTAIN, Permission.VIEW_DASHBOARDS),
     _machines_down),
    ("my_tickets", (Permission.MAINTAIN,), _my_tickets),
    ("pm_due", (Permission.MAINTAIN,), _pm_due),
    ("late_work", (Permission.PLAN, Permission.VIEW_DASHBOARDS), _late_work),
    ("sla_breaches", (Permission.MAINTAIN, Permission.SUPERVISE), _sla_breaches),
    ("open_ncrs", (Permission.QUALITY, Permission.SUPERVISE, Permission.VIEW_DASHBOARDS), _open_ncrs),
    ("spc_alerts", (Permission.QUALITY, Permission.INSPECT), _spc_alerts),
    ("pos_to_approve", (Permission.FINANCE,), _listed(worklist.pos_to_approve)),
    ("pos_to_receive", (Permission.FINANCE,), _listed(worklist.pos_to_receive)),
    ("pos_to_settle", (Permission.FINANCE,), _listed(worklist.pos_ready_to_settle)),
    ("unpaid_settlements", (Permission.FINANCE,), _listed(worklist.unpaid_settlements)),
    ("overdue_invoices", (Permission.FINANCE,), _overdue_invoices),
]


ORG_WIDE = frozenset({"pos_to_approve", "pos_to_receive", "pos_to_settle", "unpaid_settlements", "overdue_invoices"})


def attention(session: Session, actor: Actor, *, now: datetime) -> list[Attention]:
    """The kinds of KINDS the actor may read that have something now, in KINDS' order; per kind only the
    plants where the actor holds one of its permissions count."""
    out = []
    for kind, permissions, count in KINDS:
        if kind in ORG_WIDE:             # finance's documents belong to no plant: held anywhere is enough
            if not any(actor.can(p) for p in permissions):
                continue
            plants = sorted(actor.plant_ids)
        else:
            plants = [p for p in sorted(actor.plant_ids) if can_any(actor, *permissions, plant_id=p)]
            if not plants:
                continue
        n, names = count(session, actor, plants, now)
        if n:
            out.append(Attention(kind=kind, count=n, names=names))
    return out
