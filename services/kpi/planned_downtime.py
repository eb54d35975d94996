"""Booked planned downtime of machines (`kpi_planned_downtime`): the hook through which a domain above kpi (a
preventive maintenance ticket's booked window) tells the KPIs that a machine is not scheduled to produce.

    book(session, *, organization_id, plant_id, machine_id, start, end, source, source_id, label="")
        create or move the booking of (source, source_id) to [start, end)
    release(session, *, source, source_id)     the booking is gone (e.g. the ticket was cancelled)

The caller has checked its own permissions and writes its own audit entry; this only keeps the row. KPI reads
remove booked time from the machine's working time as breaks are (services/kpi/machine_time.py, kpi/raw.py),
whether its work starts or not; a planned stop recorded inside it is not counted twice.
"""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from models.base import table_of
from models.kpi_rollup import KpiPlannedDowntime
from services.core.errors import Invalid
from services.core.messages import t


def book(session: Session, *, organization_id: int, plant_id: int, machine_id: int, start: datetime, end: datetime,
         source: str, source_id: int, label: str = "") -> KpiPlannedDowntime:
    if start.tzinfo is None or end.tzinfo is None:
        raise Invalid(t("Give the booked window with its time zone."), fields={"planned_start": t("Needs a time zone.")})
    if end <= start:
        raise Invalid(t("The booked window must end after it starts."), fields={"planned_end": t("Before the start.")})
    row = session.exec(select(KpiPlannedDowntime).where(KpiPlannedDowntime.source == source,
                                                        KpiPlannedDowntime.source_id == source_id)).first()
    if row is None:
        row = KpiPlannedDowntime(organization_id=organization_id, plant_id=plant_id, machine_id=machine_id,
                                 start_at=start, end_at=end, source=source, source_id=source_id)
    row.machine_id, row.plant_id = machine_id, plant_id
    row.start_at, row.end_at, row.label = start.astimezone(UTC), end.astimezone(UTC), label[:200]
    session.add(row)
    session.flush()
    return row


def release(session: Session, *, source: str, source_id: int) -> None:
    t = table_of(KpiPlannedDowntime)
    session.execute(sa.delete(t).where(t.c.source == source, t.c.source_id == source_id))
