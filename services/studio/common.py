"""Shared by the studio services: who may read and write, partner (portal) accounts, the activity
feed and how a change is stamped, audited, logged and announced.

Invariants: internal users read studio data with VIEW and write with the STUDIO_* permission a use
case names; a partner account (STUDIO_PORTAL) reads only through `portal_account`, never through
the internal reads; every write is one audit entry, one activity row (field-level before/after)
and one `studio.*` domain event, recorded in the caller's transaction.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from models.studio import StudioProject
from models.studio_work import StudioAccount, StudioActivity
from services.config import type_lists
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Forbidden, Invalid
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.studio.events import StudioEvent

PROJECT_TYPES = "studio_project_types"
ASSET_KINDS = "studio_asset_kinds"
type_lists.register_default_list(PROJECT_TYPES, "Studio project types", [
    ("TV", "TV series"), ("FILM", "Film"), ("OVA", "OVA"), ("WEB", "Web"), ("GAME", "Game"), ("VFX", "VFX"),
    ("SUBCONTRACT", "Subcontract")], description="Kinds of studio projects (admins can add more).")
type_lists.register_default_list(ASSET_KINDS, "Studio asset kinds", [
    ("CHARACTER", "Character"), ("PROP", "Prop"), ("SET", "Set"), ("FX", "FX")],
    description="Kinds of assets cast into cuts and shots (admins can add more).")


def require_reader(actor: Actor) -> None:
    """Internal reads: VIEW. Partner accounts use the portal reads instead."""
    require(actor, Permission.VIEW)


def require_manager(actor: Actor) -> None:
    require(actor, Permission.STUDIO_MANAGE)


def is_portal(actor: Actor) -> bool:
    return Permission.STUDIO_PORTAL in actor.permissions and Permission.VIEW not in actor.permissions


def portal_account(session: Session, actor: Actor, kind: str | None = None) -> StudioAccount:
    """The partner account behind a vendor/client actor; Forbidden for anybody else."""
    require(actor, Permission.STUDIO_PORTAL)
    account = session.exec(select(StudioAccount).where(
        StudioAccount.user_id == actor.user_id, StudioAccount.organization_id == actor.organization_id)).first()
    if account is None or (kind is not None and account.kind != kind):
        raise Forbidden(t("This account is not linked to a partner of the studio."))
    return account


def get_project(session: Session, actor: Actor, project_id: int, *, for_update: bool = False) -> StudioProject:
    return get_scoped(session, actor, StudioProject, project_id, t("Project"), for_update=for_update)


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def apply(row: Any, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Set the given values (None included: the caller passes only fields it means); the changes."""
    changes: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        if getattr(row, key) != value:
            changes[key] = {"before": plain(getattr(row, key)), "after": plain(value)}
            setattr(row, key, value)
    return changes


def log_activity(session: Session, actor: Actor, entity: str, entity_id: int, action: str,
                 changes: dict[str, Any] | None, *, project_id: int | None, now: datetime) -> None:
    """One row of the per-entity feed (purged after the organization's retention)."""
    session.add(StudioActivity(
        organization_id=actor.organization_id,
        project_id=project_id, entity=entity, entity_id=entity_id, action=action,
        changes={k: v for k, v in (changes or {}).items()}, user_id=actor.user_id, at=now))


def announce(session: Session, actor: Actor, event: type[StudioEvent], entity_id: int, changes: dict[str, Any] | None,
             *, project_id: int | None, now: datetime, **fields: Any) -> None:
    """Audit entry + activity row + the `event` (its extra `fields` beside the row and project), in the
    caller's transaction."""
    entity, action = event.entity(), event.action()
    audit(session, actor, f"studio_{entity}", entity_id, action, changes or {}, at=now)
    log_activity(session, actor, entity, entity_id, action, changes, project_id=project_id, now=now)
    record(session, event(organization_id=actor.organization_id, actor_user_id=actor.user_id, at=now,
                          entity_id=entity_id, project_id=project_id, **fields))


def text(value: str | None, field: str, problems: dict[str, str], *, max_len: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        problems[field] = t("Required.")
    elif len(value) > max_len:
        problems[field] = t("At most {limit} characters.", limit=max_len)
    return value


def check(problems: dict[str, str]) -> None:
    if problems:
        raise Invalid(fields=problems)
