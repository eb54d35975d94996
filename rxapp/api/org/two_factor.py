"""Two-factor log-in over the API: your own authenticator (status, set up, confirm, new recovery codes, turn
off), the organization's policy of roles that must use it, and an admin's reset of a person's second factor
(services/org/two_factor.py). API tokens have no second factor; a person logs in with `code` on /auth/token."""
from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.org import two_factor
from services.org.two_factor import Enrolment, TwoFactorPolicyRead, TwoFactorStatus

router = APIRouter(tags=["two-factor"], responses=AUTHENTICATED)


class CodeBody(BaseModel):
    code: str = Field(max_length=32, description="The 6 digits your authenticator app shows now.")


class PasswordBody(BaseModel):
    password: str = Field(max_length=256)


class RecoveryCodes(BaseModel):
    recovery_codes: list[str] = Field(description="Single-use codes for when the phone is lost: shown this once.")


class PolicyBody(BaseModel):
    required_roles: list[str] = Field(default_factory=list, description="Roles whose people must log in with a second factor.")


@router.get("/me/two-factor", response_model=TwoFactorStatus, summary="Your two-factor log-in: on, required, codes left")
def get_status(actor: CurrentActor) -> TwoFactorStatus:
    with db_session() as s, transaction(s):
        return two_factor.status(s, actor)


@router.post("/me/two-factor/enrolment", response_model=Enrolment, responses=errors(409),
             summary="Start setting up an authenticator app: its secret, otpauth URI and QR code")
def begin_enrolment(actor: CurrentActor) -> Enrolment:
    with db_session() as s, transaction(s):
        return two_factor.begin_enrolment(s, actor, now=utcnow())


@router.post("/me/two-factor/confirm", response_model=RecoveryCodes, responses=errors(409),
             summary="Turn two-factor log-in on with a first code; answers the recovery codes once")
def confirm_enrolment(body: CodeBody, actor: CurrentActor) -> RecoveryCodes:
    with db_session() as s, transaction(s):
        return RecoveryCodes(recovery_codes=two_factor.confirm_enrolment(s, actor, body.code, now=utcnow()))


@router.post("/me/two-factor/recovery-codes", response_model=RecoveryCodes, responses=errors(409),
             summary="New recovery codes (the old ones stop working); needs your password")
def regenerate_recovery_codes(body: PasswordBody, actor: CurrentActor) -> RecoveryCodes:
    with db_session() as s, transaction(s):
        return RecoveryCodes(recovery_codes=two_factor.regenerate_recovery_codes(s, actor, body.password, now=utcnow()))


@router.post("/me/two-factor/disable", status_code=status.HTTP_204_NO_CONTENT,
             summary="Turn two-factor log-in off (not while your role requires it); needs your password")
def disable(body: PasswordBody, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        two_factor.disable(s, actor, body.password, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/two-factor/policy", response_model=TwoFactorPolicyRead, summary="Roles that must use two-factor log-in (admins)")
def get_policy(actor: CurrentActor) -> TwoFactorPolicyRead:
    with db_session() as s, transaction(s):
        return two_factor.get_policy(s, actor)


@router.put("/two-factor/policy", response_model=TwoFactorPolicyRead,
            summary="Set the roles that must use two-factor log-in; their people set it up at their next log-in")
def set_policy(body: PolicyBody, actor: CurrentActor) -> TwoFactorPolicyRead:
    with db_session() as s, transaction(s):
        return two_factor.set_policy(s, actor, body.required_roles, now=utcnow())


@router.post("/users/{user_id}/two-factor/reset", status_code=status.HTTP_204_NO_CONTENT,
             summary="Clear a person's second factor (a lost phone); a required one is set up again at log-in")
def reset_for_user(user_id: int, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        two_factor.reset_for_user(s, actor, user_id, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
