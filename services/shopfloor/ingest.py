"""Machine data ingest: batches of counts, machine state changes and job starts/completions sent by
a machine gateway with a plant-scoped machine API token (Permission.INGEST).

`ingest_batch(session, actor, events, *, now=None) -> IngestResult` takes a list of event dicts:

    {"client_id": "gw1-000123", "machine": "CNC-01",        # or "machine_id": 12 (the token's plant)
     "type": "count", "good": 5, "scrap": 1, "reason": "DIM",  # scrap needs a scrap reason
     "occurred_at": "2026-03-02T08:00:00Z"}                  # optional: default now
    {"type": "state", "state": "running" | "idle" | "down" | "planned_stop", "reason": "BREAKDOWN", ...}
    {"type": "job_start", "work_order": "WO-000012", "operation": 10, ...}    # operation: its sequence
    {"type": "job_complete", ...}                            # default: the machine's current job

A reason is given by code ("reason") or id ("reason_code_id"); down needs an unplanned downtime
reason, planned_stop a planned one.

Invariants (the same event semantics as services/shopfloor/operator.py, written set-based):
- each event is answered at its index: `accepted` (with the id of the ProductionEvent it
  appended), `duplicate` (its client id is already stored in this
  organization, or repeated in the batch: nothing is recorded again) or `error` (field and message).
  A bad event never stops the good ones of the same batch;
- counts append one COUNT event each for the machine's current job (none: no job) and add to the
  job's and its work order's quantities; each state event appends one DOWNTIME_STARTED (down,
  planned_stop) or DOWNTIME_ENDED (running, idle), whatever the machine's state: the KPI rollups pair
  them by time (an end closes the open stop, a second start closes the first, an end without an
  open stop is ignored), so batches arriving out of order or twice give the same stops. The
  machine's state now (MachineStatus) follows an event unless it is older than that state (sent
  late: history only); job_start/job_complete run the operator rules of services/shopfloor/action_rules.py;
  stops, counts and work orders change through the machine-state engine (machine_state.py), as an
  operator's do;
- one batch takes one lock per machine (PostgreSQL: its row, in id order; SQLite: the write lock)
  before reading state and stored client ids, inserts its events in one go (PostgreSQL: COPY with
  ids from the sequence; SQLite: multi-row INSERT .. ON CONFLICT DO NOTHING RETURNING; a client id
  stored by a concurrent batch for another machine makes the batch retry once against what is now
  stored), adds counts to jobs and work orders in one UPDATE
  each, calls services.kpi.rollups.apply once, writes one audit entry (per machine: what it did) and
  records after commit, per machine: one `ingest.accepted` (counts), one aggregated
  `count.reported`, and one `downtime.started`/`downtime.ended`/`job.started`/`job.completed` per
  event that changed the machine's state now (payloads as services/shopfloor/operator.py's);
- the event time is checked like an operator's (at most 5 minutes ahead, clamped; at most 7 days
  old); machines outside the token's plant, and other organizations' rows, do not exist.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from models.base import utcnow
from models.orders import Operation, WorkOrder, WorkStatus
from models.resources import (
    Machine,
    MachineState,
    MachineStatus,
    ReasonCode,
    ReasonKind,
)
from models.shopfloor import EventKind, ProductionEvent
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, DomainError, Invalid
from services.core.events import DomainEvent, record
from services.kpi import rollups
from services.shopfloor import machine_state
from services.shopfloor.action_rules import (
    APPLY,
    ActionContext,
    ActionType,
    ShopfloorAction,
)
from services.shopfloor.ingest_limits import IngestLimits
from services.shopfloor.operator import event_time
from services.trace import output_lots

__all__ = ["EventError", "EventResult", "IngestResult", "LIMITS", "ingest_batch"]

LIMITS = IngestLimits.from_env()
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,61}$")
PENDING_ID = -1                         # open downtime whose event is inserted at the end of the batch
STATES = ("running", "idle", "down", "planned_stop")
TYPES = ("count", "state", "job_start", "job_complete")
EVENT_COLUMNS = ("organization_id", "plant_id", "machine_id", "operation_id", "user_id", "api_token_id", "kind",
                 "quantity_good", "quantity_scrap", "reason_code_id", "note", "client_id", "occurred_at",
                 "recorded_at")
MAX_ATTEMPTS = 2


class EventRow(NamedTuple):
    """A ProductionEvent just inserted, as services.kpi.rollups.apply reads it (attributes only: building
    ORM objects for thousands of rows per batch cost more than the insert itself; a NamedTuple is
    built ~10x faster than a frozen dataclass, which sets each field through object.__setattr__)."""
    id: int
    organization_id: int
    plant_id: int
    machine_id: int
    operation_id: int | None
    user_id: int | None
    api_token_id: int | None
    kind: EventKind
    quantity_good: int
    quantity_scrap: int
    reason_code_id: int | None
    note: str
    client_id: str
    occurred_at: datetime
    recorded_at: datetime


class EventError(BaseModel):
    field: str
    message: str


class EventResult(BaseModel):
    index: int
    client_id: str | None
    status: str                          # accepted | duplicate | error
    event_ids: list[int] = Field(default_factory=list)   # accepted: the id of the ProductionEvent it appended
    message: str = ""
    errors: list[EventError] = Field(default_factory=list)


class IngestResult(BaseModel):
    accepted: int
    duplicates: int
    rejected: int
    results: list[EventResult]


# ----- parsing: one event dict -> _Event or per-field errors (no database) --------------------

@dataclass
class _Event:
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


class _Rejected(Exception):
    def __init__(self, problems: dict[str, str], message: str = "This event is not valid."):
        super().__init__(message)
        self.problems, self.message = problems, message


def _int(raw: dict, name: str, problems: dict[str, str], *, default: int | None = 0) -> int | None:
    value = raw.get(name, default)
    if value is None:
        return None
    if type(value) is not int:
        problems[name] = "A whole number."
        return default
    return value


def _parse(index: int, raw: Any, now: datetime) -> _Event:
    if not isinstance(raw, dict):
        raise _Rejected({"event": "Each event is a JSON object."})
    problems: dict[str, str] = {}
    client_id = raw.get("client_id")
    if not isinstance(client_id, str) or not CLIENT_ID_RE.match(client_id):
        problems["client_id"] = "Required: 1 to 62 letters, digits, dot, dash, colon or underscore."
    kind = raw.get("type")
    if kind not in TYPES:
        problems["type"] = f"One of: {', '.join(TYPES)}."
    code, machine_id = raw.get("machine"), raw.get("machine_id")
    if machine_id is not None and type(machine_id) is not int:
        problems["machine_id"] = "A machine id (a whole number)."
    elif code is not None and (not isinstance(code, str) or not code.strip()):
        problems["machine"] = "A machine code, e.g. CNC-01."
    elif code is None and machine_id is None:
        problems["machine"] = "Required: the machine's code (or machine_id)."
    at = now
    occurred = raw.get("occurred_at")
    if occurred is not None:
        try:
            parsed = datetime.fromisoformat(occurred) if isinstance(occurred, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            problems["occurred_at"] = "An ISO 8601 time with its zone, e.g. 2026-03-02T08:00:00Z."
        else:
            try:
                at = event_time(parsed, now)
            except Invalid as error:
                problems.update(error.fields)
    event = _Event(index=index, client_id=client_id if isinstance(client_id, str) else "", type=kind,
                   machine_code=code.strip() if isinstance(code, str) else None,
                   machine_id=machine_id if type(machine_id) is int else None, at=at)
    reason = raw.get("reason")
    if reason is not None and not isinstance(reason, str):
        problems["reason"] = "A reason code, e.g. BREAKDOWN."
    event.reason_code = reason if isinstance(reason, str) else None
    event.reason_code_id = _int(raw, "reason_code_id", problems, default=None)
    if kind == "count":
        good, scrap = raw.get("good") or 0, raw.get("scrap") or 0
        count_problems = machine_state.count_problems(good, scrap)
        problems.update(count_problems)
        event.good = good if "good" not in count_problems else 0
        event.scrap = scrap if "scrap" not in count_problems else 0
        if event.scrap and event.reason_code is None and event.reason_code_id is None:
            problems["reason"] = "Scrap needs a scrap reason code."
    elif kind == "state":
        event.state = raw.get("state")
        if event.state not in STATES:
            problems["state"] = f"One of: {', '.join(STATES)}."
        elif event.state in ("down", "planned_stop") and event.reason_code is None and event.reason_code_id is None:
            problems["reason"] = "A stop needs a downtime reason code."
    elif kind in ("job_start", "job_complete"):
        wo = raw.get("work_order")
        if wo is not None and (not isinstance(wo, str) or not wo.strip()):
            problems["work_order"] = "A work order number, e.g. WO-000012."
        event.work_order = wo.strip() if isinstance(wo, str) else None
        event.operation_sequence = _int(raw, "operation", problems, default=None)
        if kind == "job_start" and event.work_order is None:
            problems["work_order"] = "Required: the work order to start."
    if problems:
        raise _Rejected(problems)
    return event


# ----- the batch ------------------------------------------------------------------------------

@dataclass
class _MachineWork:
    """What one batch does to one machine."""
    machine: Machine
    status: MachineStatus
    events: list[_Event] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)              # ProductionEvent rows to insert, in order
    announce: list[tuple[str, dict]] = field(default_factory=list)  # (client id, payload extras) of state/job events
    pending_downtime: str | None = None                          # client id of a downtime started in this batch
    accepted: int = 0
    duplicates: int = 0
    good: int = 0
    scrap: int = 0
    changes: dict = field(default_factory=dict)


def ingest_batch(session: Session, actor: Actor, events: list[dict], *, now: datetime | None = None) -> IngestResult:
    """Record a gateway's batch: every good event once, every bad one answered with its errors."""
    require(actor, Permission.INGEST)
    if not isinstance(events, list):
        raise Invalid("Send the events as a JSON list.", fields={"events": "A list of events."})
    LIMITS.check_events(len(events))
    now = now or utcnow()
    results: list[EventResult | None] = [None] * len(events)
    parsed: list[_Event] = []
    for index, raw in enumerate(events):
        try:
            parsed.append(_parse(index, raw, now))
        except _Rejected as rejected:
            client_id = raw.get("client_id") if isinstance(raw, dict) else None
            results[index] = _error(index, client_id if isinstance(client_id, str) else None, rejected)
    _write_lock_sqlite(session)
    for attempt in range(MAX_ATTEMPTS):
        try:
            with session.begin_nested():
                attempt_results = list(results)
                _record(session, actor, parsed, attempt_results, now)
            break
        except _ClientIdRace:
            if attempt == MAX_ATTEMPTS - 1:
                raise Conflict("Some of these client ids were stored by another batch at the same moment; "
                               "send the batch again.") from None
    final = [r for r in attempt_results if r is not None]
    return IngestResult(accepted=sum(r.status == "accepted" for r in final),
                        duplicates=sum(r.status == "duplicate" for r in final),
                        rejected=sum(r.status == "error" for r in final), results=final)


class _ClientIdRace(Exception):
    pass


def _record(session: Session, actor: Actor, parsed: list[_Event], results: list[EventResult | None],
            now: datetime) -> None:
    machines = _machines(session, actor, parsed, results)
    live = [e for e in parsed if results[e.index] is None]
    reasons = _reasons(session, actor, live, results)
    live = [e for e in live if results[e.index] is None]
    if not live:
        return
    machine_ids = sorted({machines[_machine_key(e)].id for e in live})
    _lock(session, machine_ids)
    stored = _stored_client_ids(session, actor, [e.client_id for e in live])
    first_at: dict[int, datetime] = {}
    for e in live:
        machine_id = machines[_machine_key(e)].id
        first_at[machine_id] = min(e.at, first_at.get(machine_id, e.at))
    statuses = _statuses(session, {machines[_machine_key(e)].id: machines[_machine_key(e)] for e in live}, first_at)
    work: dict[int, _MachineWork] = {}
    seen: set[str] = set()
    for event in live:
        machine = machines[_machine_key(event)]
        mw = work.get(machine.id) or work.setdefault(machine.id, _MachineWork(machine, statuses[machine.id]))
        if event.client_id in stored or event.client_id in seen:
            results[event.index] = EventResult(index=event.index, client_id=event.client_id, status="duplicate",
                                               message="Already recorded.")
            mw.duplicates += 1
            continue
        seen.add(event.client_id)
        mw.events.append(event)
    ops = _Jobs()
    for mw in work.values():
        mw.events.sort(key=lambda e: (e.at, e.index))
        for event in mw.events:
            try:
                _apply(session, actor, mw, event, reasons, ops, now)
            except DomainError as error:
                results[event.index] = _error(event.index, event.client_id,
                                              _Rejected(error.fields or {"event": error.message}, error.message))
            except _Rejected as rejected:
                results[event.index] = _error(event.index, event.client_id, rejected)
    ops.settle(session, actor, now)
    machine_state.refresh_work_orders(session, actor, (wo_id for wo_id, _, _ in ops.totals.values()), now=now)
    output_lots.sync(session, actor, _produced(work))      # good parts of last steps -> lots, as an operator's
    ids = _insert(session, [row for mw in work.values() for row in mw.rows])
    inserted = []
    for mw in work.values():
        for row in mw.rows:
            row["id"] = ids[row["client_id"]]
        inserted.extend(mw.rows)
        if mw.pending_downtime is not None and mw.status.open_downtime_event_id == PENDING_ID:
            mw.status.open_downtime_event_id = ids[mw.pending_downtime]
        mw.status.updated_at = now
        session.add(mw.status)
        for event in mw.events:
            if results[event.index] is None:
                own = [ids[event.client_id]] if event.client_id in ids else []
                results[event.index] = EventResult.model_construct(   # our own values: no validation per event
                    index=event.index, client_id=event.client_id, status="accepted", event_ids=own, message="",
                    errors=[])
                mw.accepted += 1
    if inserted:
        rollups.apply(session, [EventRow(**row) for row in inserted])
    for mw in work.values():
        _announce(session, actor, mw, ops, now)
    _audit(session, actor, work, now)


def _produced(work: dict[int, _MachineWork]) -> dict[int, datetime]:
    """The jobs the batch counted or completed, with the time of their last such event."""
    jobs: dict[int, datetime] = {}
    for mw in work.values():
        for row in mw.rows:
            if row["operation_id"] is not None and row["kind"] in output_lots.KINDS:
                jobs[row["operation_id"]] = max(row["occurred_at"], jobs.get(row["operation_id"], row["occurred_at"]))
    return jobs


def _error(index: int, client_id: str | None, rejected: _Rejected) -> EventResult:
    return EventResult(index=index, client_id=client_id, status="error", message=rejected.message,
                       errors=[EventError(field=k, message=v) for k, v in rejected.problems.items()])


def _machine_key(event: _Event) -> tuple[str, Any]:
    return ("id", event.machine_id) if event.machine_id is not None else ("code", event.machine_code)


def _machines(session: Session, actor: Actor, parsed: list[_Event], results: list) -> dict[tuple, Machine]:
    """The batch's machines by code or id, among the active machines of the token's plants."""
    codes = {e.machine_code for e in parsed if e.machine_id is None}
    ids = {e.machine_id for e in parsed if e.machine_id is not None}
    query = select(Machine).where(Machine.organization_id == actor.organization_id,
                                  col(Machine.plant_id).in_(actor.plant_ids), Machine.is_active == True)  # noqa: E712
    found: dict[tuple, Machine] = {}
    if codes:
        for m in session.exec(query.where(col(Machine.code).in_(codes))).all():
            found[("code", m.code)] = m
    if ids:
        for m in session.exec(query.where(col(Machine.id).in_(ids))).all():
            found[("id", m.id)] = m
    for e in parsed:
        key = _machine_key(e)
        if key not in found:
            name = "machine_id" if key[0] == "id" else "machine"
            results[e.index] = _error(e.index, e.client_id, _Rejected(
                {name: "No such active machine in this token's plant."}, "Unknown machine."))
    return found


def _reasons(session: Session, actor: Actor, live: list[_Event], results: list) -> dict[int, ReasonCode]:
    """The reasons the batch names, checked for kind (scrap for counts, downtime for stops)."""
    wanted = [e for e in live if e.reason_code is not None or e.reason_code_id is not None]
    if not wanted:
        return {}
    rows = session.exec(select(ReasonCode).where(ReasonCode.organization_id == actor.organization_id,
                                                 ReasonCode.is_active == True)).all()  # noqa: E712
    by_id = {r.id: r for r in rows}
    by_code = {(r.kind, r.code): r for r in rows}
    for e in wanted:
        kind = ReasonKind.SCRAP if e.type == "count" else ReasonKind.DOWNTIME
        if e.type not in ("count", "state") or (e.type == "count" and not e.scrap) \
                or (e.type == "state" and e.state not in ("down", "planned_stop")):
            e.reason_code_id = None           # a reason where none applies is ignored
            continue
        reason = by_id.get(e.reason_code_id) if e.reason_code_id is not None else by_code.get((kind, e.reason_code))
        name = "reason_code_id" if e.reason_code_id is not None else "reason"
        problem = None
        if reason is None or reason.kind != kind:
            problem = f"Not an active {kind.value} reason code of this organization."
        elif e.type == "state" and reason.planned != (e.state == "planned_stop"):
            problem = ("A planned stop needs a planned reason." if e.state == "planned_stop"
                       else "This reason is a planned stop: send state planned_stop.")
        if problem:
            results[e.index] = _error(e.index, e.client_id, _Rejected({name: problem}, "Unknown reason."))
        else:
            e.reason_code_id = reason.id
    return by_id


def _write_lock_sqlite(session: Session) -> None:
    """SQLite: take the database's write lock (waited for) before the first read, so that the batch
    never has to upgrade a read snapshot another writer has moved past (an immediate 'locked')."""
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _lock(session: Session, machine_ids: list[int]) -> None:
    """One lock per machine for the whole batch, in id order (no deadlock between batches); SQLite
    holds its one write lock already (_write_lock_sqlite)."""
    if session.connection().dialect.name == "sqlite":
        return
    session.exec(select(Machine.id).where(col(Machine.id).in_(machine_ids)).order_by(Machine.id)
                 .with_for_update(key_share=True)).all()


def _stored_client_ids(session: Session, actor: Actor, client_ids: list[str]) -> set[str]:
    """The batch's client ids already stored in the organization: on PostgreSQL one join of the ids as
    an array (one parameter: prepared once whatever the batch size; `= ANY(array)` instead gets a
    generic plan that scans the table), on SQLite IN lists."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return {client_id for (client_id,) in connection.exec_driver_sql(
            "SELECT e.client_id FROM unnest(%(ids)s::varchar[]) AS c(id) JOIN production_event e "
            "ON e.organization_id = %(org)s AND e.client_id = c.id",
            {"ids": client_ids, "org": actor.organization_id}).all()}
    stored: set[str] = set()
    for start in range(0, len(client_ids), 1000):
        chunk = client_ids[start:start + 1000]
        stored.update(session.exec(select(ProductionEvent.client_id).where(
            ProductionEvent.organization_id == actor.organization_id, col(ProductionEvent.client_id).in_(chunk))).all())
    return stored


def _statuses(session: Session, by_id: dict[int, Machine], first_at: dict[int, datetime]) -> dict[int, MachineStatus]:
    """The machines' status rows, fresh after the lock; a machine without one starts idle at its first event."""
    query = select(MachineStatus).where(col(MachineStatus.machine_id).in_(by_id)).execution_options(
        populate_existing=True)
    statuses = {s.machine_id: s for s in session.exec(query).all()}
    for machine_id, m in by_id.items():
        if machine_id not in statuses:
            statuses[machine_id] = MachineStatus(machine_id=m.id, organization_id=m.organization_id,
                                                 plant_id=m.plant_id, state=MachineState.IDLE,
                                                 since=first_at[machine_id], updated_at=first_at[machine_id])
            session.add(statuses[machine_id])
    return statuses


# ----- applying one event to its machine (in memory; rows are inserted at the end) ------------

def _apply(session: Session, actor: Actor, mw: _MachineWork, event: _Event, reasons: dict[int, ReasonCode],
           ops: _Jobs, now: datetime) -> None:
    if event.type == "count":
        _count(session, actor, mw, event, ops, now)
    elif event.type == "state":
        _state(session, actor, mw, event, reasons, now)
    else:
        _job(session, actor, mw, event, ops, now)


def _row(actor: Actor, mw: _MachineWork, event: _Event, kind: EventKind, *, operation_id: int | None,
         good: int = 0, scrap: int = 0, reason_code_id: int | None = None, client_id: str | None = None,
         now: datetime) -> dict:
    m = mw.machine
    return {"organization_id": m.organization_id, "plant_id": m.plant_id, "machine_id": m.id,
            "operation_id": operation_id, "user_id": actor.user_id, "api_token_id": actor.api_token_id,
            "kind": kind, "quantity_good": good, "quantity_scrap": scrap, "reason_code_id": reason_code_id,
            "note": "", "client_id": client_id or event.client_id, "occurred_at": event.at, "recorded_at": now}


def _count(session: Session, actor: Actor, mw: _MachineWork, event: _Event, ops: _Jobs,
           now: datetime) -> None:
    op_id = mw.status.operation_id
    if op_id is not None:
        delta = ops.pending.setdefault(op_id, [0, 0])
        delta[0] += event.good
        delta[1] += event.scrap
    mw.rows.append(_row(actor, mw, event, EventKind.COUNT, operation_id=op_id, good=event.good, scrap=event.scrap,
                        reason_code_id=event.reason_code_id if event.scrap else None, now=now))
    mw.good += event.good
    mw.scrap += event.scrap


class _Jobs:
    """The counts of the batch per job (Operation id), added set-based by the machine-state engine."""

    def __init__(self) -> None:
        self.pending: dict[int, list[int]] = {}
        self.totals: dict[int, tuple[int, int, int]] = {}     # job -> (work order id, good, scrap) after adding

    def settle(self, session: Session, actor: Actor, now: datetime) -> None:
        """Add the pending counts to their jobs in one UPDATE (jobs are on locked machines)."""
        if self.pending:
            counts = {op_id: (good, scrap) for op_id, (good, scrap) in self.pending.items()}
            self.totals.update(machine_state.add_counts(session, actor, counts, now=now))
            self.pending.clear()


def _state(session: Session, actor: Actor, mw: _MachineWork, event: _Event, reasons: dict[int, ReasonCode],
           now: datetime) -> None:
    """Every state event is one stop start (down, planned_stop) or end (running, idle); the machine's
    state now follows it unless it is older than that state (late: history only)."""
    status = mw.status
    stop = event.state in ("down", "planned_stop")
    if event.at < status.since:
        mw.rows.append(_row(actor, mw, event, EventKind.DOWNTIME_STARTED if stop else EventKind.DOWNTIME_ENDED,
                            operation_id=None, reason_code_id=event.reason_code_id if stop else None, now=now))
        return
    if stop:
        _start_downtime(actor, mw, event, reasons[event.reason_code_id], now)
    else:
        _end_downtime(session, actor, mw, event, now)


def _start_downtime(actor: Actor, mw: _MachineWork, event: _Event, reason: ReasonCode, now: datetime) -> None:
    """A stop, also when the machine is down already (the KPIs close the first stop at the second)."""
    status = mw.status
    before = status.state
    changed = machine_state.start_downtime(status, reason, at=event.at, changes={})
    status.open_downtime_event_id = PENDING_ID
    mw.pending_downtime = event.client_id
    mw.rows.append(_row(actor, mw, event, EventKind.DOWNTIME_STARTED, operation_id=status.operation_id,
                        reason_code_id=reason.id, now=now))
    if changed:
        mw.announce.append((event.client_id, {"before": before.value}))


def _end_downtime(session: Session, actor: Actor, mw: _MachineWork, event: _Event, now: datetime) -> None:
    """The open stop ends (not down: an end the KPIs will find nothing to close, recorded as history)."""
    status = mw.status
    job, before = status.operation_id, status.state
    reason_id, ended = machine_state.end_downtime(session, status, at=event.at, changes={})
    if ended:
        mw.pending_downtime = None
        mw.announce.append((event.client_id, {"before": before.value}))
    mw.rows.append(_row(actor, mw, event, EventKind.DOWNTIME_ENDED, operation_id=job, reason_code_id=reason_id,
                        now=now))


def _job(session: Session, actor: Actor, mw: _MachineWork, event: _Event, ops: _Jobs,
         now: datetime) -> None:
    """job_start / job_complete through the operator rules, in a savepoint (a refusal changes nothing)."""
    operation_id = _operation_of(session, actor, mw, event)
    ops.settle(session, actor, now)                       # the job's counts so far, before its rules run
    action = ShopfloorAction(type=ActionType.START_JOB if event.type == "job_start" else ActionType.COMPLETE_JOB,
                             client_id=event.client_id, operation_id=operation_id, occurred_at=event.at)
    with session.begin_nested():
        ctx = ActionContext(session, actor, mw.machine, mw.status, action, event.at, now)
        produced = APPLY[action.type](ctx)
        session.flush()
    mw.rows.append({name: getattr(produced, name) for name in EVENT_COLUMNS})
    mw.announce.append((event.client_id, ctx.changes))


def _operation_of(session: Session, actor: Actor, mw: _MachineWork, event: _Event) -> int | None:
    if event.work_order is None:
        if event.operation_sequence is not None:
            raise _Rejected({"work_order": "Name the work order of this operation."})
        return None                                       # job_complete: the machine's current job
    query = (select(Operation).join(WorkOrder, col(WorkOrder.id) == Operation.work_order_id)
             .where(WorkOrder.organization_id == actor.organization_id, WorkOrder.number == event.work_order,
                    Operation.machine_id == mw.machine.id))
    if event.operation_sequence is not None:
        query = query.where(Operation.sequence == event.operation_sequence)
    else:
        query = query.where(col(Operation.status).in_((WorkStatus.RELEASED, WorkStatus.RUNNING, WorkStatus.PAUSED)))
    op = session.exec(query.order_by(Operation.sequence)).first()
    if op is None:
        raise _Rejected({"work_order": f"No job of {event.work_order} is queued on machine {mw.machine.code}."},
                        "Unknown job.")
    return op.id


UNIQUE_VIOLATION = "23505"
SQLITE_ROWS_PER_INSERT = 500


def _insert_postgresql(driver, names: str, values: list[tuple]) -> list[tuple[int, str]]:
    """Ids drawn from the table's sequence, then one COPY straight into production_event (the client ids
    were checked under the machine locks; a unique violation means a concurrent batch: _ClientIdRace)."""
    client_at = EVENT_COLUMNS.index("client_id")
    with driver.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('production_event', 'id')) "
                       "FROM generate_series(1, %s)", (len(values),))
        ids = [row[0] for row in cursor.fetchall()]
        try:
            with cursor.copy(f"COPY production_event (id, {names}) FROM STDIN") as copy:
                for event_id, row in zip(ids, values, strict=True):
                    copy.write_row((event_id, *row))
        except Exception as error:
            if getattr(error, "sqlstate", None) == UNIQUE_VIOLATION:
                raise _ClientIdRace() from error
            raise
    return [(event_id, row[client_at]) for event_id, row in zip(ids, values, strict=True)]


def _insert(session: Session, rows: list[dict]) -> dict[str, int]:
    """The batch's events, values through the columns' own bind processors: on PostgreSQL by COPY with
    ids drawn from the sequence, on SQLite as multi-row INSERT .. ON CONFLICT DO NOTHING RETURNING
    (500 rows a statement). A row refused for its client id means a concurrent batch stored that id."""
    if not rows:
        return {}
    connection = session.connection()
    dialect = connection.dialect
    table = ProductionEvent.__table__
    columns = []
    for name in EVENT_COLUMNS:
        process = table.c[name].type._cached_bind_processor(dialect)
        columns.append([process(r[name]) for r in rows] if process else [r[name] for r in rows])
    names = ", ".join(EVENT_COLUMNS)
    tail = "ON CONFLICT (organization_id, client_id) DO NOTHING RETURNING id, client_id"
    if dialect.name == "postgresql":
        result = _insert_postgresql(connection.connection.driver_connection, names, list(zip(*columns, strict=True)))
    else:
        result, values = [], list(zip(*columns, strict=True))
        for start in range(0, len(values), SQLITE_ROWS_PER_INSERT):
            chunk = values[start:start + SQLITE_ROWS_PER_INSERT]
            marks = ", ".join(["(" + ", ".join("?" * len(EVENT_COLUMNS)) + ")"] * len(chunk))
            result += connection.exec_driver_sql(f"INSERT INTO production_event ({names}) VALUES {marks} {tail}",
                                                 tuple(v for row in chunk for v in row)).all()
    ids = {client_id: event_id for event_id, client_id in result}
    if len(ids) != len(rows):
        raise _ClientIdRace()
    return ids


# ----- after the insert: domain events and audit ---------------------------------------------

def _audit(session: Session, actor: Actor, work: dict[int, _MachineWork], now: datetime) -> None:
    """One audit entry per batch: what it did per machine, with the range of event ids it appended."""
    machines = {mw.machine.code: {
        "machine_id": mw.machine.id, "accepted": mw.accepted, "duplicates": mw.duplicates, "events": len(mw.rows),
        "good": mw.good, "scrap": mw.scrap, "first_event_id": min((r["id"] for r in mw.rows), default=None),
        "last_event_id": max((r["id"] for r in mw.rows), default=None)} for mw in work.values()}
    plants = {mw.machine.plant_id for mw in work.values()}
    audit(session, actor, "api_token", actor.api_token_id, "ingest", {
        "accepted": sum(m["accepted"] for m in machines.values()),
        "duplicates": sum(m["duplicates"] for m in machines.values()),
        "events": sum(m["events"] for m in machines.values()), "machines": machines},
        plant_id=plants.pop() if len(plants) == 1 else None, at=now)


def _announce(session: Session, actor: Actor, mw: _MachineWork, ops: _Jobs, now: datetime) -> None:
    """Per machine: one ingest.accepted, one count.reported for all its counts, one event per state change."""
    m, status = mw.machine, mw.status
    if not mw.rows:
        return
    record(session, DomainEvent("ingest.accepted", m.organization_id, {
        "machine_id": m.id, "machine_code": m.code, "machine_state": status.state.value, "accepted": mw.accepted,
        "duplicates": mw.duplicates, "events": len(mw.rows), "quantity_good": mw.good, "quantity_scrap": mw.scrap},
        plant_id=m.plant_id, at=now))
    counts = [r for r in mw.rows if r["kind"] == EventKind.COUNT]
    if counts:
        last = counts[-1]
        job = ops.totals.get(last["operation_id"])
        machine_state.announce(
            session, EventKind.COUNT, machine=m, status=status, event_id=last["id"], client_id=last["client_id"],
            operation_id=last["operation_id"], occurred_at=last["occurred_at"], at=now,
            work_order_id=job[0] if job else None, quantity_good=sum(r["quantity_good"] for r in counts),
            quantity_scrap=sum(r["quantity_scrap"] for r in counts), operation_quantity_good=job[1] if job else None,
            operation_quantity_scrap=job[2] if job else None, events=len(counts))
    by_client = {r["client_id"]: r for r in mw.rows}
    for client_id, changes in mw.announce:
        row = by_client[client_id]
        machine_state.announce(
            session, row["kind"], machine=m, status=status, event_id=row["id"], client_id=client_id,
            operation_id=row["operation_id"], occurred_at=row["occurred_at"], at=now,
            reason_code_id=row["reason_code_id"], changes=changes)
