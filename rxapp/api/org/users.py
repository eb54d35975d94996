"""Users of the caller's organization (admins: MANAGE_USERS)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.org import users
from services.org.users import UserCreate, UserRead, UserUpdate

router = APIRouter(prefix="/users", tags=["users"], responses=AUTHENTICATED)


class PasswordReset(BaseModel):
    new_password: str


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
