"""Per-request inputs: the client's address, the bearer token, and the actor it stands for.

The actor is resolved inside the request's own unit of work (services/core/db.py, `RequestUnit`): the token
check opens the request's session, runs its one query there (which also binds the transaction to the actor's
organization for PostgreSQL's row-level security, services/core/tenancy.py) and may slide the session's expiry;
the route's first `with db_session() as s, transaction(s):` then continues that same session and transaction,
so a request costs one pool checkout and one commit. The actor is an immutable value. When the route takes no
unit of work the token check's transaction is committed at the end (its slide kept); when the request fails it
is rolled back, and a slide it held is written again on its own (using a session slides it, whatever the
answer). Every other unit of work of the request runs for the actor's organization too, and numbers are written
in its organization's number format (services/core/formats.py), as the UI does per event.
"""
from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, Request, Security, WebSocket
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer, OAuth2PasswordBearer
from sqlalchemy.engine import Engine

from models.base import utcnow
from services.core import db, formats, tenancy
from services.core.access import Actor
from services.core.db import RequestUnit, db_session, transaction
from services.core.errors import Unauthorized
from services.org import auth, settings

TOKEN_URL = "/api/v1/auth/token"

bearer_scheme = HTTPBearer(auto_error=False, scheme_name="bearer",
                           description="A session token from POST /auth/token, or an API token (tkt_...).")
password_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False, scheme_name="password",
                                       description="Log in with username and password (OAuth2 password grant).")


# The header-only dependencies are `async`: FastAPI runs a sync dependency in a worker thread, a hop that costs more
# than reading a header and, under load, waits for a free thread.
async def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


async def bearer_token(request: Request, _bearer: Annotated[object, Security(bearer_scheme)],
                 _password: Annotated[object, Security(password_scheme)]) -> str:
    header = request.headers.get("authorization", "").strip()
    if not header:
        raise Unauthorized("Log in first: send the header 'Authorization: Bearer <token>'.")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send the token as 'Authorization: Bearer <token>'.")
    return token.strip()


def _open_request_unit(token: str) -> tuple[RequestUnit, Actor, str | None]:
    """The request's session with the token checked in it (transaction left open for the route), the actor, and
    its organization's number format (cached per worker: no query once known)."""
    unit = db.open_request_unit()
    try:
        actor = auth.actor_for_token(unit.session, token, now=utcnow(), bind=True)
        return unit, actor, settings.number_format_of(unit.session, actor.organization_id)
    except BaseException:
        unit.close(failed=True)
        raise


def _close_request_unit(unit: RequestUnit, failed: bool) -> None:
    slide = auth.unkept_slide(unit.session) if failed else None
    unit.close(failed=failed)
    if slide is not None:
        with db_session() as s, transaction(s):
            auth.keep_slide(s, slide)


def actor_for_token(token: str) -> Actor:
    """The actor of a token (blocking: a websocket's handshake runs it in a thread); raises Unauthorized."""
    with db_session() as s, transaction(s):
        return auth.actor_for_token(s, token, now=utcnow())


def websocket_token(websocket: WebSocket) -> str:
    """A websocket's token: "Authorization: Bearer" in the handshake, else ?token= (browsers cannot set headers)."""
    header = websocket.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return websocket.query_params.get("token", "")


_unit_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Engine, asyncio.Semaphore]] = \
    weakref.WeakKeyDictionary()


def _unit_slot() -> asyncio.Semaphore:
    """This event loop's limit on requests holding a unit of work (`db.request_unit_limit`). A request takes its
    slot before its token check opens the unit and gives it back when the unit is closed, so a burst of clients
    waits here, on the event loop, instead of in worker threads blocked on an empty pool."""
    loop, engine = asyncio.get_running_loop(), db.get_engine()
    held = _unit_slots.get(loop)
    if held is None or held[0] is not engine:
        held = _unit_slots[loop] = (engine, asyncio.Semaphore(db.request_unit_limit(engine)))
    return held[1]


async def current_actor(token: Annotated[str, Depends(bearer_token)]) -> AsyncIterator[Actor]:
    """Async so that `tenancy.act_for` and `db.adopt` set the request's context (a sync dependency runs in a worker
    thread whose context the route never sees); the lookup and the commit still run off the event loop. Its scope
    is the route function: the unit ends before the answer is sent. The unit holds a pooled connection between
    two worker-thread calls (the check, then the route), so only `db.request_unit_limit` requests hold one at
    once (`_unit_slot`)."""
    async with _unit_slot():
        unit, actor, number_format = await run_in_threadpool(_open_request_unit, token)
        tenancy.act_for(actor.organization_id)
        db.adopt(unit)
        formats.set_number_format(number_format)  # numbers the request writes (PDFs, messages), as a UI event does
        try:
            yield actor
        except BaseException:
            with anyio.CancelScope(shield=True):     # a cancelled request still gives its connection back
                await run_in_threadpool(_close_request_unit, unit, True)
            raise
        if unit.session.in_transaction():           # the token check's own transaction: its commit is I/O
            await run_in_threadpool(_close_request_unit, unit, False)
        else:
            unit.close(failed=False)      # the route's unit of work committed: closing writes nothing, no thread hop


BearerToken = Annotated[str, Depends(bearer_token)]
CurrentActor = Annotated[Actor, Depends(current_actor, scope="function")]
ClientIP = Annotated[str | None, Depends(client_ip)]
