"""API tokens for machine gateways, scanning stations and wall displays.

Created by admins (MANAGE_API_TOKENS), each scoped to one plant of their organization; the raw
token is returned once at creation and only its hash is stored. Revoked tokens stop working at
once; a token given an expiry (`expires_at`, in the future and at most MAX_LIFETIME away) stops working
then (401, services/org/auth.py). `last_used_at` is kept to the minute. A token acts with its kind's
permissions only (services/core/access.py TOKEN_PERMISSIONS).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.auth import ApiToken, ApiTokenKind
from models.base import pk
from models.organization import Plant
from services.core.access import (
    Actor,
    Permission,
    require,
)
from services.core.audit import audit
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.org import events as org_events
from services.org.tokens import hash_token, new_token

MAX_LIFETIME = timedelta(days=5 * 366)


class ApiTokenCreate(BaseModel):
    plant_id: int
    name: str
    kind: str = ApiTokenKind.MACHINE.value
    expires_at: datetime | None = None      # none: until revoked


class ApiTokenRead(BaseModel):
    id: int
    plant_id: int
    name: str
    kind: str
    token_prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreated(ApiTokenRead):
    token: str          # shown once


def create_api_token(session: Session, actor: Actor, data: ApiTokenCreate, *, now: datetime) -> ApiTokenCreated:
    require(actor, Permission.MANAGE_API_TOKENS)
    problems: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name or len(name) > 100:
        problems["name"] = t("Give the token a name of 1 to 100 characters (e.g. the machine or station).")
    kinds = [k.value for k in ApiTokenKind]
    if data.kind not in kinds:
        problems["kind"] = t("Unknown kind '{kind}'. Use one of: {kinds}.", kind=data.kind, kinds=', '.join(kinds))
    plant = session.get(Plant, data.plant_id)
    if plant is None or plant.organization_id != actor.organization_id or plant.id not in actor.plant_ids:
        problems["plant_id"] = t("Unknown plant.")
    expiry = _expiry_problem(data.expires_at, now)
    if expiry:
        problems["expires_at"] = expiry
    check(problems)
    assert plant is not None                 # check() refused an unknown plant
    raw = new_token("tkt")
    row = ApiToken(organization_id=actor.organization_id, plant_id=pk(plant), name=name, kind=ApiTokenKind(data.kind),
                   token_prefix=raw[:12], token_hash=hash_token(raw), expires_at=data.expires_at,
                   created_at=now, updated_at=now,
                   created_by=actor.user_id, updated_by=actor.user_id)
    session.add(row)
    session.flush()
    audit(session, actor, "api_token", row.id, "create",
          {"name": name, "kind": data.kind, "plant_id": plant.id, "expires_at": data.expires_at},
          plant_id=plant.id, at=now)
    record(session, org_events.ApiTokenCreated(organization_id=actor.organization_id, api_token_id=pk(row),
                                              plant_id=plant.id, actor_user_id=actor.user_id, at=now))
    return ApiTokenCreated(**_read(row).model_dump(), token=raw)


def _expiry_problem(expires_at: datetime | None, now: datetime) -> str:
    if expires_at is None:
        return ""
    if expires_at.tzinfo is None:
        return t("Give the expiry with a time zone (e.g. 2027-01-31T00:00:00Z).")
    if expires_at <= now:
        return t("Give an expiry in the future.")
    if expires_at > now + MAX_LIFETIME:
        return t("A token may live at most five years; leave the expiry empty for a token that lasts until revoked.")
    return ""


def list_api_tokens(session: Session, actor: Actor, *, include_revoked: bool = True) -> list[ApiTokenRead]:
    require(actor, Permission.MANAGE_API_TOKENS)
    query = select(ApiToken).where(ApiToken.organization_id == actor.organization_id)
    if not include_revoked:
        query = query.where(col(ApiToken.revoked_at).is_(None))
    return [_read(row) for row in session.exec(query.order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())).all()]


def get_api_token(session: Session, actor: Actor, token_id: int) -> ApiTokenRead:
    require(actor, Permission.MANAGE_API_TOKENS)
    return _read(get_scoped(session, actor, ApiToken, token_id, t("API token")))


def revoke_api_token(session: Session, actor: Actor, token_id: int, *, now: datetime) -> ApiTokenRead:
    require(actor, Permission.MANAGE_API_TOKENS)
    row = get_scoped(session, actor, ApiToken, token_id, t("API token"))
    if row.revoked_at is None:
        row.revoked_at = now
        row.updated_at, row.updated_by = now, actor.user_id
        session.add(row)
        audit(session, actor, "api_token", row.id, "revoke", {"name": row.name}, plant_id=row.plant_id, at=now)
        record(session, org_events.ApiTokenRevoked(organization_id=actor.organization_id, api_token_id=pk(row),
                                                  plant_id=row.plant_id, actor_user_id=actor.user_id, at=now))
    return _read(row)


def _read(row: ApiToken) -> ApiTokenRead:
    return ApiTokenRead(id=row.id, plant_id=row.plant_id, name=row.name, kind=str(getattr(row.kind, "value", row.kind)),
                        token_prefix=row.token_prefix, created_at=row.created_at, last_used_at=row.last_used_at,
                        expires_at=row.expires_at, revoked_at=row.revoked_at)
