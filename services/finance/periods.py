"""Fiscal periods: calendar months opened a year at a time, closed by finance, then locked for good.

Invariants: reading and writing need FINANCE; periods of one organization never overlap; postings go
only into an open period (`open_period_for`); a closed period may be reopened, a locked one never;
a period is locked only after it is closed.
"""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.finance import FiscalPeriod, PeriodStatus
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Invalid
from services.core.messages import Message, in_sentence, t
from services.core.scoping import get_scoped


class PeriodRead(BaseModel):
    id: int
    name: str
    start: date
    end: date
    status: PeriodStatus


def list_periods(session: Session, actor: Actor, *, year: int | None = None) -> list[PeriodRead]:
    require(actor, Permission.FINANCE)
    query = select(FiscalPeriod).where(FiscalPeriod.organization_id == actor.organization_id)
    if year is not None:
        query = query.where(FiscalPeriod.start >= date(year, 1, 1), FiscalPeriod.start < date(year + 1, 1, 1))
    return [_read(p) for p in session.exec(query.order_by(col(FiscalPeriod.start))).all()]


def open_year(session: Session, actor: Actor, year: int, *, now: datetime) -> list[PeriodRead]:
    """The twelve monthly periods of `year` (those that do not exist yet are created, open)."""
    require(actor, Permission.FINANCE)
    if not 1900 <= year <= 9998:
        raise Invalid(fields={"year": t("Enter a year between 1900 and 9998.")})
    have = {p.start for p in list_periods(session, actor, year=year)}
    for month in range(1, 13):
        start = date(year, month, 1)
        if start not in have:
            end = date(year + (month == 12), month % 12 + 1, 1)
            session.add(FiscalPeriod(organization_id=actor.organization_id, name=f"{year}-{month:02d}", start=start,
                                     end=end, created_at=now, updated_at=now, created_by=actor.user_id,
                                     updated_by=actor.user_id))
    session.flush()
    audit(session, actor, "fiscal_period", None, "open_year", {"year": year}, at=now)
    return list_periods(session, actor, year=year)


def set_period_status(session: Session, actor: Actor, period_id: int, status: PeriodStatus, *,
                      now: datetime) -> PeriodRead:
    """Close, reopen or lock a period (locking needs it closed first; a locked period stays locked)."""
    require(actor, Permission.FINANCE)
    period = get_scoped(session, actor, FiscalPeriod, period_id, t("Fiscal period"), for_update=True)
    current = PeriodStatus(period.status)
    if current == status:
        return _read(period)
    if current == PeriodStatus.LOCKED:
        raise Conflict(t("Period {name} is locked: it cannot change any more.", name=period.name))
    if status == PeriodStatus.LOCKED and current != PeriodStatus.CLOSED:
        raise Conflict(t("Close period {name} before locking it.", name=period.name))
    period.status, period.updated_at, period.updated_by = status, now, actor.user_id
    session.add(period)
    audit(session, actor, "fiscal_period", period.id, status.value,
          {"status": {"before": current.value, "after": status.value}}, at=now)
    return _read(period)


def open_period_for(session: Session, organization_id: int, day: date) -> FiscalPeriod:
    """The open period containing `day`, locked against a concurrent close; Invalid when there is none."""
    period = session.exec(select(FiscalPeriod).where(
        FiscalPeriod.organization_id == organization_id, FiscalPeriod.start <= day, FiscalPeriod.end > day)
        .with_for_update()).first()
    if period is None:
        raise Invalid(t("No fiscal period covers {day}: open the year {year} first.", day=day.isoformat(), year=day.year),
                      fields={"entry_date": t("No fiscal period covers this date.")})
    if period.status != PeriodStatus.OPEN:
        status = _status_word(period.status)
        raise Conflict(t("Period {name} is {status}: nothing can be posted into it.", name=period.name, status=status),
                       fields={"entry_date": t("Period {name} is {status}.", name=period.name, status=status)})
    return period


def _read(period: FiscalPeriod) -> PeriodRead:
    return PeriodRead.model_validate(period, from_attributes=True)


_LABELS = {   # statuses: inside sentences lower-case English, the labels' translations
    "open": t("Open"), "closed": t("Closed"), "locked": t("Locked"),
}


def _status_word(status: str) -> Message:
    return in_sentence(_LABELS, status)
