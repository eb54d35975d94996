"""WS /live/stream: live tiles of the dashboard, the andon board and SPC as small JSON deltas
(services/kpi/live_channel.py), for assets/takt_live.js and for any other screen.

The token goes in the handshake, as for the ingest stream ("Authorization: Bearer" header, or ?token=):
a person's session token or a display token. An unknown, expired or revoked token is refused before
the socket opens (close 1008); so is a token that loses its validity while connected (re-checked every
TOKEN_RECHECK_SECONDS, with every subscription's access).

Messages, all JSON text:
- client: {"type": "subscribe", "id": "<any>", "kind": "dashboard" | "andon" | "spc", "params": {...}}
  (dashboard: plant_id, department_id, machine_id, shift_id, period, start_day, end_day; andon: plant_id,
  optional for a display token; spc: characteristic_id); {"type": "unsubscribe", "id": "<the same>"}.
- server: {"type": "snapshot", "id", "scope", "seq", "tiles": {...}} once per subscription, then
  {"type": "delta", "scope", "seq", "tiles": {only what changed}} after the events that change it;
  {"type": "refused", "id", "status", "error": {"code", "message", "fields"}} when the services refuse
  a subscription (another organization's or plant's view is 404; nothing is subscribed then).
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from models.base import utcnow
from rxapp.api.deps import actor_for_token, websocket_token
from rxapp.api.errors import status_for
from rxapp.api.schemas import error_body
from services.core import formats, tenancy
from services.core.access import Actor
from services.core.db import db_session, transaction
from services.core.errors import DomainError
from services.core.events import DomainEvent, bus
from services.core.languages import deployment_language, person_language, use_language
from services.kpi import live_tiles
from services.kpi.live import Scope
from services.kpi.live_channel import Channel, encode
from services.kpi.live_tiles import AtOnce, Reading, Tiles
from services.org import languages, settings
from services.quality import spc_tiles  # noqa: F401  (registers the live kind "spc")

router = APIRouter(tags=["live"])
TOKEN_RECHECK_SECONDS = 30.0
POLICY_VIOLATION = 1008
MAX_SUBSCRIPTIONS = 16                 # per connection: a page has one or two live views


def read_tiles(scope: Scope) -> Reading:
    """One reading of a scope's tiles in a unit of work of its own (the channel runs it in a thread), in the
    scope's language and its organization's number format (services/core/formats.py writes the figures); what an
    event changes at once is written in them too."""
    language = scope.language or None
    with use_language(language), db_session() as session, transaction(session):
        tenancy.bind(session, scope.organization_id)
        number_format = settings.number_format_of(session, scope.organization_id)
        with formats.use_number_format(number_format):
            found = live_tiles.reading(session, scope, now=utcnow())
    if found.at_once is None:
        return found
    return Reading(found.tiles, _formatted(found.at_once, language, number_format))


def _formatted(at_once: AtOnce, language: str | None, number_format: str | None) -> AtOnce:
    def apply(tiles: Tiles, event: DomainEvent) -> Tiles:
        with use_language(language), formats.use_number_format(number_format):
            return at_once(tiles, event)
    return apply


channel = Channel(read=read_tiles, bus=bus)
channel.hub.prefixes = live_tiles.event_prefixes()          # the SPC kind's inspection events too
channel.hub.affects.update({kind: live_tiles.affects(kind) for kind in live_tiles.kinds()})


def scope_for(actor: Actor, kind: str, params: Any, now: datetime, *, language: bool = True) -> Scope:
    """The access-checked scope in the subscriber's language (their own, their organization's, the connection's
    Accept-Language): subscribers in different languages get different scopes, each read once. Without
    `language` only the access check (the periodic recheck: its scope is not kept, so no language read)."""
    with db_session() as session, transaction(session):
        tenancy.bind(session, actor.organization_id)
        scope = live_tiles.subscribe_scope(session, actor, kind, params, now=now)
        if not language:
            return scope
        served = languages.language_of(session, actor, person_language())
    return dataclasses.replace(scope, language="" if served == deployment_language() else served)


class _Socket:
    """A subscriber: one connection, its sends one at a time."""

    def __init__(self, websocket: WebSocket):
        self.websocket = websocket
        self._lock = asyncio.Lock()

    async def send(self, text: str) -> None:
        async with self._lock:
            await self.websocket.send_text(text)


@router.websocket("/live/stream")
async def live_stream(websocket: WebSocket) -> None:
    token = websocket_token(websocket)
    try:
        actor = await run_in_threadpool(actor_for_token, token)
    except DomainError as error:
        await websocket.close(code=POLICY_VIOLATION, reason=error.message[:120])
        return
    await websocket.accept()
    socket = _Socket(websocket)
    subscriptions: dict[str, tuple[Scope, str, Any]] = {}      # id -> (scope, kind, params)
    try:
        while True:
            try:
                message = await asyncio.wait_for(websocket.receive(), TOKEN_RECHECK_SECONDS)
            except TimeoutError:
                try:
                    actor = await run_in_threadpool(actor_for_token, token)
                except DomainError as error:
                    await websocket.close(code=POLICY_VIOLATION, reason=error.message[:120])
                    return
                await _recheck(actor, socket, subscriptions)
                continue
            if message["type"] == "websocket.disconnect":
                return
            await _answer(actor, socket, subscriptions, message.get("text") or message.get("bytes") or b"")
    except WebSocketDisconnect:
        return
    finally:
        channel.drop(socket)


async def _answer(actor: Actor, socket: _Socket, subscriptions: dict, raw: str | bytes) -> None:
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or body.get("type") not in ("subscribe", "unsubscribe"):
        await socket.send(encode({"type": "error", "message": 'Send {"type": "subscribe", ...} or '
                                                             '{"type": "unsubscribe", "id": ...}.'}))
        return
    sub_id = str(body.get("id", ""))
    if body["type"] == "unsubscribe":
        found = subscriptions.pop(sub_id, None)
        if found is not None:
            _unsubscribe(socket, subscriptions, found[0])
        return
    if sub_id not in subscriptions and len(subscriptions) >= MAX_SUBSCRIPTIONS:
        await socket.send(encode({"type": "refused", "id": sub_id, "status": 429, **error_body(
            "too_many", f"At most {MAX_SUBSCRIPTIONS} live views per connection.")}))
        return
    kind, params = str(body.get("kind", "")), body.get("params") or {}
    try:
        scope = await run_in_threadpool(scope_for, actor, kind, params, utcnow())
    except DomainError as error:
        await socket.send(encode({"type": "refused", "id": sub_id, "status": status_for(error),
                                  **error_body(error.code, error.message, error.fields)}))
        return
    previous = subscriptions.get(sub_id)
    subscriptions[sub_id] = (scope, kind, params)
    if previous is not None and previous[0] != scope:
        _unsubscribe(socket, subscriptions, previous[0])
    tiles, seq = await channel.subscribe(scope, socket)
    await socket.send(encode({"type": "snapshot", "id": sub_id, "scope": scope.token, "seq": seq, "tiles": tiles}))


def _unsubscribe(socket: _Socket, subscriptions: dict, scope: Scope) -> None:
    if all(found[0] != scope for found in subscriptions.values()):      # another id of this socket may watch it
        channel.unsubscribe(scope, socket)


async def _recheck(actor: Actor, socket: _Socket, subscriptions: dict) -> None:
    """The token is still valid: is each view still the actor's to read (plants and roles change)?"""
    for sub_id, (scope, kind, params) in list(subscriptions.items()):
        try:
            await run_in_threadpool(scope_for, actor, kind, params, utcnow(), language=False)
        except DomainError as error:
            del subscriptions[sub_id]
            _unsubscribe(socket, subscriptions, scope)
            await socket.send(encode({"type": "refused", "id": sub_id, "status": status_for(error),
                                      **error_body(error.code, error.message, error.fields)}))
