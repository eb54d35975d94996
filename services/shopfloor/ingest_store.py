"""What an ingest batch reads and writes in bulk (services/shopfloor/ingest.py drives it): the batch's
machines, reasons and machine status rows, the locks, the client ids already stored, and the insert of its
production events.

Invariants: reads are scoped to the actor's organization and plants (machines outside them do not exist);
one lock per machine for the whole batch, in id order (PostgreSQL: its row; SQLite: the database's write
lock taken before the first read); a batch that read its machines' status rows before taking the locks
(PostgreSQL, counts and states only) checks under the locks that no column but updated_at changed meanwhile
(a machine with counts only: its job), nor the status of the jobs it read (unchanged_since raises StaleStatus
otherwise: the batch is done again, locks first); a deadlock on the locks or the insert is a ClientIdRace (a concurrent batch with the same
client ids); the insert goes through the columns' own bind processors, COPY with ids
from the sequence on PostgreSQL (multi-row INSERT when row-level security holds the role: COPY FROM is refused
then), multi-row INSERT .. ON CONFLICT DO NOTHING RETURNING on SQLite; a client id
stored meanwhile by a concurrent batch raises ClientIdRace (the batch is retried against what is stored).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from models.base import pk, table_of
from models.orders import Operation
from models.resources import Machine, MachineState, MachineStatus, ReasonCode, ReasonKind
from models.shopfloor import EventKind, ProductionEvent
from services.core.access import Actor
from services.core.messages import t
from services.shopfloor.ingest_events import ParsedEvent, Rejected, error_result

__all__ = ["EVENT_COLUMNS", "ClientIdRace", "EventRow", "StaleStatus", "StatusSnapshot", "insert", "lock_machines",
           "machine_key", "machines_of", "reasons_of", "snapshot", "statuses_of", "stored_client_ids", "unchanged_since",
           "write_lock_sqlite"]

EVENT_COLUMNS = ("organization_id", "plant_id", "machine_id", "operation_id", "user_id", "api_token_id", "kind",
                 "quantity_good", "quantity_scrap", "reason_code_id", "note", "client_id", "occurred_at",
                 "recorded_at")


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


class ClientIdRace(Exception):
    pass


class StaleStatus(Exception):
    """A machine's status (or its job's) changed between the batch's unlocked read and its locks."""


_STATUS_COLUMNS = ("state", "since", "operation_id", "reason_code_id", "open_downtime_event_id")
StatusSnapshot = tuple[dict[int, tuple | None], dict[int, str]]   # machine -> status columns (None: no row), job -> status


def machine_key(event: ParsedEvent) -> tuple[str, Any]:
    return ("id", event.machine_id) if event.machine_id is not None else ("code", event.machine_code)


def machines_of(session: Session, actor: Actor, parsed: list[ParsedEvent], results: list) -> dict[tuple, Machine]:
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
        key = machine_key(e)
        if key not in found:
            name = "machine_id" if key[0] == "id" else "machine"
            results[e.index] = error_result(e.index, e.client_id, Rejected(
                {name: t("No such active machine in this token's plant.")}, t("Unknown machine.")))
    return found


def reasons_of(session: Session, actor: Actor, live: list[ParsedEvent], results: list) -> dict[int, ReasonCode]:
    """The reasons the batch names, checked for kind (scrap for counts, downtime for stops)."""
    wanted = [e for e in live if e.reason_code is not None or e.reason_code_id is not None]
    if not wanted:
        return {}
    rows = session.exec(select(ReasonCode).where(ReasonCode.organization_id == actor.organization_id,
                                                 ReasonCode.is_active == True)).all()  # noqa: E712
    by_id = {pk(r): r for r in rows}
    by_code = {(r.kind, r.code): r for r in rows}
    for e in wanted:
        kind = ReasonKind.SCRAP if e.type == "count" else ReasonKind.DOWNTIME
        if e.type not in ("count", "state") or (e.type == "count" and not e.scrap) \
                or (e.type == "state" and e.state not in ("down", "planned_stop")):
            e.reason_code_id = None           # a reason where none applies is ignored
            continue
        reason = by_id.get(e.reason_code_id) if e.reason_code_id is not None \
            else by_code.get((kind, e.reason_code or ""))
        name = "reason_code_id" if e.reason_code_id is not None else "reason"
        problem = None
        if reason is None or reason.kind != kind:
            problem = t("Not an active {kind} reason code of this organization.", kind=kind.value)
        elif e.type == "state" and reason.planned != (e.state == "planned_stop"):
            problem = (t("A planned stop needs a planned reason.") if e.state == "planned_stop"
                       else t("This reason is a planned stop: send state planned_stop."))
        if problem or reason is None:
            results[e.index] = error_result(e.index, e.client_id, Rejected({name: problem or ""}, t("Unknown reason.")))
        else:
            e.reason_code_id = pk(reason)
    return by_id


def write_lock_sqlite(session: Session) -> None:
    """SQLite: take the database's write lock (waited for) before the first read, so that the batch
    never has to upgrade a read snapshot another writer has moved past (an immediate 'locked')."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite" and driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_machines(session: Session, machine_ids: list[int]) -> None:
    """One lock per machine for the whole batch, in id order (no deadlock between batches that lock first;
    one that inserted first and waits here for a batch whose insert waits for its client ids: ClientIdRace);
    SQLite holds its one write lock already (write_lock_sqlite)."""
    if session.connection().dialect.name == "sqlite":
        return
    try:
        session.exec(select(col(Machine.id)).where(col(Machine.id).in_(machine_ids)).order_by(col(Machine.id))
                     .with_for_update(key_share=True)).all()
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == DEADLOCK:
            raise ClientIdRace() from error
        raise


def snapshot(statuses: dict[int, MachineStatus], jobs: dict[int, Any]) -> StatusSnapshot:
    """What the batch read of its machines' status rows (None: not stored yet) and of the jobs it read, to compare
    under the locks (unchanged_since)."""
    rows = {machine_id: None if inspect(status).pending else tuple(getattr(status, c) for c in _STATUS_COLUMNS)
            for machine_id, status in statuses.items()}
    return rows, {op_id: op.status for op_id, op in jobs.items() if op is not None}


def unchanged_since(session: Session, seen: StatusSnapshot, *, counts_only: set[int]) -> list[int]:
    """Under the machines' locks: the status rows and jobs are still as read (else StaleStatus); of a machine
    with counts only in the batch, its job (what its counts are recorded for) is. Reads columns without flushing
    the batch's own changes to the status objects. Returns the machines whose status moved on otherwise (their
    status objects are to be read again)."""
    rows, jobs = seen
    table = table_of(MachineStatus)
    job_at = _STATUS_COLUMNS.index("operation_id")
    with session.no_autoflush:
        now = {row[0]: tuple(row[1:]) for row in session.execute(
            select(table.c.machine_id, *(table.c[c] for c in _STATUS_COLUMNS))
            .where(table.c.machine_id.in_(list(rows)))).all()}
        moved = [machine_id for machine_id, before in rows.items() if now.get(machine_id) != before]
        for machine_id in moved:
            before, after = rows[machine_id], now.get(machine_id)
            if machine_id not in counts_only or before is None or after is None or after[job_at] != before[job_at]:
                raise StaleStatus()
        if jobs and dict(session.execute(select(col(Operation.id), col(Operation.status))
                                         .where(col(Operation.id).in_(list(jobs)))).all()) != jobs:
            raise StaleStatus()
    return moved


def stored_client_ids(session: Session, actor: Actor, client_ids: list[str]) -> set[str]:
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


def statuses_of(session: Session, by_id: dict[int, Machine], first_at: dict[int, datetime]) -> dict[int, MachineStatus]:
    """The machines' status rows, fresh after the lock; a machine without one starts idle at its first event."""
    query = select(MachineStatus).where(col(MachineStatus.machine_id).in_(by_id)).execution_options(
        populate_existing=True)
    statuses = {s.machine_id: s for s in session.exec(query).all()}
    for machine_id, m in by_id.items():
        if machine_id not in statuses:
            statuses[machine_id] = MachineStatus(machine_id=pk(m), organization_id=m.organization_id,
                                                 plant_id=m.plant_id, state=MachineState.IDLE,
                                                 since=first_at[machine_id], updated_at=first_at[machine_id])
            session.add(statuses[machine_id])
    return statuses


UNIQUE_VIOLATION = "23505"
DEADLOCK = "40P01"
ROWS_PER_INSERT = 500
_ROW_SECURITY = "takt.production_event_row_security"


def _row_security_active(connection: Any) -> bool:
    """Whether row-level security holds this connection's role on production_event (migration 0044_rls; not for
    a superuser or BYPASSRLS role): PostgreSQL refuses COPY FROM then. Asked once per pooled connection."""
    info = connection.info
    if _ROW_SECURITY not in info:
        info[_ROW_SECURITY] = bool(connection.exec_driver_sql("SELECT row_security_active('production_event')").scalar())
    return info[_ROW_SECURITY]


def _insert_postgresql(driver, names: str, values: list[tuple]) -> list[tuple[int, str]]:
    """Ids drawn from the table's sequence, then one COPY straight into production_event (the client ids
    were checked under the machine locks; a unique violation means a concurrent batch: ClientIdRace)."""
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
            if getattr(error, "sqlstate", None) in (UNIQUE_VIOLATION, DEADLOCK):
                raise ClientIdRace() from error
            raise
    return [(event_id, row[client_at]) for event_id, row in zip(ids, values, strict=True)]


def insert(session: Session, rows: list[dict]) -> dict[str, int]:
    """The batch's events, values through the columns' own bind processors: on PostgreSQL by COPY with
    ids drawn from the sequence, on SQLite (and on PostgreSQL for a role held by row-level security, where COPY
    FROM is refused) as multi-row INSERT .. ON CONFLICT DO NOTHING RETURNING (500 rows a statement). A row
    refused for its client id means a concurrent batch stored that id."""
    if not rows:
        return {}
    connection = session.connection()
    dialect = connection.dialect
    table = table_of(ProductionEvent)
    columns = []
    for name in EVENT_COLUMNS:
        process = table.c[name].type._cached_bind_processor(dialect)
        columns.append([process(r[name]) for r in rows] if process else [r[name] for r in rows])
    names = ", ".join(EVENT_COLUMNS)
    tail = "ON CONFLICT (organization_id, client_id) DO NOTHING RETURNING id, client_id"
    if dialect.name == "postgresql" and not _row_security_active(connection):
        result = _insert_postgresql(connection.connection.driver_connection, names, list(zip(*columns, strict=True)))
    else:
        mark = "?" if dialect.name == "sqlite" else "%s"
        result, values = [], list(zip(*columns, strict=True))
        for start in range(0, len(values), ROWS_PER_INSERT):
            chunk = values[start:start + ROWS_PER_INSERT]
            marks = ", ".join(["(" + ", ".join([mark] * len(EVENT_COLUMNS)) + ")"] * len(chunk))
            try:
                result += connection.exec_driver_sql(f"INSERT INTO production_event ({names}) VALUES {marks} {tail}",
                                                     tuple(v for row in chunk for v in row)).all()
            except DBAPIError as error:           # two batches inserting the same client ids in another order
                if getattr(error.orig, "sqlstate", None) == DEADLOCK:
                    raise ClientIdRace() from error
                raise
    ids = {client_id: event_id for event_id, client_id in result}
    if len(ids) != len(rows):
        raise ClientIdRace()
    return ids
