"""A gateway's ingest event: one pydantic model (`IngestEvent`) that is both the OpenAPI schema of
POST /ingest/events (rxapp/api/shopfloor/ingest.py) and the parser of services/shopfloor/ingest.py, plus
the per-event results: msgspec Structs (one per event, so built and encoded in C: `result_json`), with
pydantic twins (IngestResultSchema) that give the API's OpenAPI schema the same shape and names.

Invariants:
- the model is strict (no coercion: "5" is not a count, true is not an id), so a validated event's
  values are the values sent; unknown keys are ignored;
- rules across fields (a machine by code or id, scrap needs a reason, a stop needs a reason, job_start
  names its work order, the time window of services/shopfloor/operator.event_time, the count rules of
  machine_state.count_problems) run after the model, also on an event the model refused, so every
  problem of an event is named at once;
- a refused event is answered with (field, message) pairs in words a gateway's integrator reads; the
  model's own messages never reach the client;
- a batch whose events are all well-formed is validated in one call (pydantic-core over the list).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, WithJsonSchema

from services.core.errors import Invalid
from services.core.messages import render, t
from services.shopfloor import machine_state
from services.shopfloor.operator import event_time

__all__ = ["EventError", "EventResult", "IngestEvent", "IngestResult", "IngestResultSchema", "ParsedEvent", "Rejected",
           "parse_events", "plain_text", "result_json"]

STATES = ("running", "idle", "down", "planned_stop")
TYPES = ("count", "state", "job_start", "job_complete")
STOPS = ("down", "planned_stop")
CLIENT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,61}$"


class IngestEvent(BaseModel):
    """One machine event as a gateway sends it."""
    model_config = ConfigDict(strict=True, extra="ignore", title="IngestEvent")

    client_id: str = Field(pattern=CLIENT_ID_PATTERN, max_length=62, description=(
        "The gateway's own id for this event; sent again it is answered as a duplicate and recorded once."))
    type: Literal["count", "state", "job_start", "job_complete"]
    machine: str | None = Field(None, pattern=r"\S", description="The machine's code in the token's plant "
                                "(or machine_id).")
    machine_id: int | None = None
    occurred_at: Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})] | None = Field(None, description=(
        "With zone; default now; at most 5 minutes ahead and 7 days old."))
    good: int | None = Field(0, ge=0, le=machine_state.MAX_COUNT)
    scrap: int | None = Field(0, ge=0, le=machine_state.MAX_COUNT)
    state: Literal["running", "idle", "down", "planned_stop"] | None = None
    reason: str | None = Field(None, description="A reason code: scrap reason for counts, downtime reason for "
                               "down (unplanned) and planned_stop (planned).")
    reason_code_id: int | None = None
    work_order: str | None = Field(None, pattern=r"\S", description="job_start (required) / job_complete: the "
                                   "work order number.")
    operation: int | None = Field(None, description="The operation's sequence in its work order.")


MESSAGES = {
    "client_id": t("Required: 1 to 62 letters, digits, dot, dash, colon or underscore."),
    "type": t("One of: {choices}.", choices=", ".join(TYPES)),
    "machine": t("A machine code, e.g. CNC-01."),
    "machine_id": t("A machine id (a whole number)."),
    "occurred_at": t("An ISO 8601 time with its zone, e.g. 2026-03-02T08:00:00Z."),
    "state": t("One of: {choices}.", choices=", ".join(STATES)),
    "reason": t("A reason code, e.g. BREAKDOWN."),
    "work_order": t("A work order number, e.g. WO-000012."),
}
_BATCH = TypeAdapter(list[IngestEvent])


class EventError(msgspec.Struct):
    field: str
    message: str


class EventResult(msgspec.Struct):
    """One event's answer: a msgspec Struct (built in ~0.1 us, encoded by msgspec.json in C), one per event."""
    index: int
    client_id: str | None
    status: str                          # accepted | duplicate | error
    event_ids: list[int] = []            # accepted: the id of the ProductionEvent it appended
    message: str = ""
    errors: list[EventError] = []


class IngestResult(msgspec.Struct):
    accepted: int
    duplicates: int
    rejected: int
    results: list[EventResult]


def plain_text(value: Any) -> str:
    """msgspec's enc_hook: a service Message (a str that remembers its template) is encoded as its text."""
    if isinstance(value, str):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


_ENCODER = msgspec.json.Encoder(enc_hook=plain_text)


def result_json(result: IngestResult) -> bytes:
    """The batch's answer as JSON (the shape of IngestResultSchema), encoded in one C call."""
    return _ENCODER.encode(result)


class EventErrorSchema(BaseModel):
    """The OpenAPI schema of EventError."""
    model_config = ConfigDict(title="EventError")
    field: str
    message: str


class EventResultSchema(BaseModel):
    """The OpenAPI schema of EventResult."""
    model_config = ConfigDict(title="EventResult")
    index: int
    client_id: str | None
    status: str
    event_ids: list[int] = Field(default_factory=list)
    message: str = ""
    errors: list[EventErrorSchema] = Field(default_factory=list)


class IngestResultSchema(BaseModel):
    """The OpenAPI schema of the answer to a batch (IngestResult)."""
    model_config = ConfigDict(title="IngestResult")
    accepted: int
    duplicates: int
    rejected: int
    results: list[EventResultSchema]


@dataclass
class ParsedEvent:
    """A well-formed event, at its index in the batch, its time checked (reasons are resolved later)."""
    index: int
    client_id: str
    type: str
    machine_code: str | None
    machine_id: int | None
    at: datetime
    good: int = 0
    scrap: int = 0
    state: str | None = None
    reason_code: str | None = None
    reason_code_id: int | None = None
    work_order: str | None = None
    operation_sequence: int | None = None


class Rejected(Exception):
    def __init__(self, problems: dict[str, str], message: str | None = None):
        """`problems` and `message` are kept in the language being served (results are data, not errors)."""
        message = render(message or t("This event is not valid."))
        super().__init__(message)
        self.problems, self.message = {name: render(text) for name, text in problems.items()}, message


def error_result(index: int, client_id: str | None, rejected: Rejected) -> EventResult:
    return EventResult(index=index, client_id=client_id, status="error", message=rejected.message,
                       errors=[EventError(field=k, message=v) for k, v in rejected.problems.items()])


def parse_events(events: list[Any], now: datetime) -> tuple[list[ParsedEvent], list[EventResult | None]]:
    """The batch's well-formed events, and its results so far (an error at the index of each refused one)."""
    results: list[EventResult | None] = [None] * len(events)
    try:
        _BATCH.validate_python(events)
        refused: dict[int, dict[str, str]] = {}
    except ValidationError as error:
        refused = _problems_by_index(error, events)
    parsed = []
    for index, raw in enumerate(events):
        problems = refused.get(index, {})
        if not isinstance(raw, dict):
            results[index] = error_result(index, None, Rejected({"event": t("Each event is a JSON object.")}))
            continue
        event = _parse(index, raw, now, problems)
        if problems:
            client_id = raw.get("client_id")
            results[index] = error_result(index, client_id if isinstance(client_id, str) else None, Rejected(problems))
        else:
            parsed.append(event)
    return parsed, results


def _problems_by_index(error: ValidationError, events: list[Any]) -> dict[int, dict[str, str]]:
    refused: dict[int, dict[str, str]] = {}
    for item in error.errors(include_url=False, include_context=False, include_input=False):
        index, name = int(item["loc"][0]), str(item["loc"][1] if len(item["loc"]) > 1 else "event")
        problems = refused.setdefault(index, {})
        if name in ("good", "scrap"):
            raw = events[index]
            problems[name] = machine_state.count_problems(raw.get("good") or 0, raw.get("scrap") or 0).get(
                name, t("A whole number."))
        else:
            problems[name] = MESSAGES.get(name, t("A whole number."))
    return refused


def _parse(index: int, raw: dict, now: datetime, problems: dict[str, str]) -> ParsedEvent:
    """The rules across fields, on the values sent (the strict model changed none of them)."""
    kind: str = raw["type"]                          # the strict model required it
    code, machine_id = raw.get("machine"), raw.get("machine_id")
    if code is None and machine_id is None:
        problems["machine"] = t("Required: the machine's code (or machine_id).")
    at = _time(raw.get("occurred_at"), now, problems)
    event = ParsedEvent(index=index, client_id=raw.get("client_id") or "", type=kind,
                        machine_code=code.strip() if isinstance(code, str) else None,
                        machine_id=machine_id if type(machine_id) is int else None, at=at)
    reason, reason_id = raw.get("reason"), raw.get("reason_code_id")
    event.reason_code = reason if isinstance(reason, str) else None
    event.reason_code_id = reason_id if type(reason_id) is int else None
    no_reason = reason is None and reason_id is None
    if kind == "count":
        event.good, event.scrap = raw.get("good") or 0, raw.get("scrap") or 0
        if "good" not in problems and "scrap" not in problems:
            problems.update(machine_state.count_problems(event.good, event.scrap))
        if event.scrap and no_reason:
            problems.setdefault("reason", t("Scrap needs a scrap reason code."))
    elif kind == "state":
        event.state = raw.get("state")
        if event.state is None:
            problems["state"] = MESSAGES["state"]
        elif event.state in STOPS and no_reason:
            problems.setdefault("reason", t("A stop needs a downtime reason code."))
    elif kind in ("job_start", "job_complete"):
        wo = raw.get("work_order")
        event.work_order = wo.strip() if isinstance(wo, str) else None
        operation = raw.get("operation")
        event.operation_sequence = operation if type(operation) is int else None
        if kind == "job_start" and wo is None:
            problems["work_order"] = t("Required: the work order to start.")
    return event


def _time(occurred: Any, now: datetime, problems: dict[str, str]) -> datetime:
    if occurred is None or "occurred_at" in problems:
        return now
    try:
        parsed = datetime.fromisoformat(occurred)
    except ValueError:
        problems["occurred_at"] = MESSAGES["occurred_at"]
        return now
    try:
        return event_time(parsed, now)
    except Invalid as error:
        problems.update(error.fields)
        return now
