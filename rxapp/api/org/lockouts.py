"""Log-in throttles of your organization's users (admins): list, and clear one (services/org/lockouts.py)."""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED
from services.core.db import db_session, transaction
from services.org import lockouts
from services.org.lockouts import Lockout

router = APIRouter(prefix="/lockouts", tags=["users"], responses=AUTHENTICATED)


class ClearBody(BaseModel):
    username: str = Field(max_length=64)
    ip: str | None = Field(default=None, max_length=64, description="The address; omitted: every address.")


class Cleared(BaseModel):
    cleared: int


@router.get("", response_model=list[Lockout], summary="Users held up by failed log-ins, per address")
def list_lockouts(actor: CurrentActor) -> list[Lockout]:
    with db_session() as s, transaction(s):
        return lockouts.list_lockouts(s, actor, now=utcnow())


@router.post("/clear", response_model=Cleared, summary="Clear a user's failed log-ins (from one address or all)")
def clear_lockout(body: ClearBody, actor: CurrentActor) -> Cleared:
    with db_session() as s, transaction(s):
        return Cleared(cleared=lockouts.clear_lockout(s, actor, body.username, body.ip, now=utcnow()))
