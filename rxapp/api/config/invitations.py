"""Invitations: admins invite people by email with roles and plants, list, resend and revoke them; the invitee
reads and accepts an invitation with the link's token (services/config/invitations.py). Accepting answers a
bearer token like /auth/token; when the invitee's role requires two-factor log-in it is refused with 403 and
the invitee accepts in the browser, where the set-up happens."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from models.base import utcnow
from rxapp.api.deps import ClientIP, CurrentActor
from rxapp.api.org.auth import TokenRead
from rxapp.api.schemas import AUTHENTICATED, errors
from services.config import invitations
from services.config.invitations import (
    InvitationAccept,
    InvitationCreate,
    InvitationPreview,
    InvitationRead,
    InvitationSent,
)
from services.core.db import db_session, transaction
from services.core.errors import Forbidden
from services.org import auth

router = APIRouter(prefix="/invitations", tags=["users"])


class ResendBody(BaseModel):
    valid_days: int = Field(default=invitations.DEFAULT_VALID_DAYS, ge=1, le=invitations.MAX_VALID_DAYS)


class TokenBody(BaseModel):
    token: str = Field(max_length=200, description="The token of the invitation link (after ?token=).")


class AcceptBody(InvitationAccept):
    token: str = Field(max_length=200, description="The token of the invitation link (after ?token=).")


@router.get("", response_model=list[InvitationRead], responses=AUTHENTICATED,
            summary="Your organization's invitations, newest first (admins)")
def list_invitations(actor: CurrentActor, pending: bool = False,
                     limit: Annotated[int, Query(ge=1, le=500)] = 200) -> list[InvitationRead]:
    with db_session() as s, transaction(s):
        return invitations.list_invitations(s, actor, now=utcnow(), pending_only=pending, limit=limit)


@router.post("", response_model=InvitationSent, status_code=status.HTTP_201_CREATED, responses={**AUTHENTICATED, **errors(409)},
             summary="Invite a person by email with roles and plants (the link is mailed through the outbox)")
def invite(body: InvitationCreate, actor: CurrentActor) -> InvitationSent:
    with db_session() as s, transaction(s):
        return invitations.invite(s, actor, body, now=utcnow())


@router.post("/{invitation_id}/resend", response_model=InvitationSent, responses={**AUTHENTICATED, **errors(409)},
             summary="Mail a new link (the old one stops working) with a new expiry")
def resend(invitation_id: int, body: ResendBody, actor: CurrentActor) -> InvitationSent:
    with db_session() as s, transaction(s):
        return invitations.resend(s, actor, invitation_id, now=utcnow(), valid_days=body.valid_days)


@router.post("/{invitation_id}/revoke", response_model=InvitationRead, responses={**AUTHENTICATED, **errors(409)},
             summary="Revoke an invitation: its link stops working")
def revoke(invitation_id: int, actor: CurrentActor) -> InvitationRead:
    with db_session() as s, transaction(s):
        return invitations.revoke(s, actor, invitation_id, now=utcnow())


@router.post("/preview", response_model=InvitationPreview, responses=errors(401, 422),
             summary="The invitation behind a link's token: organization, address, roles, expiry (no log-in)")
def preview(body: TokenBody) -> InvitationPreview:
    with db_session() as s, transaction(s):
        return invitations.preview(s, body.token, now=utcnow())


@router.post("/accept", response_model=TokenRead, responses=errors(401, 403, 409, 422),
             summary="Accept an invitation: choose username, name and password; answers a bearer token")
def accept(body: AcceptBody, ip: ClientIP) -> TokenRead:
    now = utcnow()
    with db_session() as s, transaction(s):
        result = invitations.accept(s, body.token, InvitationAccept(username=body.username, full_name=body.full_name,
                                                                    password=body.password), now=now, ip=ip, client="api")
        if not isinstance(result, auth.LoginResult):          # auth.login refuses API clients that must enrol first
            raise Forbidden("Your role requires two-factor log-in: accept the invitation in the browser.")
    return TokenRead(access_token=result.token, expires_at=result.expires_at,
                     expires_in=int((result.expires_at - now).total_seconds()), user_id=result.user_id,
                     username=result.username)

