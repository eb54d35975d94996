"""Organizations (tenants) and the platform-level actions that exist before any user does.

Creating an organization is a platform operation (CLI, demo seeding), not something a user of
another organization can do. `system_actor` is the CLI's acting identity inside one organization:
an admin with access to all its plants, audited with no user id.
"""
from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from models.base import pk
from models.organization import Organization, OrganizationBranding, Plant
from models.user import Role
from services.core.access import Actor
from services.core.audit import audit
from services.core.errors import Conflict, NotFound
from services.core.events import record
from services.core.validation import check
from services.org import events as org_events
from services.org.roles import seed_role_templates

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")


class OrganizationRead(BaseModel):
    id: int
    slug: str
    name: str
    is_active: bool


def create_organization(session: Session, *, slug: str, name: str, primary_color: str = "#2563eb",
                        now: datetime) -> OrganizationRead:
    slug, name = (slug or "").strip().lower(), (name or "").strip()
    problems = {}
    if not SLUG_RE.match(slug):
        problems["slug"] = "Use 3 to 64 lower-case letters, digits or dashes."
    if not name:
        problems["name"] = "Required."
    check(problems)
    if session.exec(select(Organization.id).where(Organization.slug == slug)).first():
        raise Conflict(f"An organization '{slug}' exists.", fields={"slug": "Already used."})
    org = Organization(slug=slug, name=name, created_at=now, updated_at=now)
    session.add(org)
    session.flush()
    session.add(OrganizationBranding(organization_id=pk(org), display_name=name, primary_color=primary_color,
                                     created_at=now, updated_at=now))
    seed_role_templates(session, pk(org), now=now)
    audit(session, None, "organization", org.id, "create", {"slug": slug, "name": name}, organization_id=org.id, at=now)
    record(session, org_events.OrganizationCreated(organization_id=org.id, at=now))
    return OrganizationRead.model_validate(org, from_attributes=True)


def get_organization_by_slug(session: Session, slug: str) -> OrganizationRead:
    org = session.exec(select(Organization).where(Organization.slug == slug.strip().lower())).first()
    if org is None:
        raise NotFound(f"No organization '{slug}'.")
    return OrganizationRead.model_validate(org, from_attributes=True)


def has_organization(session: Session) -> bool:
    """Whether the database holds any organization yet (a platform read: `takt init` runs only on an empty one)."""
    return session.exec(select(Organization.id).limit(1)).first() is not None


def list_organizations(session: Session) -> list[OrganizationRead]:
    return [OrganizationRead.model_validate(o, from_attributes=True)
            for o in session.exec(select(Organization).order_by(Organization.slug)).all()]


def system_actor(session: Session, organization_id: int) -> Actor:
    plants = session.exec(select(Plant.id).where(Plant.organization_id == organization_id)).all()
    return Actor(user_id=None, organization_id=organization_id, roles=frozenset({Role.ADMIN}),
                 plant_ids=frozenset(p for p in plants if p is not None), username="system")
