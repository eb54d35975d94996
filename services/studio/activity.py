"""The per-entity activity feed (who, when, field before/after) and its retention.

Invariants: the feed of an entity is read with VIEW within the organization; rows older than the
organization's `activity_retention_days` (default 7) are deleted by `purge_expired` (the
`takt purge-activity` command and the scheduled job), which touches nothing else: the audit trail
and created_by/updated_by stay. Changing the retention needs CONFIGURE and is audited.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.organization import Organization
from models.studio_work import StudioActivity, StudioSettings
from models.user import User
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.messages import t
from services.studio.common import check, require_reader

DEFAULT_RETENTION_DAYS = 7
ENTITIES = ("project", "cut", "asset", "task", "member", "partner", "template")


class ActivityRead(BaseModel):
    id: int
    at: datetime
    username: str | None
    entity: str
    entity_id: int
    action: str
    changes: dict[str, Any]


def feed(session: Session, actor: Actor, entity: str, entity_id: int, *, limit: int = 200) -> list[ActivityRead]:
    require_reader(actor)
    check({} if entity in ENTITIES else {"entity": t("One of: {choices}.", choices=", ".join(ENTITIES))})
    rows = session.exec(select(StudioActivity, User.username).join(User, col(User.id) == StudioActivity.user_id, isouter=True)
                        .where(StudioActivity.organization_id == actor.organization_id,
                               StudioActivity.entity == entity, StudioActivity.entity_id == entity_id)
                        .order_by(col(StudioActivity.at).desc(), col(StudioActivity.id).desc()).limit(limit)).all()
    return [ActivityRead(id=pk(a), at=a.at, username=name, entity=a.entity, entity_id=a.entity_id, action=a.action,
                         changes=a.changes or {}) for a, name in rows]


def retention_days(session: Session, organization_id: int) -> int:
    row = session.exec(select(StudioSettings).where(StudioSettings.organization_id == organization_id)).first()
    return row.activity_retention_days if row else DEFAULT_RETENTION_DAYS


def set_retention(session: Session, actor: Actor, days: int, *, now: datetime) -> int:
    require(actor, Permission.CONFIGURE)
    check({} if 1 <= days <= 3650 else {"days": t("Between {low} and {high} days.", low=1, high=3650)})
    row = session.exec(select(StudioSettings).where(StudioSettings.organization_id == actor.organization_id)).first()
    before = row.activity_retention_days if row else DEFAULT_RETENTION_DAYS
    if row is None:
        row = StudioSettings(organization_id=actor.organization_id, created_at=now, created_by=actor.user_id)
    row.activity_retention_days, row.updated_at, row.updated_by = days, now, actor.user_id
    session.add(row)
    audit(session, actor, "studio_settings", actor.organization_id, "retention_changed",
          {"activity_retention_days": {"before": before, "after": days}}, at=now)
    return days


def purge_expired(session: Session, *, now: datetime, organization_id: int | None = None) -> int:
    """Delete the activity rows older than their organization's retention, of one organization (or of every
    one: a system job); how many."""
    custom = dict(session.exec(select(StudioSettings.organization_id, StudioSettings.activity_retention_days)).all())
    deleted = 0
    org_ids = [organization_id] if organization_id is not None else session.exec(select(Organization.id)).all()
    for org_id in org_ids:
        assert org_id is not None                  # a primary key read back
        cutoff = now - timedelta(days=custom.get(org_id, DEFAULT_RETENTION_DAYS))
        result = session.exec(sa.delete(StudioActivity).where(col(StudioActivity.organization_id) == org_id,
                                                              col(StudioActivity.at) < cutoff))
        deleted += result.rowcount or 0
    return deleted
