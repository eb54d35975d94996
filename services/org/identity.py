"""Who the caller of a door is: a person (session) or a machine/station/display API token.

A read model for `GET /api/v1/me`. It shows only the actor's own organization, the plants the actor
may work in (all of the organization's plants for admins; the one plant of an API token), the
actor's roles and effective permissions, and the organization's branding.
"""
from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session

from models.auth import ApiToken
from models.organization import Organization
from models.user import User
from services.core.access import Actor
from services.core.errors import Unauthorized
from services.core.messages import t
from services.org.branding import BrandingRead, branding_for_org
from services.org.plants import list_plants


class OrganizationRef(BaseModel):
    id: int
    name: str


class PlantRef(BaseModel):
    id: int
    code: str
    name: str


class ApiTokenRef(BaseModel):
    id: int
    name: str
    kind: str
    plant_id: int


class IdentityRead(BaseModel):
    kind: str                          # "user", or the API token's kind: machine | station | display
    user_id: int | None
    username: str
    full_name: str
    organization: OrganizationRef
    roles: list[str]
    permissions: list[str]
    plants: list[PlantRef]
    branding: BrandingRead
    api_token: ApiTokenRef | None = None


def describe_actor(session: Session, actor: Actor) -> IdentityRead:
    org = session.get(Organization, actor.organization_id)
    if org is None:
        raise Unauthorized(t("Your session has ended. Log in again."))
    token = _token_ref(session, actor)
    full_name = ""
    if actor.user_id is not None:
        user = session.get(User, actor.user_id)
        full_name = user.full_name if user else ""
    return IdentityRead(
        kind=token.kind if token else "user",
        user_id=actor.user_id,
        username=actor.username,
        full_name=full_name,
        organization=OrganizationRef(id=org.id, name=org.name),
        roles=sorted(r.value for r in actor.roles),
        permissions=sorted(p.value for p in actor.permissions),
        plants=[PlantRef(id=p.id, code=p.code, name=p.name) for p in list_plants(session, actor)],
        branding=branding_for_org(session, actor.organization_id),
        api_token=token,
    )


def _token_ref(session: Session, actor: Actor) -> ApiTokenRef | None:
    if actor.api_token_id is None:
        return None
    row = session.get(ApiToken, actor.api_token_id)
    if row is None or row.organization_id != actor.organization_id:
        raise Unauthorized(t("This API token is unknown or revoked."))
    return ApiTokenRef(id=row.id, name=row.name, kind=str(getattr(row.kind, "value", row.kind)), plant_id=row.plant_id)
