"""An organization's branding: display name, primary colour and logo, applied to the app shell.

Everyone in the organization reads it; only MANAGE_BRANDING (admins) change it. A logo is an SVG
document or a PNG/JPEG/SVG data URL of at most 200 kB; an SVG, inline or in a data URL, must pass
services/core/svg.py (no scripts, event handlers or HTML).
"""
from __future__ import annotations

import base64
import re
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from models.organization import Organization, OrganizationBranding
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import NotFound
from services.core.events import record
from services.core.messages import t
from services.core.svg import svg_problem
from services.core.validation import COLOR_RE, check
from services.org import events as org_events

DEFAULT_COLOR = "#2563eb"
MAX_LOGO_CHARS = 200_000
_DATA_URL = re.compile(r"^data:image/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/=]+$")


class BrandingRead(BaseModel):
    organization_id: int
    display_name: str
    primary_color: str
    logo_svg: str | None


class BrandingUpdate(BaseModel):
    display_name: str | None = None
    primary_color: str | None = None
    logo_svg: str | None = None       # "" removes the logo


def get_branding(session: Session, actor: Actor) -> BrandingRead:
    return branding_for_org(session, actor.organization_id)


def branding_for_org(session: Session, organization_id: int) -> BrandingRead:
    row = session.exec(select(OrganizationBranding).where(OrganizationBranding.organization_id == organization_id)).first()
    if row is not None:
        return BrandingRead(organization_id=organization_id, display_name=row.display_name,
                            primary_color=row.primary_color, logo_svg=row.logo_svg)
    org = session.get(Organization, organization_id)
    if org is None:
        raise NotFound(t("Organization not found."))
    return BrandingRead(organization_id=organization_id, display_name=org.name, primary_color=DEFAULT_COLOR, logo_svg=None)


def update_branding(session: Session, actor: Actor, data: BrandingUpdate, *, now: datetime) -> BrandingRead:
    require(actor, Permission.MANAGE_BRANDING)
    problems: dict[str, str] = {}
    if data.display_name is not None and not data.display_name.strip():
        problems["display_name"] = t("Required.")
    if data.display_name is not None and len(data.display_name) > 200:
        problems["display_name"] = t("Use at most 200 characters.")
    if data.primary_color is not None and not COLOR_RE.match(data.primary_color.strip()):
        problems["primary_color"] = t("Use a colour like #2563eb.")
    if data.logo_svg:
        logo_problem = _logo_problem(data.logo_svg.strip())
        if logo_problem:
            problems["logo_svg"] = logo_problem
    check(problems)
    row = session.exec(select(OrganizationBranding).where(OrganizationBranding.organization_id == actor.organization_id)).first()
    if row is None:
        current = branding_for_org(session, actor.organization_id)
        row = OrganizationBranding(organization_id=actor.organization_id, display_name=current.display_name,
                                   primary_color=current.primary_color, created_at=now, created_by=actor.user_id)
    changes = {}
    new_values = {
        "display_name": data.display_name.strip() if data.display_name is not None else None,
        "primary_color": data.primary_color.strip().lower() if data.primary_color is not None else None,
        "logo_svg": (data.logo_svg.strip() or "") if data.logo_svg is not None else None,
    }
    for key, value in new_values.items():
        if value is None:
            continue
        value = value or None if key == "logo_svg" else value
        if getattr(row, key) != value:
            changes[key] = {"before": _short(getattr(row, key)), "after": _short(value)}
            setattr(row, key, value)
    row.updated_at, row.updated_by = now, actor.user_id
    session.add(row)
    if changes:
        audit(session, actor, "branding", actor.organization_id, "update", changes, at=now)
        record(session, org_events.BrandingUpdated(organization_id=actor.organization_id, actor_user_id=actor.user_id,
                                                   at=now))
    return branding_for_org(session, actor.organization_id)


def _logo_problem(logo: str) -> str | None:
    if len(logo) > MAX_LOGO_CHARS:
        return t("The logo is too large (at most 200 kB).")
    if logo.startswith("data:"):
        match = _DATA_URL.match(logo)
        if not match:
            return t("Use a PNG, JPEG or SVG image.")
        return _svg_data_url_problem(logo) if match.group(1) == "svg+xml" else None
    return svg_problem(logo)


def _svg_data_url_problem(logo: str) -> str | None:
    try:
        return svg_problem(base64.b64decode(logo.split(",", 1)[1], validate=True).decode("utf-8").strip())
    except (ValueError, UnicodeDecodeError):
        return t("Use a PNG, JPEG or SVG image.")


def _short(value):
    return value[:60] + "…" if isinstance(value, str) and len(value) > 60 else value
