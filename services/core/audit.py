"""The audit trail: `audit()` is called by every mutating service in the same transaction.

Reading it is limited to users with VIEW_AUDIT, within their organization; filters by user,
entity, date range and source (people's changes, or machine and system traffic: entries written by a
machine or station token or by the system, which have no user); `audit_traffic` summarises that traffic
per entity and action; CSV export of exactly what a filter shows.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.audit import AuditEntry
from models.user import User
from services.core.access import Actor, Permission, require
from services.core.messages import t
from services.core.validation import check
from services.core.writers import check_writer


class AuditRead(BaseModel):
    id: int
    at: datetime
    user_id: int | None
    username: str | None
    entity: str
    entity_id: str | None
    action: str
    changes: dict[str, Any]


class AuditFilter(BaseModel):
    user_id: int | None = None
    entity: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    source: Literal["people", "machines"] | None = None    # people: entries with a user; machines: without


class TrafficRead(BaseModel):
    """Machine and system entries of one entity and action, counted."""
    entity: str
    action: str
    count: int
    last: datetime


def audit(session: Session, actor: Actor | None, entity: str, entity_id: Any, action: str,
          changes: dict[str, Any] | None = None, *, organization_id: int | None = None,
          plant_id: int | None = None, at: datetime) -> None:
    check_writer(session, actor.user_id if actor else None, f"{entity}.{action}")
    session.add(AuditEntry(
        organization_id=organization_id if organization_id is not None else (actor.organization_id if actor else None),
        plant_id=plant_id,
        user_id=actor.user_id if actor else None,
        at=at,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        action=action,
        changes=_jsonable(changes or {}),
    ))


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Changed fields as {field: {"before": old, "after": new}}."""
    return {k: {"before": before.get(k), "after": v} for k, v in after.items() if before.get(k) != v}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _filtered(query, actor: Actor, flt: AuditFilter):
    check({name: t("Give a time with a time zone (the trail is kept in UTC).") for name in ("since", "until")
           if getattr(flt, name) is not None and getattr(flt, name).tzinfo is None})
    query = query.where(AuditEntry.organization_id == actor.organization_id)
    if flt.user_id is not None:
        query = query.where(AuditEntry.user_id == flt.user_id)
    if flt.entity:
        query = query.where(AuditEntry.entity == flt.entity)
    if flt.since:
        query = query.where(AuditEntry.at >= flt.since)
    if flt.until:
        query = query.where(AuditEntry.at < flt.until)
    if flt.source == "people":
        query = query.where(col(AuditEntry.user_id).is_not(None))
    elif flt.source == "machines":
        query = query.where(col(AuditEntry.user_id).is_(None))
    return query


def list_audit(session: Session, actor: Actor, flt: AuditFilter | None = None, *,
               limit: int = 200, offset: int = 0) -> tuple[list[AuditRead], int]:
    require(actor, Permission.VIEW_AUDIT)
    flt = flt or AuditFilter()
    query = _filtered(select(AuditEntry, User.username).join(User, col(User.id) == AuditEntry.user_id, isouter=True),
                      actor, flt)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc()).offset(offset).limit(limit)).all()
    return [_read(entry, username) for entry, username in rows], total


def audit_traffic(session: Session, actor: Actor, flt: AuditFilter | None = None) -> list[TrafficRead]:
    """Machine and system entries (no user) in the filter's entity and dates, counted per entity and action,
    most first: thousands of ingest entries read as one line."""
    require(actor, Permission.VIEW_AUDIT)
    flt = (flt or AuditFilter()).model_copy(update={"source": "machines", "user_id": None})
    query = _filtered(select(AuditEntry.entity, AuditEntry.action, func.count(), func.max(AuditEntry.at)), actor, flt)
    rows = session.exec(query.group_by(AuditEntry.entity, AuditEntry.action)).all()
    return sorted((TrafficRead(entity=e, action=a, count=n, last=last) for e, a, n, last in rows),
                  key=lambda t: (-t.count, t.entity, t.action))


def audit_entities(session: Session, actor: Actor) -> list[str]:
    require(actor, Permission.VIEW_AUDIT)
    query = select(AuditEntry.entity).where(AuditEntry.organization_id == actor.organization_id).distinct()
    return sorted(session.exec(query).all())


def audit_users(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """(user id, username) of the people who appear in the organization's audit trail, for a filter."""
    require(actor, Permission.VIEW_AUDIT)
    query = (select(User.id, User.username).join(AuditEntry, col(AuditEntry.user_id) == User.id)
             .where(AuditEntry.organization_id == actor.organization_id, User.organization_id == actor.organization_id)
             .distinct().order_by(User.username))
    return [(user_id, username) for user_id, username in session.exec(query).all() if user_id is not None]


def audit_csv(session: Session, actor: Actor, flt: AuditFilter | None = None) -> str:
    entries, _ = list_audit(session, actor, flt, limit=100_000)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at_utc", "user", "entity", "entity_id", "action", "changes"])
    for e in entries:
        writer.writerow([e.at.isoformat(), e.username or "", e.entity, e.entity_id or "", e.action,
                         json.dumps(e.changes, sort_keys=True)])
    return out.getvalue()


def _read(entry: AuditEntry, username: str | None) -> AuditRead:
    return AuditRead(id=entry.id, at=entry.at, user_id=entry.user_id, username=username, entity=entry.entity,
                     entity_id=entry.entity_id, action=entry.action, changes=entry.changes or {})
