"""Log-in for API clients (JSON, or the OAuth2 password grant as a form; with two-factor log-in on, the
authenticator's code goes with the password as `code`), log-out, password change."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from models.base import utcnow
from rxapp.api.deps import BearerToken, ClientIP, CurrentActor
from rxapp.api.schemas import errors
from services.core.db import db_session, transaction
from services.core.errors import Invalid
from services.org import auth

router = APIRouter(prefix="/auth", tags=["auth"])

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class LoginRequest(BaseModel):
    username: str = ""
    password: str = ""
    code: str | None = Field(default=None, max_length=32,
                             description="With two-factor log-in on: the 6-digit code of your authenticator app, "
                                         "or one of your recovery codes.")


class TokenRead(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    expires_in: int
    user_id: int
    username: str


class PasswordChange(BaseModel):
    current_password: str
    new_password: str


_FORM_SCHEMA = {
    "type": "object",
    "required": ["username", "password"],
    "properties": {
        "grant_type": {"type": "string", "enum": ["password"]},
        "username": {"type": "string"},
        "password": {"type": "string", "format": "password"},
        "code": {"type": "string", "description": "The second factor's code, when two-factor log-in is on."},
        "scope": {"type": "string"},
    },
}
_LOGIN_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": LoginRequest.model_json_schema()},
    "application/x-www-form-urlencoded": {"schema": _FORM_SCHEMA},
}}}


async def login_credentials(request: Request) -> LoginRequest:
    """Read {username, password} from a JSON body or from OAuth2 password-grant form fields."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in FORM_TYPES:
        form = await request.form()
        if form.get("grant_type") not in (None, "", "password"):
            raise Invalid("Only the password grant is supported.", fields={"grant_type": "Use 'password'."})
        data: Any = {k: form.get(k) for k in ("username", "password", "code") if form.get(k) is not None}
    else:
        body = await request.body()
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError as exc:
            raise RequestValidationError([{"type": "json_invalid", "loc": ("body", getattr(exc, "pos", 0)),
                                           "msg": "JSON decode error", "ctx": {"error": getattr(exc, "msg", str(exc))}}]) from exc
    try:
        return LoginRequest.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]) from exc


@router.post("/token", response_model=TokenRead, summary="Log in and get a bearer token",
             openapi_extra=_LOGIN_BODY, responses=errors(400, 401, 422, 429))
def issue_token(credentials: Annotated[LoginRequest, Depends(login_credentials)], ip: ClientIP) -> TokenRead:
    now = utcnow()
    with db_session() as s, transaction(s):
        result = auth.login(s, credentials.username, credentials.password, now=now, ip=ip, client="api",
                            code=credentials.code)
    if not isinstance(result, auth.LoginResult):        # the service asks API clients for the code up front
        raise auth.SecondFactorRequired("Send the code of your authenticator app as 'code'.")
    return TokenRead(access_token=result.token, expires_at=result.expires_at,
                     expires_in=int((result.expires_at - now).total_seconds()),
                     user_id=result.user_id, username=result.username)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="End this session (the token stops working)",
             responses=errors(401, 403))
def logout(actor: CurrentActor, token: BearerToken) -> Response:
    with db_session() as s, transaction(s):
        auth.logout(s, token, now=utcnow())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT,
             summary="Change your own password (your other sessions end)", responses=errors(400, 401, 403, 422))
def change_password(body: PasswordChange, actor: CurrentActor, token: BearerToken) -> Response:
    with db_session() as s, transaction(s):
        auth.change_password(s, actor, body.current_password, body.new_password, now=utcnow(), keep_token=token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
