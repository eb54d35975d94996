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
- `kpi_run`: each stretch of time a machine had a job running, one interval row (from the job started or
  resumed while none ran, to the moment none runs any more: paused or completed; `end_at` NULL while one runs).
  Working time with no run and no stop is *idle*; reads derive it from these rows and `kpi_stop`.
- `kpi_planned_downtime`: booked planned downtime of a machine (a preventive maintenance window), written by the
  domain that books it; removed from the machine's working time as breaks are, whether its work starts or not.
- `kpi_plant_setting`: a plant's KPI conventions: idle as an availability loss or as not scheduled, and the
  overproduction tolerance.
`reason_key`/`operation_key` are the reason code / operation id, or 0 for none (they are part of unique keys).
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, str_enum


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


class KpiRun(SQLModel, table=True):
    """A stretch of time a machine had at least one job running (services/kpi/runs.py pairs the job events)."""
    __tablename__ = "kpi_run"
    __table_args__ = (sa.Index("ix_kpi_run_machine_start", "machine_id", "start_at"),
                      sa.Index("ix_kpi_run_machine_end", "machine_id", "end_at"))
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id")
    machine_id: int = Field(foreign_key="machine.id")
    start_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    end_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class KpiPlannedDowntime(SQLModel, table=True):
    """Booked planned downtime of a machine over [start_at, end_at), named by its source (e.g. a maintenance
    ticket's booked window: source "maintenance_ticket", source_id the ticket's id)."""
    __tablename__ = "kpi_planned_downtime"
    __table_args__ = (UniqueConstraint("source", "source_id", name="uq_kpi_planned_downtime_source"),
                      sa.Index("ix_kpi_planned_downtime_machine_start", "machine_id", "start_at"))
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id")
    machine_id: int = Field(foreign_key="machine.id")
    start_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    end_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    source: str = Field(max_length=32)
    source_id: int
    label: str = Field(default="", max_length=200)


DEFAULT_OVERPRODUCTION_TOLERANCE = 10     # percent of a job's quantity


class IdleConvention(StrEnum):
    LOSS = "loss"                        # an availability loss with its own reason, "idle - no job"
    NOT_SCHEDULED = "not_scheduled"      # leaves planned production time (TEEP style)


class KpiPlantSetting(TimestampMixin, SQLModel, table=True):
    __tablename__ = "kpi_plant_setting"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", unique=True)
    idle_convention: IdleConvention = Field(default=IdleConvention.LOSS, sa_type=str_enum(IdleConvention, 16))
    overproduction_tolerance_percent: int = Field(default=DEFAULT_OVERPRODUCTION_TOLERANCE)   # percent over quantity
