"""What the NCR service (services/quality/ncr.py) takes and answers: the create and update inputs, the NCR, its
CAPA actions and links as read, and the detail page's whole view. Plain pydantic models, no rules.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from models.ncr import NcrSeverity
from services.config.workflow import InstanceRead, StepRead, TransitionOption


class NcrCreate(BaseModel):
    plant_id: int
    title: str
    description: str = ""
    severity: NcrSeverity | str = NcrSeverity.MINOR
    product_id: int | None = None
    lot_reference: str = ""
    quantity: int | None = None
    department_id: int | None = None
    owner_user_id: int | None = None
    containment: str = ""
    detected_at: datetime | None = None
    custom: dict[str, Any] | None = None


class NcrUpdate(BaseModel):
    """Fields to change; None leaves a field as it is ("" clears a text)."""
    title: str | None = None
    description: str | None = None
    severity: NcrSeverity | str | None = None
    product_id: int | None = None
    lot_reference: str | None = None
    quantity: int | None = None
    department_id: int | None = None
    owner_user_id: int | None = None
    containment: str | None = None
    root_cause_category_id: int | None = None
    root_cause: str | None = None
    custom: dict[str, Any] | None = None


class NcrRead(BaseModel):
    id: int
    number: str
    plant_id: int
    department_id: int | None
    title: str
    description: str
    severity: str
    product_id: int | None
    product_code: str | None = None
    lot_reference: str
    quantity: int | None
    detected_at: datetime
    owner_user_id: int | None
    owner_name: str | None = None
    containment: str
    root_cause_category_id: int | None
    root_cause_category: str | None = None
    root_cause: str
    status: str
    status_name: str = ""
    is_closed: bool
    closed_at: datetime | None
    open_actions: int = 0
    actions: int = 0
    custom: dict[str, Any]
    created_at: datetime
    can_edit: bool = False          # the actor may change it now (`writable_ncr`): QUALITY at its plant, not closed


class CapaRead(BaseModel):
    id: int
    ncr_id: int
    kind: str
    description: str
    owner_user_id: int
    owner_name: str | None = None
    due_date: date
    is_done: bool
    done_at: datetime | None
    done_note: str
    is_overdue: bool = False
    can_complete: bool = False      # the reader may mark it done now (its owner or quality staff, NCR open)


class LinkRead(BaseModel):
    id: int
    kind: str
    target_id: int | None
    reference: str


class NcrDetail(BaseModel):
    ncr: NcrRead
    actions: list[CapaRead]
    links: list[LinkRead]
    workflow: InstanceRead
    transitions: list[TransitionOption]
    history: list[StepRead]
    can_approve: bool
    can_close: bool                 # one of `transitions` into a done state is allowed to the actor now
