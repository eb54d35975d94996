"""Per-request inputs: the client's address, the bearer token, and the actor it stands for.

The actor is resolved in its own short unit of work (it may slide the session's expiry) and is an
immutable value; each route then runs its use case in one `with db_session() as s, transaction(s):`.
Once the actor is known, every unit of work of the request runs for its organization
(services/core/tenancy.py: PostgreSQL's row-level security), and numbers are written in its organization's
number format (services/core/formats.py), as the UI does per event; the token lookup itself runs without it.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security, WebSocket
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer, OAuth2PasswordBearer

from models.base import utcnow
from services.core import formats, tenancy
from services.core.access import Actor
from services.core.db import db_session, transaction
from services.core.errors import Unauthorized
from services.org import auth, settings

TOKEN_URL = "/api/v1/auth/token"

bearer_scheme = HTTPBearer(auto_error=False, scheme_name="bearer",
                           description="A session token from POST /auth/token, or an API token (tkt_...).")
password_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False, scheme_name="password",
                                       description="Log in with username and password (OAuth2 password grant).")


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def bearer_token(request: Request, _bearer: Annotated[object, Security(bearer_scheme)],
                 _password: Annotated[object, Security(password_scheme)]) -> str:
    header = request.headers.get("authorization", "").strip()
    if not header:
        raise Unauthorized("Log in first: send the header 'Authorization: Bearer <token>'.")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send the token as 'Authorization: Bearer <token>'.")
    return token.strip()


def _resolve(token: str) -> Actor:
    with db_session() as s, transaction(s):
        return auth.actor_for_token(s, token, now=utcnow())


def _resolve_with_format(token: str) -> tuple[Actor, str | None]:
    """The actor and its organization's number format (cached per worker: no query once known)."""
    with db_session() as s, transaction(s):
        actor = auth.actor_for_token(s, token, now=utcnow())
        return actor, settings.number_format_of(s, actor.organization_id)


def actor_for_token(token: str) -> Actor:
    """The actor of a token (blocking: a websocket's handshake runs it in a thread); raises Unauthorized."""
    return _resolve(token)


def websocket_token(websocket: WebSocket) -> str:
    """A websocket's token: "Authorization: Bearer" in the handshake, else ?token= (browsers cannot set headers)."""
    header = websocket.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return websocket.query_params.get("token", "")


async def current_actor(token: Annotated[str, Depends(bearer_token)]) -> Actor:
    """Async so that `tenancy.act_for` sets the request's context (a sync dependency runs in a worker thread
    whose context the route never sees); the lookup itself still runs off the event loop."""
    actor, number_format = await run_in_threadpool(_resolve_with_format, token)
    tenancy.act_for(actor.organization_id)
    formats.set_number_format(number_format)     # numbers the request writes (PDFs, messages), as a UI event does
    return actor


BearerToken = Annotated[str, Depends(bearer_token)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
ClientIP = Annotated[str | None, Depends(client_ip)]
