"""Users of the caller's organization (admins: MANAGE_USERS)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.org import role_grants, users
from services.org.role_grants import GrantCreate, GrantRead
from services.org.users import UserCreate, UserRead, UserUpdate

router = APIRouter(prefix="/users", tags=["users"], responses=AUTHENTICATED)


class PasswordReset(BaseModel):
    new_password: str


class UserGrant(BaseModel):
    """A role (built-in or the organization's own, by id from GET /roles) at a plant, optionally for one department."""
    role_id: int
    plant_id: int
    department_id: int | None = None


@router.get("", response_model=list[UserRead], summary="List users")
def list_users(actor: CurrentActor, search: str = "", include_inactive: bool = True,
               limit: Annotated[int, Query(ge=1, le=500)] = 100,
               offset: Annotated[int, Query(ge=0)] = 0) -> list[UserRead]:
    with db_session() as s, transaction(s):
        return users.list_users(s, actor, search=search, include_inactive=include_inactive, limit=limit, offset=offset)


@router.post("", response_model=UserRead, status_code=status.HTTP_201_CREATED, summary="Create a user",
             responses=errors(409))
def create_user(body: UserCreate, actor: CurrentActor) -> UserRead:
    with db_session() as s, transaction(s):
        return users.create_user(s, actor, body, now=utcnow())


@router.get("/{user_id}", response_model=UserRead, summary="Get a user")
def get_user(user_id: int, actor: CurrentActor) -> UserRead:
    with db_session() as s, transaction(s):
        return users.get_user(s, actor, user_id)


@router.patch("/{user_id}", response_model=UserRead, summary="Change a user's name, email, roles or plants")
def update_user(user_id: int, body: UserUpdate, actor: CurrentActor) -> UserRead:
    with db_session() as s, transaction(s):
        return users.update_user(s, actor, user_id, body, now=utcnow())


@router.post("/{user_id}/deactivate", response_model=UserRead, summary="Deactivate a user (their sessions end)")
def deactivate_user(user_id: int, actor: CurrentActor) -> UserRead:
    with db_session() as s, transaction(s):
        return users.set_active(s, actor, user_id, False, now=utcnow())


@router.post("/{user_id}/activate", response_model=UserRead, summary="Reactivate a user")
def activate_user(user_id: int, actor: CurrentActor) -> UserRead:
    with db_session() as s, transaction(s):
        return users.set_active(s, actor, user_id, True, now=utcnow())


@router.post("/{user_id}/reset-password", response_model=UserRead,
             summary="Set a new password for a user (their sessions end)")
def reset_password(user_id: int, body: PasswordReset, actor: CurrentActor) -> UserRead:
    with db_session() as s, transaction(s):
        return users.reset_password(s, actor, user_id, body.new_password, now=utcnow())


@router.get("/{user_id}/grants", response_model=list[GrantRead], summary="The roles a user holds at plants (and departments)")
def list_user_grants(user_id: int, actor: CurrentActor) -> list[GrantRead]:
    with db_session() as s, transaction(s):
        users.get_user(s, actor, user_id)                   # 404 for a user outside the organization
        return role_grants.list_grants(s, actor, user_id=user_id)


@router.post("/{user_id}/grants", response_model=GrantRead, status_code=status.HTTP_201_CREATED,
             summary="Grant a user any role (built-in or custom) at a plant, optionally bound to one department",
             responses=errors(404, 409, 422))
def grant_user_role(user_id: int, body: UserGrant, actor: CurrentActor) -> GrantRead:
    with db_session() as s, transaction(s):
        users.get_user(s, actor, user_id)
        return role_grants.grant_role(s, actor, GrantCreate(user_id=user_id, **body.model_dump()), now=utcnow())


@router.delete("/{user_id}/grants/{grant_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Take a role granted at a plant back from a user", responses=errors(404))
def revoke_user_grant(user_id: int, grant_id: int, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        role_grants.revoke_grant(s, actor, grant_id, user_id=user_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
