"""Cost rates of work centers (machine and labour per hour): money, so finance keeps them, not master data.

Invariants: reading and writing need FINANCE; a rate is a non-negative Decimal with at most 4 places, or
None (unknown: the roll-up names it as a gap); a work center of another organization does not exist; every
change is audited with before and after.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.resources import WorkCenter
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Invalid, NotFound
from services.core.messages import t


class WorkCenterRates(BaseModel):
    machine_rate_per_hour: Decimal | None = None
    labour_rate_per_hour: Decimal | None = None


class WorkCenterRatesRead(WorkCenterRates):
    work_center_id: int
    plant_id: int
    code: str
    name: str


def list_rates(session: Session, actor: Actor) -> list[WorkCenterRatesRead]:
    require(actor, Permission.FINANCE)
    rows = session.exec(select(WorkCenter).where(WorkCenter.organization_id == actor.organization_id)
                        .order_by(col(WorkCenter.plant_id), col(WorkCenter.code))).all()
    return [_read(w) for w in rows]


def set_rates(session: Session, actor: Actor, work_center_id: int, rates: WorkCenterRates, *,
              now: datetime) -> WorkCenterRatesRead:
    require(actor, Permission.FINANCE)
    wc = session.get(WorkCenter, work_center_id)
    if wc is None or wc.organization_id != actor.organization_id:
        raise NotFound(t("Work center not found."))
    problems = {name: t("Enter an amount of at least 0 with at most 4 decimal places, below 10,000,000,000.")
                for name in ("machine_rate_per_hour", "labour_rate_per_hour")
                if not _rate_ok(getattr(rates, name))}
    if problems:
        raise Invalid(fields=problems)
    changes = {}
    for name in ("machine_rate_per_hour", "labour_rate_per_hour"):
        before, after = getattr(wc, name), getattr(rates, name)
        if before != after:
            changes[name] = {"before": str(before) if before is not None else None,
                             "after": str(after) if after is not None else None}
            setattr(wc, name, after)
    if changes:
        wc.updated_at, wc.updated_by = now, actor.user_id
        session.add(wc)
        audit(session, actor, "work_center", wc.id, "set_rates", changes, plant_id=wc.plant_id, at=now)
    return _read(wc)


def _rate_ok(value: Decimal | None) -> bool:
    if value is None:
        return True
    return value.is_finite() and Decimal(0) <= value < Decimal(10) ** 10 and value == value.quantize(Decimal("0.0001"))


def _read(wc: WorkCenter) -> WorkCenterRatesRead:
    return WorkCenterRatesRead(work_center_id=wc.id, plant_id=wc.plant_id, code=wc.code, name=wc.name,
                               machine_rate_per_hour=wc.machine_rate_per_hour, labour_rate_per_hour=wc.labour_rate_per_hour)
