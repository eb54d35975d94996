"""How a write is stamped, diffed, audited and announced: the four steps every service's create,
update and delete share (master data, configuration, quality, ...).

Invariants: `stamp_new` sets created/updated at and by together, `stamp` only the updated pair;
`apply_changes` sets only values that are not None and differ, and returns exactly those as
{field: {before, after}}; `announce` writes one audit entry and records one domain event named
`<entity>.<past tense of action>` (or `event`) carrying `<entity>_id`; nothing here commits.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from services.core.access import Actor
from services.core.audit import audit
from services.core.events import DomainEvent, record


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


