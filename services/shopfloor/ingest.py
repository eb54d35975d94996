"""Machine data ingest: batches of counts, machine state changes and job starts/completions sent by
a machine gateway with a plant-scoped machine API token (Permission.INGEST).

`ingest_batch(session, actor, events, *, now) -> IngestResult` takes a list of event dicts:

    {"client_id": "gw1-000123", "machine": "CNC-01",        # or "machine_id": 12 (the token's plant)
     "type": "count", "good": 5, "scrap": 1, "reason": "DIM",  # scrap needs a scrap reason
     "occurred_at": "2026-03-02T08:00:00Z"}                  # optional: default now
    {"type": "state", "state": "running" | "idle" | "down" | "planned_stop", "reason": "BREAKDOWN", ...}
    {"type": "job_start", "work_order": "WO-000012", "operation": 10, ...}    # operation: its sequence
    {"type": "job_complete", ...}                            # default: the machine's current job

A reason is given by code ("reason") or id ("reason_code_id"); down needs an unplanned downtime
reason, planned_stop a planned one. The event's shape is one pydantic model, IngestEvent
(ingest_events.py: the parser and the OpenAPI schema); ingest_store.py reads the batch's context and
inserts its rows; this module applies the events to their machines through machine_state.py.

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
  before reading state and stored client ids; on PostgreSQL a batch of counts and states only first reads,
  applies and inserts its events (and builds its count rollups' statement) without the locks, then takes them
  and checks that its machines' status rows and the jobs it read are unchanged (a machine with counts only:
  its job; its status is read again) or else is done again, locks first (as if it had come after the batch
  that changed them); it writes nothing another batch writes before its locks. It inserts its events in one go (PostgreSQL: COPY with
  ids from the sequence; SQLite: multi-row INSERT .. ON CONFLICT DO NOTHING RETURNING; a client id
  stored by a concurrent batch for another machine makes the batch retry once against what is now
  stored), adds counts to jobs and work orders in one UPDATE
  each, calls services.kpi.rollups_bulk.apply once (PostgreSQL: one SQL statement for all count rollups),
  writes one audit entry (per machine: what it did) and
  records after commit, per machine: one `ingest.accepted` (counts), one aggregated
  `count.reported`, and one `downtime.started`/`downtime.ended`/`job.started`/`job.completed` per
  event that changed the machine's state now (payloads as services/shopfloor/operator.py's);
- the event time is checked like an operator's (at most 5 minutes ahead, clamped; at most 7 days
  old); machines outside the token's plant, and other organizations' rows, do not exist.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from models.base import pk
from models.orders import Operation, WorkOrder, WorkStatus
from models.resources import Machine, MachineStatus, ReasonCode
from models.shopfloor import EventKind
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, DomainError, Invalid
from services.core.events import record
from services.core.messages import t
from services.kpi import rollups_bulk
from services.shopfloor import ingest_store as store
from services.shopfloor import machine_state
from services.shopfloor.action_rules import APPLY, ActionContext, ActionType, ShopfloorAction
from services.shopfloor.events import IngestAccepted
from services.shopfloor.ingest_events import (
    EventError,
    EventResult,
    IngestEvent,
    IngestResult,
    IngestResultSchema,
    ParsedEvent,
    Rejected,
    error_result,
    parse_events,
    plain_text,
    result_json,
)
from services.shopfloor.ingest_limits import IngestLimits
from services.trace import output_lots

__all__ = ["EVENT_COLUMNS", "EventError", "EventResult", "IngestEvent", "IngestResult", "IngestResultSchema", "LIMITS",
           "ingest_batch", "plain_text", "result_json"]

LIMITS = IngestLimits.from_env()
EVENT_COLUMNS = store.EVENT_COLUMNS
PENDING_ID = -1                         # open downtime whose event is inserted at the end of the batch
MAX_ATTEMPTS = 3                        # the first without the locks while it reads and inserts, then twice with them


# ----- the batch ------------------------------------------------------------------------------

@dataclass
class _MachineWork:
    """What one batch does to one machine."""
    machine: Machine
    status: MachineStatus
    events: list[ParsedEvent] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)              # ProductionEvent rows to insert, in order
    announce: list[tuple[str, dict]] = field(default_factory=list)  # (client id, payload extras) of state/job events
    pending_downtime: str | None = None                          # client id of a downtime started in this batch
    accepted: int = 0
    duplicates: int = 0
    good: int = 0
    scrap: int = 0
    changes: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)                 # ProductionEvent columns that are the machine's


def ingest_batch(session: Session, actor: Actor, events: list[dict], *, now: datetime) -> IngestResult:
    """Record a gateway's batch: every good event once, every bad one answered with its errors."""
    require(actor, Permission.INGEST)
    if not isinstance(events, list):
        raise Invalid(t("Send the events as a JSON list."), fields={"events": t("A list of events.")})
    LIMITS.check_events(len(events))
    parsed, results = parse_events(events, now)
    store.write_lock_sqlite(session)
    for attempt in range(MAX_ATTEMPTS):
        try:
            with session.begin_nested():
                attempt_results = list(results)
                _record(session, actor, parsed, attempt_results, now, locks_first=attempt > 0)
            break
        except (store.ClientIdRace, store.StaleStatus):
            if attempt == MAX_ATTEMPTS - 1:
                raise Conflict(t("Some of these client ids were stored by another batch at the same moment; send the "
                                 "batch again.")) from None
    final = [r for r in attempt_results if r is not None]
    return IngestResult(accepted=sum(r.status == "accepted" for r in final),
                        duplicates=sum(r.status == "duplicate" for r in final),
                        rejected=sum(r.status == "error" for r in final), results=final)


def _record(session: Session, actor: Actor, parsed: list[ParsedEvent], results: list[EventResult | None],
            now: datetime, *, locks_first: bool) -> None:
    machines = store.machines_of(session, actor, parsed, results)
    live = [e for e in parsed if results[e.index] is None]
    reasons = store.reasons_of(session, actor, live, results)
    live = [e for e in live if results[e.index] is None]
    if not live:
        return
    locks_first = locks_first or session.get_bind().dialect.name != "postgresql" \
        or any(e.type not in ("count", "state") for e in live)   # job events run the operator rules: they write
    if locks_first:
        work, ops = _decide(session, actor, machines, live, results, reasons, now, locks_first=True)
    else:
        with session.no_autoflush:                      # no row of another batch's is touched before the locks
            work, ops = _decide(session, actor, machines, live, results, reasons, now, locks_first=False)
    _write(session, actor, work, ops, results, now)


def _decide(session: Session, actor: Actor, machines: dict, live: list[ParsedEvent], results: list[EventResult | None],
            reasons: dict[int, ReasonCode], now: datetime, *, locks_first: bool) -> tuple[dict[int, _MachineWork], _Jobs]:
    """Apply the live events to their machines (in memory) and insert them, holding the machines' locks. Locks
    first, or (PostgreSQL, counts and states: nothing here writes a row another batch writes) read, apply and
    insert without the locks, then take them and check that the machines' states and jobs are still as read
    (else StaleStatus: the batch is done again, locks first): the reads, the events and their insert, half of a
    batch's time, then run beside another batch's work instead of queueing behind its locks."""
    key_id = {key: pk(m) for key, m in machines.items()}          # a few machines: each id read once, not per event
    at_machine = [(e, key_id[store.machine_key(e)]) for e in live]
    first_at: dict[int, datetime] = {}
    for e, machine_id in at_machine:
        if machine_id not in first_at or e.at < first_at[machine_id]:
            first_at[machine_id] = e.at
    if locks_first:
        store.lock_machines(session, sorted(first_at))
    stored = store.stored_client_ids(session, actor, [e.client_id for e in live])
    by_id = {key_id[key]: m for key, m in machines.items() if key_id[key] in first_at}
    statuses = store.statuses_of(session, by_id, first_at)
    seen_statuses = store.snapshot(statuses, {})
    work: dict[int, _MachineWork] = {}
    seen: set[str] = set()
    for event, machine_id in at_machine:
        mw = work.get(machine_id)
        if mw is None:
            mw = work[machine_id] = _MachineWork(by_id[machine_id], statuses[machine_id])
        if event.client_id in stored or event.client_id in seen:
            results[event.index] = EventResult(index=event.index, client_id=event.client_id, status="duplicate",
                                               message=t("Already recorded."))
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
                results[event.index] = error_result(event.index, event.client_id,
                                                    Rejected(error.fields or {"event": error.message}, error.message))
            except Rejected as rejected:
                results[event.index] = error_result(event.index, event.client_id, rejected)
    if not locks_first:
        rows = [row for mw in work.values() for row in mw.rows]
        ops.ids = store.insert(session, rows)
        ops.rollups = rollups_bulk.prepare(session, [store.EventRow(id=ops.ids[r["client_id"]], **r) for r in rows])
        store.lock_machines(session, sorted(first_at))
        counts_only = {machine_id for machine_id, mw in work.items() if all(e.type == "count" for e in mw.events)}
        moved = store.unchanged_since(session, (seen_statuses[0], store.snapshot({}, ops.held)[1]),
                                      counts_only=counts_only)
        if moved:                                         # e.g. down meanwhile, the same job: its counts stand
            store.statuses_of(session, {machine_id: by_id[machine_id] for machine_id in moved}, first_at)
    return work, ops


def _write(session: Session, actor: Actor, work: dict[int, _MachineWork], ops: _Jobs,
           results: list[EventResult | None], now: datetime) -> None:
    """Under the machines' locks: the counts to jobs, work orders and lots, the events (unless inserted already),
    the machines' status rows, the rollups, the domain events and the audit entry."""
    ops.settle(session, actor, now)
    machine_state.refresh_work_orders(session, actor, (wo_id for wo_id, _, _ in ops.totals.values()), now=now)
    output_lots.sync(session, actor, _produced(work))      # good parts of last steps -> lots, as an operator's
    ids = ops.ids if ops.ids is not None else store.insert(session, [row for mw in work.values() for row in mw.rows])
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
                results[event.index] = EventResult(index=event.index, client_id=event.client_id, status="accepted",
                                                   event_ids=own)
                mw.accepted += 1
    if inserted:
        rollups_bulk.apply(session, [store.EventRow(**row) for row in inserted], prepared=ops.rollups)
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


# ----- applying one event to its machine (in memory; rows are inserted at the end) ------------

def _apply(session: Session, actor: Actor, mw: _MachineWork, event: ParsedEvent, reasons: dict[int, ReasonCode],
           ops: _Jobs, now: datetime) -> None:
    if event.type == "count":
        _count(session, actor, mw, event, ops, now)
    elif event.type == "state":
        _state(session, actor, mw, event, reasons, ops, now)
    else:
        _job(session, actor, mw, event, ops, now)


def _row(actor: Actor, mw: _MachineWork, event: ParsedEvent, kind: EventKind, *, operation_id: int | None,
         good: int = 0, scrap: int = 0, reason_code_id: int | None = None, client_id: str | None = None,
         now: datetime) -> dict:
    if not mw.columns:                                  # the machine's own columns, read off its row once a batch
        m = mw.machine
        mw.columns = {"organization_id": m.organization_id, "plant_id": m.plant_id, "machine_id": m.id,
                      "user_id": actor.user_id, "api_token_id": actor.api_token_id, "note": "", "recorded_at": now}
    return {**mw.columns, "operation_id": operation_id, "kind": kind, "quantity_good": good, "quantity_scrap": scrap,
            "reason_code_id": reason_code_id, "client_id": client_id or event.client_id, "occurred_at": event.at}


def _count(session: Session, actor: Actor, mw: _MachineWork, event: ParsedEvent, ops: _Jobs,
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
        self.held: dict[int, Operation | None] = {}
        self.ids: dict[str, int] | None = None                # the batch's events, when inserted before the locks
        self.rollups: rollups_bulk.Prepared | None = None     # and their count rollups' statement, built then

    def hold(self, session: Session, op_id: int | None) -> None:
        """Keep the job loaded for the rest of the batch: the session's identity map holds unchanged rows only
        weakly, so without this every stop ending on a machine read its job again (one query per stop)."""
        if op_id is not None and op_id not in self.held:
            self.held[op_id] = session.get(Operation, op_id)

    def settle(self, session: Session, actor: Actor, now: datetime) -> None:
        """Add the pending counts to their jobs in one UPDATE (jobs are on locked machines)."""
        if self.pending:
            counts = {op_id: (good, scrap) for op_id, (good, scrap) in self.pending.items()}
            self.totals.update(machine_state.add_counts(session, actor, counts, now=now))
            self.pending.clear()


def _state(session: Session, actor: Actor, mw: _MachineWork, event: ParsedEvent, reasons: dict[int, ReasonCode],
           ops: _Jobs, now: datetime) -> None:
    """Every state event is one stop start (down, planned_stop) or end (running, idle); the machine's
    state now follows it unless it is older than that state (late: history only)."""
    status = mw.status
    stop = event.state in ("down", "planned_stop")
    if event.at < status.since:
        mw.rows.append(_row(actor, mw, event, EventKind.DOWNTIME_STARTED if stop else EventKind.DOWNTIME_ENDED,
                            operation_id=None, reason_code_id=event.reason_code_id if stop else None, now=now))
        return
    if stop:
        assert event.reason_code_id is not None      # reasons_of refused a stop without one
        _start_downtime(actor, mw, event, reasons[event.reason_code_id], now)
    else:
        ops.hold(session, status.operation_id)
        _end_downtime(session, actor, mw, event, now)


def _start_downtime(actor: Actor, mw: _MachineWork, event: ParsedEvent, reason: ReasonCode, now: datetime) -> None:
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


def _end_downtime(session: Session, actor: Actor, mw: _MachineWork, event: ParsedEvent, now: datetime) -> None:
    """The open stop ends (not down: an end the KPIs will find nothing to close, recorded as history)."""
    status = mw.status
    job, before = status.operation_id, status.state
    reason_id, ended = machine_state.end_downtime(session, status, at=event.at, changes={})
    if ended:
        mw.pending_downtime = None
        mw.announce.append((event.client_id, {"before": before.value}))
    mw.rows.append(_row(actor, mw, event, EventKind.DOWNTIME_ENDED, operation_id=job, reason_code_id=reason_id,
                        now=now))


def _job(session: Session, actor: Actor, mw: _MachineWork, event: ParsedEvent, ops: _Jobs,
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
    mw.rows.append({name: getattr(produced, name) for name in store.EVENT_COLUMNS})
    mw.announce.append((event.client_id, ctx.changes))


def _operation_of(session: Session, actor: Actor, mw: _MachineWork, event: ParsedEvent) -> int | None:
    if event.work_order is None:
        if event.operation_sequence is not None:
            raise Rejected({"work_order": t("Name the work order of this operation.")})
        return None                                       # job_complete: the machine's current job
    query = (select(Operation).join(WorkOrder, col(WorkOrder.id) == Operation.work_order_id)
             .where(WorkOrder.organization_id == actor.organization_id, WorkOrder.number == event.work_order,
                    Operation.machine_id == mw.machine.id))
    if event.operation_sequence is not None:
        query = query.where(Operation.sequence == event.operation_sequence)
    else:
        query = query.where(col(Operation.status).in_((WorkStatus.RELEASED, WorkStatus.RUNNING, WorkStatus.PAUSED)))
    op = session.exec(query.order_by(col(Operation.sequence))).first()
    if op is None:
        raise Rejected({"work_order": t("No job of {work_order} is queued on machine {code}.",
                                        work_order=event.work_order, code=mw.machine.code)},
                        t("Unknown job."))
    return op.id


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
    record(session, IngestAccepted(
        organization_id=m.organization_id, plant_id=m.plant_id, at=now, machine_id=pk(m), machine_code=m.code,
        machine_state=status.state.value, accepted=mw.accepted, duplicates=mw.duplicates, events=len(mw.rows),
        quantity_good=mw.good, quantity_scrap=mw.scrap))
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
