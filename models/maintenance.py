"""Maintenance: corrective and preventive tickets for machines with SLA clocks, preventive plans, spare parts
with stock per storage location, labour, notes and photos.

- `maintenance_ticket`: one repair or service job on one machine, numbered per organization (MT-000001); its
  `status` mirrors its workflow instance (entity type "maintenance_ticket"). The SLA columns are kept by
  services/maintenance/sla.py: due times in the plant calendar's working time, paused seconds while waiting for
  parts, when it was warned and how far it was escalated.
- `maintenance_sla_target`: response and resolution targets per plant and priority.
- `maintenance_auto_rule`: raise a ticket when a machine (or any machine of the plant) has been down longer
  than a threshold, optionally for one downtime reason only.
- `maintenance_plan`: preventive plan for one machine or a machine class (a work center): every N days, weeks
  or months, every N parts/cycles counted on the machine, or every N run hours.
- `maintenance_stop_link`: the stop events (downtime_started production events) a breakdown ticket explains.
- `maintenance_ticket_pause`: each interval a ticket spent waiting for parts, with its reason (open while it waits);
  the loss Pareto shows the linked stops' minutes inside these intervals as "repairs waiting for parts".
- `spare_part`, `part_stock` (per plant and storage location, with a minimum), `stock_move` (receipts,
  issues to tickets, corrections; signed quantities).
- `maintenance_labour`, `maintenance_note`, `maintenance_attachment` (photos, stored in the database).
Counts and stock quantities are integers, money Decimal, times aware UTC.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, utcnow


class MaintenanceTicket(TimestampMixin, SQLModel, table=True):
    __tablename__ = "maintenance_ticket"
    __table_args__ = (
        UniqueConstraint("organization_id", "number", name="uq_maintenance_ticket_org_number"),
        sa.Index("ix_maintenance_ticket_plant_open", "plant_id", "is_closed"),
        sa.Index("ix_maintenance_ticket_machine_created", "machine_id", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    machine_id: int = Field(foreign_key="machine.id", index=True)
    number: str = Field(max_length=32)
    kind: str = Field(default="corrective", max_length=16, index=True)     # corrective | preventive
    source: str = Field(default="supervisor", max_length=16)               # operator | andon | supervisor | auto | plan
    priority: str = Field(default="medium", max_length=16)                 # critical | high | medium | low
    reason_code_id: int | None = Field(default=None, foreign_key="reason_code.id")
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    status: str = Field(default="open", max_length=32, index=True)
    is_closed: bool = Field(default=False)
    is_cancelled: bool = Field(default=False)
    raised_by: int | None = Field(default=None, foreign_key="app_user.id")
    assignee_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    plan_id: int | None = Field(default=None, foreign_key="maintenance_plan.id", index=True)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)            # preventive: when it is due
    planned_start: datetime | None = Field(default=None, sa_type=UTCDateTime)     # preventive: booked window
    planned_end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    downtime_event_id: int | None = Field(default=None)     # the planned stop this ticket's work recorded
    # SLA clock (services/maintenance/sla.py)
    response_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paused_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paused_seconds: int = Field(default=0)                  # working seconds spent waiting for parts, closed pauses
    sla_pauses: bool = Field(default=True)                  # the target said so when the ticket was raised
    warned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    escalation_level: int = Field(default=0)                # 0 none, 1 maintenance lead, 2 plant manager
    response_breached: bool = Field(default=False)
    resolution_breached: bool = Field(default=False)
    checklist: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    custom: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class MaintenanceSlaTarget(TimestampMixin, SQLModel, table=True):
    __tablename__ = "maintenance_sla_target"
    __table_args__ = (UniqueConstraint("plant_id", "priority", name="uq_maintenance_sla_plant_priority"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    priority: str = Field(max_length=16)
    response_minutes: int
    resolution_minutes: int
    warn_minutes: int = Field(default=30)                   # warn this long before a breach
    pause_waiting_parts: bool = Field(default=True)


class MaintenanceAutoRule(TimestampMixin, SQLModel, table=True):
    __tablename__ = "maintenance_auto_rule"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    machine_id: int | None = Field(default=None, foreign_key="machine.id")
    reason_code_id: int | None = Field(default=None, foreign_key="reason_code.id")
    threshold_minutes: int
    priority: str = Field(default="high", max_length=16)
    is_active: bool = Field(default=True)


class MaintenancePlan(TimestampMixin, SQLModel, table=True):
    __tablename__ = "maintenance_plan"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    machine_id: int | None = Field(default=None, foreign_key="machine.id", index=True)
    work_center_id: int | None = Field(default=None, foreign_key="work_center.id")   # a machine class
    name: str = Field(max_length=200)
    trigger: str = Field(default="calendar", max_length=16)        # calendar | count | run_hours
    interval: int = Field(default=1)
    unit: str = Field(default="weeks", max_length=16)              # days | weeks | months (calendar)
    lead_days: int = Field(default=3)                              # generate the ticket this early
    duration_minutes: int = Field(default=60)                      # the planned window's length
    priority: str = Field(default="medium", max_length=16)
    checklist: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    anchor_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)   # counting from
    is_active: bool = Field(default=True, index=True)


class MaintenancePlanMachine(SQLModel, table=True):
    """Where a plan stands on one machine: counted from `since` (the last done ticket or the anchor)."""
    __tablename__ = "maintenance_plan_machine"
    __table_args__ = (UniqueConstraint("plan_id", "machine_id", name="uq_maintenance_plan_machine"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plan_id: int = Field(foreign_key="maintenance_plan.id", index=True)
    machine_id: int = Field(foreign_key="machine.id")
    since: datetime = Field(sa_type=UTCDateTime, nullable=False)
    open_ticket_id: int | None = Field(default=None, foreign_key="maintenance_ticket.id")


class MaintenanceStopLink(SQLModel, table=True):
    __tablename__ = "maintenance_stop_link"
    __table_args__ = (UniqueConstraint("ticket_id", "event_id", name="uq_maintenance_stop_link"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    ticket_id: int = Field(foreign_key="maintenance_ticket.id", index=True)
    event_id: int = Field(foreign_key="production_event.id", index=True)


class MaintenanceTicketPause(SQLModel, table=True):
    __tablename__ = "maintenance_ticket_pause"
    __table_args__ = (sa.Index("ix_maintenance_ticket_pause_ticket_start", "ticket_id", "started_at"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    ticket_id: int = Field(foreign_key="maintenance_ticket.id")
    started_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)     # None: still waiting
    reason: str = Field(default="Waiting for parts", max_length=500)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")


class SparePart(TimestampMixin, SQLModel, table=True):
    __tablename__ = "spare_part"
    __table_args__ = (UniqueConstraint("organization_id", "code", name="uq_spare_part_org_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    unit: str = Field(default="pc", max_length=16)
    unit_cost: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(12, 4))
    is_active: bool = Field(default=True)


class PartStock(SQLModel, table=True):
    __tablename__ = "part_stock"
    __table_args__ = (UniqueConstraint("part_id", "plant_id", "location", name="uq_part_stock_place"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    part_id: int = Field(foreign_key="spare_part.id", index=True)
    location: str = Field(max_length=64)
    quantity: int = Field(default=0)
    min_quantity: int = Field(default=0)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class StockMove(SQLModel, table=True):
    __tablename__ = "stock_move"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    part_id: int = Field(foreign_key="spare_part.id", index=True)
    location: str = Field(max_length=64)
    kind: str = Field(max_length=16)                      # receipt | issue | return | correction
    quantity: int                                         # signed: receipts +, issues -
    unit_cost: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(12, 4))
    ticket_id: int | None = Field(default=None, foreign_key="maintenance_ticket.id", index=True)
    note: str = Field(default="", max_length=500)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class MaintenanceLabour(SQLModel, table=True):
    __tablename__ = "maintenance_labour"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    ticket_id: int = Field(foreign_key="maintenance_ticket.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    started_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    ended_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    hours: Decimal = Field(sa_type=sa.Numeric(8, 2))
    hourly_rate: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(10, 2))
    note: str = Field(default="", max_length=500)
    created_by: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class MaintenanceNote(SQLModel, table=True):
    __tablename__ = "maintenance_note"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    ticket_id: int = Field(foreign_key="maintenance_ticket.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    text: str = Field(max_length=4000)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class MaintenanceAttachment(SQLModel, table=True):
    __tablename__ = "maintenance_attachment"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    ticket_id: int = Field(foreign_key="maintenance_ticket.id", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size: int
    data: bytes = Field(sa_type=sa.LargeBinary)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class MaintenanceTeam(TimestampMixin, SQLModel, table=True):
    """Who SLA breaches escalate to at a plant: the maintenance lead first, then the plant manager
    `manager_after_minutes` later (either unset: the holders of role maintenance / manager at the plant)."""
    __tablename__ = "maintenance_team"
    __table_args__ = (UniqueConstraint("plant_id", name="uq_maintenance_team_plant"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id")
    lead_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    manager_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    manager_after_minutes: int = Field(default=60)
