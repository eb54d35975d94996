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
from services.core import tenancy
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.changes import apply_changes, stamp
from services.core.display_names import display_name, second_name, set_second_name
from services.core.errors import Conflict, NotFound
from services.core.events import record
from services.core.messages import t
from services.core.validation import check
from services.org import events as org_events
from services.org.roles import seed_role_templates

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")


class OrganizationRead(BaseModel):
    id: int
    slug: str
    name: str
    name2: str = ""
    name2_language: str | None = None
    display_name: str = ""                  # the name in the viewer's language
    is_active: bool


class OrganizationUpdate(BaseModel):
    """Only the fields given change; name2 "" clears the second name."""
    name: str | None = None
    name2: str | None = None                # the name in a second language (services/core/display_names.py)
    name2_language: str | None = None       # en, ja or ko; None: what name2's script says


def organization_read(org: Organization) -> OrganizationRead:
    return OrganizationRead(id=pk(org), slug=org.slug, name=org.name, name2=org.name2,
                            name2_language=org.name2_language, display_name=display_name(org), is_active=org.is_active)


def create_organization(session: Session, *, slug: str, name: str, primary_color: str = "#2563eb",
                        now: datetime) -> OrganizationRead:
    slug, name = (slug or "").strip().lower(), (name or "").strip()
    problems = {}
    if not SLUG_RE.match(slug):
        problems["slug"] = t("Use 3 to 64 lower-case letters, digits or dashes.")
    if not name:
        problems["name"] = t("Required.")
    check(problems)
    if session.exec(select(Organization.id).where(Organization.slug == slug)).first():
        raise Conflict(t("An organization '{slug}' exists.", slug=slug), fields={"slug": t("Already used.")})
    org = Organization(slug=slug, name=name, created_at=now, updated_at=now)
    session.add(org)
    session.flush()
    tenancy.bind_transaction(session, pk(org))     # its branding, roles and audit row, and the rest of this transaction
    session.add(OrganizationBranding(organization_id=pk(org), display_name=name, primary_color=primary_color,
                                     created_at=now, updated_at=now))
    seed_role_templates(session, pk(org), now=now)
    audit(session, None, "organization", org.id, "create", {"slug": slug, "name": name}, organization_id=org.id, at=now)
    record(session, org_events.OrganizationCreated(organization_id=org.id, at=now))
    return organization_read(org)


def get_organization(session: Session, actor: Actor) -> OrganizationRead:
    """The actor's own organization, its names included."""
    return organization_read(_own(session, actor))


def update_organization(session: Session, actor: Actor, data: OrganizationUpdate, *, now: datetime) -> OrganizationRead:
    """Rename the actor's organization, in either language (CONFIGURE); audited and announced."""
    require(actor, Permission.CONFIGURE)
    org = _own(session, actor)
    problems: dict[str, str] = {}
    name = None if data.name is None else data.name.strip()
    if name is not None and not name:
        problems["name"] = t("Required.")
    elif name is not None and len(name) > 200:
        problems["name"] = t("Use at most 200 characters.")
    second = second_name(data.name2, data.name2_language, problems, current=(org.name2, org.name2_language))
    check(problems)
    changes = apply_changes(org, {"name": name}) | set_second_name(org, *second)
    if changes:
        session.add(stamp(org, actor, now))
        audit(session, actor, "organization", org.id, "update", changes, at=now)
        record(session, org_events.OrganizationUpdated(organization_id=pk(org), actor_user_id=actor.user_id,
                                                       fields=sorted(changes), at=now))
    return organization_read(org)


def _own(session: Session, actor: Actor) -> Organization:
    org = session.get(Organization, actor.organization_id)
    if org is None:
        raise NotFound(t("No such organization."))
    return org


def get_organization_by_slug(session: Session, slug: str) -> OrganizationRead:
    org = session.exec(select(Organization).where(Organization.slug == slug.strip().lower())).first()
    if org is None:
        raise NotFound(t("No organization '{slug}'.", slug=slug))
    return organization_read(org)


def has_organization(session: Session) -> bool:
    """Whether the database holds any organization yet (a platform read: `takt init` runs only on an empty one)."""
    return session.exec(select(Organization.id).limit(1)).first() is not None


def list_organizations(session: Session) -> list[OrganizationRead]:
    return [organization_read(o)
            for o in session.exec(select(Organization).order_by(Organization.slug)).all()]


def system_actor(session: Session, organization_id: int) -> Actor:
    plants = session.exec(select(Plant.id).where(Plant.organization_id == organization_id)).all()
    return Actor(user_id=None, organization_id=organization_id, roles=frozenset({Role.ADMIN}),
                 plant_ids=frozenset(p for p in plants if p is not None), username="system")
