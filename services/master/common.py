"""Small pieces shared by the master-data services (products, BOMs, customers, work centers,
routings, reason codes, calendars): who may write, how a change is stamped, audited and announced.

Invariants: organization-wide master data (products, BOMs, routings, customers, reason codes)
is written by PLAN holders; plant master data (work centers, machines, calendars) by
MANAGE_PLANTS or PLAN holders with access to that plant. Reading needs VIEW. Every write stamps
`updated_at/updated_by`, writes one audit entry and records one domain event.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session

from models.organization import Plant
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Forbidden, NotFound
from services.core.events import DomainEvent, record


def require_plan(actor: Actor) -> None:
    require(actor, Permission.PLAN)


def require_plant_master(actor: Actor, plant_id: int) -> None:
    """Work centers, machines and calendars: MANAGE_PLANTS or PLAN, at a plant the actor can see."""
    if not (Permission.MANAGE_PLANTS in actor.permissions or Permission.PLAN in actor.permissions):
        raise Forbidden("You are not allowed to do this: it needs the 'manage_plants' or 'plan' permission.")
    require(actor, Permission.VIEW, plant_id=plant_id)


def require_view(actor: Actor) -> None:
    require(actor, Permission.VIEW)


def visible_plant(session: Session, actor: Actor, plant_id: int | None) -> Plant:
    """The plant, when it is of the actor's organization and among their plants; else NotFound."""
    plant = session.get(Plant, plant_id) if plant_id is not None else None
    if plant is None or plant.organization_id != actor.organization_id or plant.id not in actor.plant_ids:
        raise NotFound("Plant not found.")
    return plant


def apply_changes(row: Any, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Set every value that is not None and differs; return {field: {before, after}}."""
    changes: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        if value is not None and getattr(row, key) != value:
            changes[key] = {"before": getattr(row, key), "after": value}
            setattr(row, key, value)
    return changes


def stamp_new(row: Any, actor: Actor, now: datetime) -> Any:
    row.created_at = row.updated_at = now
    row.created_by = row.updated_by = actor.user_id
    return row


def stamp(row: Any, actor: Actor, now: datetime) -> Any:
    row.updated_at, row.updated_by = now, actor.user_id
    return row


def announce(session: Session, actor: Actor, entity: str, entity_id: Any, action: str, changes: dict[str, Any],
             *, now: datetime, plant_id: int | None = None, event: str | None = None,
             payload: dict[str, Any] | None = None) -> None:
    """Audit one change and record its domain event (`<entity>.<action>d` unless `event` is given)."""
    audit(session, actor, entity, entity_id, action, changes, plant_id=plant_id, at=now)
    name = event or f"{entity}.{_past(action)}"
    data = {f"{entity}_id": entity_id, **(payload or {})}
    record(session, DomainEvent(name, actor.organization_id, data, plant_id=plant_id,
                                actor_user_id=actor.user_id, at=now))


def _past(action: str) -> str:
    return {"create": "created", "update": "updated", "deactivate": "deactivated", "reactivate": "reactivated",
            "delete": "deleted"}.get(action, action)


def like_pattern(search: str) -> str:
    escaped = search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def decimal_problem(value: Any, *, places: int, max_digits: int, minimum: Decimal | None = None,
                    exclusive_minimum: Decimal | None = None, below: Decimal | None = None) -> str | None:
    """A message when `value` is not a Decimal fitting NUMERIC(max_digits, places) within bounds."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "Enter a number."
    if not number.is_finite():
        return "Enter a number."
    if abs(number) >= Decimal(10) ** (max_digits - places):
        return "This number is too large."
    if number.as_tuple().exponent < -places and number != number.quantize(Decimal(1).scaleb(-places)):
        return f"Use at most {places} decimal places."
    if minimum is not None and number < minimum:
        return f"Must be at least {minimum}."
    if exclusive_minimum is not None and number <= exclusive_minimum:
        return f"Must be more than {exclusive_minimum}."
    if below is not None and number >= below:
        return f"Must be less than {below}."
    return None


def to_decimal(value: Any, places: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))


def text_problem(value: str | None, *, max_length: int, required: bool = True) -> str | None:
    text = (value or "").strip()
    if required and not text:
        return "Required."
    if len(text) > max_length:
        return f"Use at most {max_length} characters."
    return None
