"""The retention purge of audit entries and notifications, per organization, from its settings.

Invariants: an organization with no retention set (the default) keeps every row; rows are deleted only when
older than its retention in days at `now`; the job is the system's (no actor) and idempotent. The studio
activity feed keeps its own retention (services/studio/activity.py), run by the same job.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.audit import AuditEntry
from models.config import Notification
from models.org_settings import OrganizationSettings


def purge_expired(session: Session, *, now: datetime, organization_id: int | None = None) -> dict[str, int]:
    """Delete audit entries and notifications older than their organization's retention (of one organization,
    or of all); how many of each."""
    deleted = {"audit": 0, "notifications": 0}
    query = select(OrganizationSettings.organization_id, OrganizationSettings.audit_retention_days,
                   OrganizationSettings.notification_retention_days)
    if organization_id is not None:
        query = query.where(OrganizationSettings.organization_id == organization_id)
    rows = session.exec(query).all()
    for organization_id, audit_days, notification_days in rows:
        if audit_days:
            result = session.exec(sa.delete(AuditEntry).where(col(AuditEntry.organization_id) == organization_id,
                                                              col(AuditEntry.at) < now - timedelta(days=audit_days)))
            deleted["audit"] += result.rowcount or 0
        if notification_days:
            result = session.exec(sa.delete(Notification).where(
                col(Notification.organization_id) == organization_id,
                col(Notification.created_at) < now - timedelta(days=notification_days)))
            deleted["notifications"] += result.rowcount or 0
    return deleted
