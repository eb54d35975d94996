"""Fetch one row for an actor, or NotFound: rows of another organization, or of a plant the
actor cannot see, do not exist for them. Every service's `_get_*` goes through here."""
from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session

from models.organization import Plant
from services.core.access import Actor
from services.core.errors import NotFound
from services.core.messages import as_message, t

T = TypeVar("T")


def get_scoped(session: Session, actor: Actor, model: type[T], row_id: int | None, what: str, *,
               for_update: bool = False) -> T:
    """The row, or NotFound ("{what} not found.", `what` translated as a message of its own: pass `t("Machine")`)."""
    row = session.get(model, row_id, with_for_update=for_update) if row_id is not None else None
    return in_scope(actor, row, what)


def in_scope(actor: Actor, row: T | None, what: str) -> T:
    """A row the caller has read itself (e.g. read and locked in one query), checked as `get_scoped` checks it."""
    if row is None or getattr(row, "organization_id", None) != actor.organization_id:
        raise NotFound(t("{what} not found.", what=as_message(what)))
    plant_id = getattr(row, "plant_id", None)
    if plant_id is not None and plant_id not in actor.plant_ids:
        raise NotFound(t("{what} not found.", what=as_message(what)))
    if hasattr(row, "department_id") and not actor.sees_department(row.department_id):
        raise NotFound(t("{what} not found.", what=as_message(what)))  # a person bound to departments sees only theirs (NCRs, ...)
    return row


def visible_plant(session: Session, actor: Actor, plant_id: int | None) -> Plant:
    """The plant, when it is of the actor's organization and among their plants; else NotFound."""
    plant = session.get(Plant, plant_id) if plant_id is not None else None
    if plant is None or plant.organization_id != actor.organization_id or plant.id not in actor.plant_ids:
        raise NotFound(t("Plant not found."))
    return plant
