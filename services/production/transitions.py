"""Status transition tables for customer orders, work orders and operations (jobs), and the
status history every change writes.

`table(model)` gives the Core table the hot writes (create, release, transitions) write through.

A transition not in its table is refused with `InvalidTransition`, whose message names the
current and the wanted status in words people use.
"""
from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table
from sqlmodel import Session

from models.orders import OrderStatus, StatusChange, WorkStatus
from services.core.access import Actor
from services.core.errors import Conflict
from services.core.messages import Message, in_sentence, render, t

W = WorkStatus
WORK_TRANSITIONS: dict[WorkStatus, frozenset[WorkStatus]] = {
    W.PLANNED: frozenset({W.RELEASED, W.CANCELLED}),
    W.RELEASED: frozenset({W.RUNNING, W.PLANNED, W.CANCELLED}),
    W.RUNNING: frozenset({W.PAUSED, W.DONE}),
    W.PAUSED: frozenset({W.RUNNING, W.DONE, W.CANCELLED}),
    W.DONE: frozenset(),
    W.CANCELLED: frozenset(),
}

O = OrderStatus  # noqa: E741 (a one-letter alias keeps the transition table readable)
ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    O.OPEN: frozenset({O.RELEASED, O.CANCELLED}),
    O.RELEASED: frozenset({O.DONE, O.CANCELLED}),
    O.DONE: frozenset(),
    O.CANCELLED: frozenset(),
}



def table(model) -> Table:
    """The Core table of a SQLModel table class. The hot writes (create, release, transitions) insert and update
    through it on the session's connection: one statement for any number of rows, without the ORM's bulk
    machinery (its per-row bookkeeping costs more CPU than the statement)."""
    return cast(Table, model.__table__)

ORDER_EDITABLE: frozenset[OrderStatus] = frozenset({O.OPEN})     # lines and header change only while open

_LABELS = {   # work and order statuses: inside sentences lower-case English, the labels' translations
    "planned": t("Planned"), "released": t("Released"), "running": t("Running"), "paused": t("Paused"),
    "done": t("Done"), "cancelled": t("Cancelled"), "open": t("Open"),
}


def status_word(value: str) -> Message:
    """A work or order status inside a sentence: lower-case English, the status label's translation."""
    return in_sentence(_LABELS, value)


class InvalidTransition(Conflict):
    code = "invalid_transition"


def allowed(current, wanted, table: dict) -> bool:
    """Whether `table` lets a row in status `current` become `wanted` (what `check_transition` enforces)."""
    return wanted in table[type(wanted)(current)]


def check_transition(entity_label: str, current, wanted, table: dict) -> None:
    current, wanted = type(wanted)(current), wanted
    if wanted not in table[current]:
        allowed = (", ".join(sorted(render(status_word(s)) for s in table[current]))   # in the language served
                   or t("nothing (it is final)"))
        raise InvalidTransition(
            t("{entity_label} is {current} and cannot become {wanted}. From {current} it can become: {allowed}.",
              entity_label=entity_label, current=status_word(current), wanted=status_word(wanted), allowed=allowed),
            fields={"status": t("Not allowed from {current}.", current=status_word(current))})


def transition(session: Session, actor: Actor, row, entity: str, entity_label: str, wanted, table: dict, *,
               now: datetime, reason: str = "") -> None:
    """Move `row.status` to `wanted` through `table`, recording who, when and why."""
    check_transition(entity_label, row.status, wanted, table)
    before = row.status
    row.status = wanted
    row.updated_at, row.updated_by = now, actor.user_id
    session.add(row)
    session.add(StatusChange(organization_id=row.organization_id, entity=entity, entity_id=row.id,
                             from_status=str(getattr(before, "value", before)), to_status=wanted.value,
                             reason=reason[:500], user_id=actor.user_id, at=now))
