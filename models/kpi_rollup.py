"""KPI rollups: additive figures per machine per time slice, kept up to date from production events so that
no KPI read rescans the raw events (services/kpi/rollups.py maintains them, services/kpi/reads.py reads them).

A *slice* is an hour (UTC) split further wherever a shift starts or ends or the plant's local day begins
inside it, so every hour, shift and local day is a whole number of slices. `slice_start` names it.

- `kpi_count_slice`: good/scrap counts per machine, slice, operation and scrap reason, with the ideal time
  they represent in milliseconds (ideal cycle time x units, exact: cycle times have 3 decimals), so
  performance needs no raw scan. Product and routing step are copied from the operation for FPY.
- `kpi_stop`: each downtime as one interval row (a downtime_started paired with the downtime_ended that closes
  it; `end_at` NULL while it is open).
- `kpi_stop_slice`: the closed stops' duration in microseconds per machine, slice and reason, clipped to the
  plant calendar's working time (breaks and time between shifts are never downtime). Whether a reason is
  planned and its loss category are read from the reason code when a KPI is asked for.
`reason_key`/`operation_key` are the reason code / operation id, or 0 for none (they are part of unique keys).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import UTCDateTime


class KpiCountSlice(SQLModel, table=True):
    __tablename__ = "kpi_count_slice"
    __table_args__ = (
        UniqueConstraint("machine_id", "slice_start", "operation_key", "reason_key", name="uq_kpi_count_slice"),
        sa.Index("ix_kpi_count_slice_plant_start", "plant_id", "slice_start"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id")
    machine_id: int = Field(foreign_key="machine.id")
    slice_start: datetime = Field(sa_type=UTCDateTime, nullable=False)
    operation_key: int = Field(default=0)
    reason_key: int = Field(default=0)
    product_id: int | None = Field(default=None)
    step: int | None = Field(default=None)                 # the operation's routing sequence (10, 20, ...)
    good: int = Field(default=0)
    scrap: int = Field(default=0)
    ideal_ms: int = Field(default=0, sa_type=sa.BigInteger)        # ideal cycle ms x (good + scrap)
    good_ideal_ms: int = Field(default=0, sa_type=sa.BigInteger)   # ideal cycle ms x good
    events: int = Field(default=0)


class KpiStop(SQLModel, table=True):
    __tablename__ = "kpi_stop"
    __table_args__ = (
        UniqueConstraint("started_event_id", name="uq_kpi_stop_started_event"),
        sa.Index("ix_kpi_stop_machine_start", "machine_id", "start_at"),
        sa.Index("ix_kpi_stop_plant_open", "plant_id", "end_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id")
    machine_id: int = Field(foreign_key="machine.id")
    started_event_id: int = Field(foreign_key="production_event.id")
    ended_event_id: int | None = Field(default=None, foreign_key="production_event.id")
    reason_key: int = Field(default=0)
    start_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    end_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class KpiStopSlice(SQLModel, table=True):
    __tablename__ = "kpi_stop_slice"
    __table_args__ = (
        UniqueConstraint("machine_id", "slice_start", "reason_key", name="uq_kpi_stop_slice"),
        sa.Index("ix_kpi_stop_slice_plant_start", "plant_id", "slice_start"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id")
    machine_id: int = Field(foreign_key="machine.id")
    slice_start: datetime = Field(sa_type=UTCDateTime, nullable=False)
    reason_key: int = Field(default=0)
    stop_us: int = Field(default=0, sa_type=sa.BigInteger)         # working-time microseconds


class KpiCountDay(SQLModel, table=True):
    """`kpi_count_slice` summed per plant-local day: the same key with `day_start` (the UTC instant the local day
    begins, itself a slice start) in place of `slice_start`. Reads take whole days from here."""
    __tablename__ = "kpi_count_day"
    __table_args__ = (
        UniqueConstraint("machine_id", "day_start", "operation_key", "reason_key", name="uq_kpi_count_day"),
        sa.Index("ix_kpi_count_day_plant_start", "plant_id", "day_start"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id")
    machine_id: int = Field(foreign_key="machine.id")
    day_start: datetime = Field(sa_type=UTCDateTime, nullable=False)
    operation_key: int = Field(default=0)
    reason_key: int = Field(default=0)
    product_id: int | None = Field(default=None)
    step: int | None = Field(default=None)
    good: int = Field(default=0)
    scrap: int = Field(default=0)
    ideal_ms: int = Field(default=0, sa_type=sa.BigInteger)
    good_ideal_ms: int = Field(default=0, sa_type=sa.BigInteger)
    events: int = Field(default=0)


class KpiStopDay(SQLModel, table=True):
    """`kpi_stop_slice` summed per plant-local day (`day_start` as in `kpi_count_day`)."""
    __tablename__ = "kpi_stop_day"
    __table_args__ = (
        UniqueConstraint("machine_id", "day_start", "reason_key", name="uq_kpi_stop_day"),
        sa.Index("ix_kpi_stop_day_plant_start", "plant_id", "day_start"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id")
    machine_id: int = Field(foreign_key="machine.id")
    day_start: datetime = Field(sa_type=UTCDateTime, nullable=False)
    reason_key: int = Field(default=0)
    stop_us: int = Field(default=0, sa_type=sa.BigInteger)
