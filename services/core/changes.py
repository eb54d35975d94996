"""How a write is stamped, diffed, audited and announced: the four steps every service's create,
update and delete share (master data, configuration, quality, ...).

Invariants: `stamp_new` sets created/updated at and by together, `stamp` only the updated pair;
`apply_changes` sets only values that are not None and differ, and returns exactly those as
{field: {before, after}}; `announce` writes one audit entry and records one `EntityChanged` event
named `<entity>.<past tense of action>` (or `event`) carrying `<entity>_id`; nothing here commits.

Why one typed generic class and not one class per name: `announce` is the shared step of some
hundred plain create/update/delete events across master data, configuration, quality and
maintenance, whose payload is always the row's id plus the ids of the rows around it. `EntityChanged`
is a typed DomainEvent holding exactly that (entity, entity_id, refs), built in one place; the wire
stays `{<entity>_id: id, **refs}`. Its names are many and open-ended (e.g. `<entity type>.custom_updated`),
so its decoder is registered with `register_generic_decoder`: another process rebuilds an EntityChanged from any
`<entity>.<action>` whose payload carries `<entity>_id` and that no class of its own claims. Events that
carry more than ids get a class of their own in their package's events.py and are recorded with `record`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from services.core.access import Actor
from services.core.audit import audit
from services.core.events import DomainEvent, record, register_generic_decoder


@dataclass(frozen=True, kw_only=True)
class EntityChanged(DomainEvent):
    """One row created, changed, (de)activated or deleted, as `announce` records it: the payload is
    `{<entity>_id: entity_id, **refs}`, where `refs` are the ids subscribers follow (a shift's
    calendar_id, a BOM line's parent_product_id, the names of changed fields)."""
    entity: str
    entity_id: Any
    refs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "payload", {f"{self.entity}_id": self.entity_id, **self.refs})

    @classmethod
    def from_wire(cls, name: str, payload: dict[str, Any], envelope: dict[str, Any]) -> DomainEvent | None:
        """`<entity>.<action>` with `<entity>_id` in the payload, as `announce` sends it: rebuilt typed."""
        entity = name.partition(".")[0]
        key = f"{entity}_id"
        if not entity or key not in payload:
            return None
        refs = {k: v for k, v in payload.items() if k != key}
        return cls(name=name, entity=entity, entity_id=payload[key], refs=refs, **envelope)


register_generic_decoder(EntityChanged.from_wire)


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
    record(session, EntityChanged(name=event or f"{entity}.{_past(action)}", organization_id=actor.organization_id,
                                  plant_id=plant_id, actor_user_id=actor.user_id, at=now, entity=entity,
                                  entity_id=entity_id, refs=dict(payload or {})))


def _past(action: str) -> str:
    return {"create": "created", "update": "updated", "deactivate": "deactivated", "reactivate": "reactivated",
            "delete": "deleted"}.get(action, action)


