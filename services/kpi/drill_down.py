"""The drill-down of a KPI figure: the raw events behind it (the one place dashboards read raw events; every
figure itself comes from the rollups, services/kpi/reads.py).

    events_behind(session, actor, *, plant_id, start, end, department_id=None, machine_id=None,
                  kind=None|"count"|"scrap"|"downtime", reason_code_id=None, limit=1000, now) -> EventsBehind

Invariants: needs VIEW_DASHBOARDS at the plant (through `resolve_scope`); at most MAX_EVENTS events, with
`truncated` saying when more exist; a stop overlapping the window brings its start and end events even when
its start lies before the window.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.kpi_rollup import KpiStop
from models.shopfloor import EventKind, ProductionEvent
from services.core.access import Actor
from services.core.errors import Invalid
from services.core.messages import t
from services.kpi.read_models import EventRead, EventsBehind
from services.kpi.scope import Scope, reasons, resolve_scope

EVENT_KINDS = ("count", "scrap", "downtime")
MAX_EVENTS = 5000


def events_behind(session: Session, actor: Actor, *, plant_id: int, start: datetime, end: datetime,
                  department_id: int | None = None, machine_id: int | None = None, kind: str | None = None,
                  reason_code_id: int | None = None, limit: int = 1000, now: datetime) -> EventsBehind:
    """The raw events behind a figure of the scope: counts (or only those with scrap) reported in the window,
    and the downtime events of every stop overlapping it (its start may lie before the window)."""
    if kind is not None and kind not in EVENT_KINDS:
        raise Invalid(t("Choose the kind among {choices}.", choices=", ".join(EVENT_KINDS)), fields={"kind": t("Unknown kind.")})
    limit = max(1, min(limit, MAX_EVENTS))
    scope = resolve_scope(session, actor, plant_id=plant_id, start=start, end=end, department_id=department_id,
                          machine_id=machine_id, now=now)
    machine_ids = list(scope.machines)
    found: list[ProductionEvent] = []
    if kind in (None, "count", "scrap"):
        query = select(ProductionEvent).where(col(ProductionEvent.machine_id).in_(machine_ids),
                                              ProductionEvent.kind == EventKind.COUNT,
                                              ProductionEvent.occurred_at >= scope.start,
                                              ProductionEvent.occurred_at < scope.end)
        if kind == "scrap":
            query = query.where(ProductionEvent.quantity_scrap > 0)
        if reason_code_id is not None:
            query = query.where(ProductionEvent.reason_code_id == reason_code_id)
        query = query.order_by(col(ProductionEvent.occurred_at), col(ProductionEvent.id)).limit(limit + 1)
        found += session.exec(query).all()
    if kind in (None, "downtime"):
        found += _stop_events(session, scope, machine_ids, reason_code_id, limit)
    found.sort(key=lambda e: (e.occurred_at, e.id))
    info = reasons(session, actor, [e.reason_code_id for e in found])
    events = [EventRead(id=e.id, kind=e.kind.value, machine_id=e.machine_id,
                        machine_code=scope.machines[e.machine_id].code, operation_id=e.operation_id,
                        quantity_good=e.quantity_good, quantity_scrap=e.quantity_scrap,
                        reason_code_id=e.reason_code_id,
                        reason=info[e.reason_code_id].code if e.reason_code_id in info else None,
                        client_id=e.client_id, occurred_at=e.occurred_at, recorded_at=e.recorded_at)
              for e in found[:limit]]
    return EventsBehind(plant_id=scope.plant.id, start=scope.start, end=scope.end, events=events,
                        truncated=len(found) > limit)


def _stop_events(session: Session, scope: Scope, machine_ids: list[int], reason_code_id: int | None,
                 limit: int) -> list[ProductionEvent]:
    query = select(KpiStop).where(col(KpiStop.machine_id).in_(machine_ids), KpiStop.start_at < scope.end,
                                  sa.or_(col(KpiStop.end_at).is_(None), col(KpiStop.end_at) > scope.start))
    if reason_code_id is not None:
        query = query.where(KpiStop.reason_key == reason_code_id)
    stops = session.exec(query.order_by(col(KpiStop.start_at)).limit(limit + 1)).all()
    ids = [i for s in stops for i in (s.started_event_id, s.ended_event_id) if i is not None]
    return list(session.exec(select(ProductionEvent).where(col(ProductionEvent.id).in_(ids))).all()) if ids else []

