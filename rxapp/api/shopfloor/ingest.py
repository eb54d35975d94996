"""Machine data ingest over REST and a websocket, for gateways with a machine API token (INGEST).

POST /ingest/events    body {"events": [...]} (or a bare list); answers 200 when every event was accepted or
                       a duplicate, 207 when some were refused: each event's result is at its index
                       (services/shopfloor/ingest.py); an event's schema is the service's IngestEvent model.
                       413 beyond the size limits, 429 + Retry-After beyond the
                       in-flight limits, both before anything is recorded.
GET  /ingest/limits    the limits this server enforces, and the batches in work now.
WS   /ingest/stream    for gateways that stream: the token goes in the handshake ("Authorization: Bearer"
                       header, or ?token=); each text message is a batch {"seq": n, "events": [...]} answered
                       by {"type": "result", "seq": n, accepted, duplicates, rejected, results}. Beyond a
                       limit the answer is {"type": "refused", "seq": n, "status": 413|429, "retry_after": s,
                       "message"}; a client that sends again before retry_after has passed is closed with
                       1008 (policy violation). A token revoked while streaming closes the stream (1008).
"""
from __future__ import annotations

import json
import time
from typing import Any

import msgspec
from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from models.base import utcnow
from rxapp.api.deps import CurrentActor, actor_for_token, websocket_token
from rxapp.api.errors import MalformedJson, status_for
from rxapp.api.schemas import AUTHENTICATED, ErrorResponse, error_body, errors
from services.core import metrics, tenancy
from services.core.access import Actor
from services.core.db import db_session, transaction
from services.core.errors import DomainError, Invalid, RateLimited
from services.shopfloor import ingest
from services.shopfloor.ingest import IngestEvent, IngestResult, IngestResultSchema, plain_text
from services.shopfloor.ingest_limits import InFlight

router = APIRouter(tags=["ingest"], responses=AUTHENTICATED)
FLIGHT = InFlight(ingest.LIMITS)
TOKEN_RECHECK_SECONDS = 30
POLICY_VIOLATION = 1008
MESSAGE_TOO_BIG = 1009
_DECODE = msgspec.json.Decoder().decode              # bodies in and answers out through msgspec (C, ~5x json)
_ENCODE = msgspec.json.Encoder(enc_hook=plain_text).encode

EVENT_SCHEMA = IngestEvent.model_json_schema()     # the model the service parses each event with
BATCH_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["events"], "properties": {"events": {"type": "array", "items": EVENT_SCHEMA}}}}}}


@router.get("/ingest/limits", summary="The ingest limits of this server (events and bytes per batch, in-flight "
                                      "batches per token and per worker)")
def limits(actor: CurrentActor) -> dict[str, int]:
    return {**ingest.LIMITS.as_dict(), "in_flight": FLIGHT.total}


@router.post("/ingest/events", response_model=IngestResultSchema, openapi_extra={"requestBody": BATCH_BODY},
             summary="Record a batch of machine events (counts, states, job start/complete), once per client id",
             responses={207: {"model": IngestResultSchema, "description": "Some events were refused: see their results"},
                        413: {"model": ErrorResponse, "description": "The batch is beyond the size limits"},
                        **errors(422, 429)})
async def ingest_events(request: Request, actor: CurrentActor) -> Response:
    declared = request.headers.get("content-length", "")
    if declared.isdigit():
        ingest.LIMITS.check_bytes(int(declared))
    with FLIGHT.slot(_slot_key(actor)):
        body = await _read_capped(request)
        events = _events_of(body)
        result = await run_in_threadpool(_ingest, actor, events)
    return Response(ingest.result_json(result), status_code=207 if result.rejected else 200,
                    media_type="application/json")


@router.websocket("/ingest/stream")
async def ingest_stream(websocket: WebSocket) -> None:
    token = websocket_token(websocket)
    try:
        actor = await run_in_threadpool(actor_for_token, token)
    except DomainError as error:
        await websocket.close(code=POLICY_VIOLATION, reason=error.message[:120])
        return
    await websocket.accept()
    checked, quiet_until = time.monotonic(), 0.0
    while True:
        try:
            message = await websocket.receive()
        except WebSocketDisconnect:
            return
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text") if message.get("text") is not None else message.get("bytes") or b""
        if time.monotonic() < quiet_until:
            await websocket.close(code=POLICY_VIOLATION, reason="Sent again before retry_after had passed.")
            return
        if time.monotonic() - checked > TOKEN_RECHECK_SECONDS:
            try:
                actor = await run_in_threadpool(actor_for_token, token)
            except DomainError as error:
                await websocket.close(code=POLICY_VIOLATION, reason=error.message[:120])
                return
            checked = time.monotonic()
        answer, retry_after = await _stream_batch(actor, raw)
        if retry_after:
            quiet_until = time.monotonic() + retry_after
        await websocket.send_text(answer)


async def _stream_batch(actor: Actor, raw: str | bytes) -> tuple[str, float]:
    """One websocket message: its answer (JSON), and how long the client must now wait (0: not refused)."""
    size = len(raw.encode() if isinstance(raw, str) else raw)
    seq = None
    try:
        ingest.LIMITS.check_bytes(size)
        body = _json(raw)
        seq = body.get("seq") if isinstance(body, dict) else None
        with FLIGHT.slot(_slot_key(actor)):
            result = await run_in_threadpool(_ingest, actor, _events_of(body))
        # {"type": "result", "seq": n, accepted, ...}: the result's own JSON object, opened to put type and seq first
        return (_ENCODE({"type": "result", "seq": seq})[:-1] + b"," + ingest.result_json(result)[1:]).decode(), 0
    except RateLimited as error:
        return _refusal(seq, 429, error.message, error.retry_after_seconds), error.retry_after_seconds
    except DomainError as error:
        status = status_for(error)
        if status == 413:
            retry = ingest.LIMITS.retry_after_seconds
            return _refusal(seq, 413, error.message, retry), retry
        return _ENCODE({"type": "error", "seq": seq, "status": status,
                        **error_body(error.code, error.message, error.fields)}).decode(), 0


def _refusal(seq: Any, status: int, message: str, retry_after: float) -> str:
    return _ENCODE({"type": "refused", "seq": seq, "status": status, "retry_after": retry_after,
                    "message": message}).decode()


def _ingest(actor: Actor, events: list) -> IngestResult:
    with db_session() as s, transaction(s):
        tenancy.bind(s, actor.organization_id)
        result = ingest.ingest_batch(s, actor, events, now=utcnow())
    metrics.count_ingest(result.accepted, result.duplicates, result.rejected)
    return result


def _slot_key(actor: Actor) -> int:
    return actor.api_token_id if actor.api_token_id is not None else -(actor.user_id or 0)


async def _read_capped(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        ingest.LIMITS.check_bytes(size)
        chunks.append(chunk)
    return b"".join(chunks)


def _json(raw: str | bytes) -> Any:
    """msgspec's decoder; what it refuses goes to json.loads for the same answer as before (e.g. 1e400 is inf
    there, an event the model then refuses, not a malformed batch)."""
    try:
        return _DECODE(raw)
    except msgspec.DecodeError:
        pass
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedJson(f"The batch is not valid JSON: {error}.") from None


def _events_of(body: Any) -> list:
    body = _json(body) if isinstance(body, (bytes, str)) else body
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("events"), list):
        return body["events"]
    raise Invalid("Send the batch as {\"events\": [...]}.", fields={"events": "A list of events."})
