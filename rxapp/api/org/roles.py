"""Roles of the caller's organization and the permission matrix (MANAGE_USERS): services/org/roles.py and
services/org/role_grants.py keep the rules."""
from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.org import role_grants, roles
from services.org.role_grants import GrantCreate, GrantRead
from services.org.roles import PermissionInfo, RoleCreate, RoleRead, RoleUpdate

router = APIRouter(prefix="/roles", tags=["roles"], responses=AUTHENTICATED)
grants_router = APIRouter(prefix="/role-grants", tags=["roles"], responses=AUTHENTICATED)


class PermissionCell(BaseModel):
    allowed: bool


@router.get("/permissions", response_model=list[PermissionInfo], summary="Every permission a role may hold, "
            "with what it allows")
def list_permissions(actor: CurrentActor) -> list[PermissionInfo]:
    with db_session() as s, transaction(s):
        roles.list_roles(s, actor)          # the same check as the roles themselves (MANAGE_USERS)
    return roles.list_permissions()


@router.get("", response_model=list[RoleRead], summary="The organization's roles (built-in first) and what they hold")
def list_roles(actor: CurrentActor) -> list[RoleRead]:
    with db_session() as s, transaction(s):
        return roles.list_roles(s, actor)


@router.post("", response_model=RoleRead, status_code=status.HTTP_201_CREATED, summary="Create a role",
             responses=errors(409))
def create_role(body: RoleCreate, actor: CurrentActor) -> RoleRead:
    with db_session() as s, transaction(s):
        return roles.create_role(s, actor, body, now=utcnow())


@router.get("/{role_id}", response_model=RoleRead, summary="Get a role")
def get_role(role_id: int, actor: CurrentActor) -> RoleRead:
    with db_session() as s, transaction(s):
        return roles.get_role(s, actor, role_id)


@router.patch("/{role_id}", response_model=RoleRead, summary="Rename a role, or set the permissions it holds")
def update_role(role_id: int, body: RoleUpdate, actor: CurrentActor) -> RoleRead:
    with db_session() as s, transaction(s):
        return roles.update_role(s, actor, role_id, body, now=utcnow())


@router.put("/{role_id}/permissions/{permission}", response_model=RoleRead,
            summary="One cell of the permission matrix: the role holds the permission, or not")
def set_permission(role_id: int, permission: str, body: PermissionCell, actor: CurrentActor) -> RoleRead:
    with db_session() as s, transaction(s):
        return roles.set_role_permission(s, actor, role_id, permission, body.allowed, now=utcnow())


@router.delete("/{role_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a custom role and its grants",
               responses=errors(409))
def delete_role(role_id: int, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        roles.delete_role(s, actor, role_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@grants_router.get("", response_model=list[GrantRead], summary="Roles granted at a plant (and department)")
def list_grants(actor: CurrentActor, user_id: int | None = None) -> list[GrantRead]:
    with db_session() as s, transaction(s):
        return role_grants.list_grants(s, actor, user_id=user_id)


@grants_router.post("", response_model=GrantRead, status_code=status.HTTP_201_CREATED,
                    summary="Grant a role to a person at a plant, optionally bound to one department",
                    responses=errors(409))
def grant_role(body: GrantCreate, actor: CurrentActor) -> GrantRead:
    with db_session() as s, transaction(s):
        return role_grants.grant_role(s, actor, body, now=utcnow())


@grants_router.delete("/{grant_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Take a granted role back")
def revoke_grant(grant_id: int, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        role_grants.revoke_grant(s, actor, grant_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
