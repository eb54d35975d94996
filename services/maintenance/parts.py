"""Spare parts with stock per plant and storage location, and labour on tickets.

    create_part / list_parts                    organization-wide parts list (code unique per organization)
    receive(...)                                a receipt into a location (with its unit cost)
    issue_to_ticket(...)                        parts used on a ticket, out of a location
    set_minimum(...)                            the minimum stock of a part at a location
    stock(...) / reorder_list(...)              stock per location; what is below its minimum
    add_labour(...) / ticket_costs(...)         who worked on a ticket from when to when, at what rate
    update_labour / delete_labour               one's own entries (worked or booked by the actor)
    issued_parts(session, actor, ticket_id)     the parts issued to a ticket
    issuable_stock(session, actor, ticket_id)   the stock that can be issued to it (at its plant, on hand)

Invariants: stock never goes below zero (an issue of more than is there is refused); every stock change is
one `stock_move` row (receipts +, issues -) and the `part_stock` row is their sum; a ticket's parts cost is
its issues at the unit cost they were issued at, labour cost hours x rate; MAINTAIN at the plant for every
change, VIEW to read; parts and labour may be booked on a done ticket, never on a cancelled one;
another plant's stock does not exist for people without access to it.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.base import pk
from models.maintenance import MaintenanceLabour, MaintenanceTicket, PartStock, SparePart, StockMove
from models.user import User
from services.core.access import Actor, Permission, require
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import CODE_RE, check
from services.maintenance.common import ENTITY, readable_ticket, require_maintain, scoped_ticket
from services.master.common import announce, decimal_problem, stamp_new, text_problem, to_decimal, visible_plant

STOCK_COLUMNS = [("code", t("Part")), ("name", t("Name")), ("location", t("Location")), ("quantity", t("Quantity")),
                 ("min_quantity", t("Minimum"))]                            # the export of stock and the reorder list


class PartCreate(BaseModel):
    code: str
    name: str
    unit: str = "pc"
    unit_cost: Decimal = Decimal("0")


class PartRead(BaseModel):
    id: int
    code: str
    name: str
    unit: str
    unit_cost: Decimal
    is_active: bool
    on_hand: int = 0               # its stock summed over the locations of the plants read (all visible, or one)


class StockRead(BaseModel):
    part_id: int
    code: str
    name: str
    plant_id: int
    location: str
    quantity: int
    min_quantity: int
    below_minimum: bool


class LabourRead(BaseModel):
    id: int
    ticket_id: int
    user_id: int
    username: str = ""
    started_at: datetime
    ended_at: datetime
    hours: Decimal
    hourly_rate: Decimal
    cost: Decimal
    note: str
    created_by: int | None = None
    own: bool = False              # worked or booked by the reader: theirs to correct or delete (update_labour)


class IssuedPart(BaseModel):
    """A part issued to a ticket (a stock move of kind "issue"), shown positive."""
    id: int
    part_code: str
    part_name: str
    location: str
    quantity: int
    unit_cost: Decimal
    cost: Decimal
    at: datetime


class TicketCosts(BaseModel):
    parts: Decimal
    labour: Decimal
    hours: Decimal
    total: Decimal


def create_part(session: Session, actor: Actor, data: PartCreate, *, now: datetime) -> PartRead:
    require(actor, Permission.MAINTAIN)
    problems: dict[str, str] = {}
    code = (data.code or "").strip()
    if not code or len(code) > 32 or not CODE_RE.match(code):
        problems["code"] = t("Use up to 32 letters, digits, '.', '-' or '_'.")
    if p := text_problem(data.name, max_length=200):
        problems["name"] = p
    if p := decimal_problem(data.unit_cost, places=4, max_digits=12, minimum=Decimal("0")):
        problems["unit_cost"] = p
    check(problems)
    if session.exec(select(SparePart.id).where(SparePart.organization_id == actor.organization_id,
                                               SparePart.code == code)).first() is not None:
        raise Invalid(fields={"code": t("This code is used already.")})
    part = stamp_new(SparePart(organization_id=actor.organization_id, code=code, name=data.name.strip(),
                               unit=(data.unit or "pc").strip()[:16], unit_cost=to_decimal(data.unit_cost, 4)),
                     actor, now)
    session.add(part)
    session.flush()
    announce(session, actor, "spare_part", part.id, "create", {"code": code, "name": part.name}, now=now)
    return PartRead.model_validate(part.model_dump())


def list_parts(session: Session, actor: Actor, *, plant_id: int | None = None) -> list[PartRead]:
    """Every part of the organization with its stock on hand at `plant_id`, or at every plant the actor sees."""
    require(actor, Permission.VIEW)
    rows = session.exec(select(SparePart).where(SparePart.organization_id == actor.organization_id)
                        .order_by(SparePart.code)).all()
    on_hand = dict(session.exec(select(PartStock.part_id, func.sum(PartStock.quantity)).where(
        PartStock.organization_id == actor.organization_id, col(PartStock.plant_id).in_(_plants(actor, plant_id)))
        .group_by(col(PartStock.part_id))).all())
    return [PartRead.model_validate({**r.model_dump(), "on_hand": int(on_hand.get(pk(r)) or 0)}) for r in rows]


def _plants(actor: Actor, plant_id: int | None) -> list[int]:
    return [p for p in ([plant_id] if plant_id else actor.plant_ids) if p in actor.plant_ids] or [-1]


def _part(session: Session, actor: Actor, part_id: int) -> SparePart:
    return get_scoped(session, actor, SparePart, part_id, t("Spare part"))


def _stock_row(session: Session, actor: Actor, part: SparePart, plant_id: int, location: str) -> PartStock:
    location = (location or "").strip()
    if not location or len(location) > 64:
        raise Invalid(fields={"location": t("Name the storage location (up to 64 characters).")})
    query = select(PartStock).where(PartStock.part_id == part.id, PartStock.plant_id == plant_id,
                                    PartStock.location == location)
    row = session.exec(query.with_for_update()).first()
    if row is None:
        row = PartStock(organization_id=actor.organization_id, plant_id=plant_id, part_id=pk(part), location=location)
        session.add(row)
        session.flush()
    return row


def _move(session: Session, actor: Actor, row: PartStock, kind: str, quantity: int, unit_cost: Decimal, *,
          ticket_id: int | None = None, note: str = "", now: datetime) -> StockMove:
    row.quantity += quantity
    row.updated_at = now
    session.add(row)
    move = StockMove(organization_id=actor.organization_id, plant_id=row.plant_id, part_id=row.part_id,
                     location=row.location, kind=kind, quantity=quantity, unit_cost=unit_cost, ticket_id=ticket_id,
                     note=(note or "")[:500], user_id=actor.user_id, at=now)
    session.add(move)
    session.flush()
    announce(session, actor, "stock_move", move.id, kind,
             {"part_id": row.part_id, "location": row.location, "quantity": quantity, "ticket_id": ticket_id},
             now=now, plant_id=row.plant_id, event=f"stock.{kind}",
             payload={"part_id": row.part_id, "quantity": quantity, "ticket_id": ticket_id})
    return move


def receive(session: Session, actor: Actor, part_id: int, plant_id: int, location: str, quantity: int, *,
            unit_cost: Decimal | None = None, note: str = "", now: datetime) -> StockRead:
    plant = visible_plant(session, actor, plant_id)
    require_maintain(actor, pk(plant))
    part = _part(session, actor, part_id)
    if not isinstance(quantity, int) or quantity < 1:
        raise Invalid(fields={"quantity": t("Receive at least 1.")})
    cost = part.unit_cost if unit_cost is None else unit_cost
    if p := decimal_problem(cost, places=4, max_digits=12, minimum=Decimal("0")):
        raise Invalid(fields={"unit_cost": p})
    row = _stock_row(session, actor, part, pk(plant), location)
    _move(session, actor, row, "receipt", quantity, to_decimal(cost, 4), note=note, now=now)
    return _stock_read(part, row)


def issue_to_ticket(session: Session, actor: Actor, ticket_id: int, part_id: int, location: str, quantity: int, *,
                    now: datetime) -> StockRead:
    ticket = scoped_ticket(session, actor, ticket_id)
    require_maintain(actor, ticket.plant_id)
    if ticket.is_cancelled:
        raise Conflict(t("{number} is cancelled.", number=ticket.number))
    part = _part(session, actor, part_id)
    if not isinstance(quantity, int) or quantity < 1:
        raise Invalid(fields={"quantity": t("Issue at least 1.")})
    row = _stock_row(session, actor, part, ticket.plant_id, location)
    if row.quantity < quantity:
        raise Conflict(t("Only {quantity} {unit} of {code} at {location}.", quantity=row.quantity, unit=part.unit,
                           code=part.code, location=row.location))
    _move(session, actor, row, "issue", -quantity, part.unit_cost, ticket_id=ticket.id, now=now)
    announce(session, actor, ENTITY, ticket.id, "parts", {"part_id": part.id, "quantity": quantity}, now=now,
             plant_id=ticket.plant_id, event="maintenance_ticket.parts_issued")
    return _stock_read(part, row)


def set_minimum(session: Session, actor: Actor, part_id: int, plant_id: int, location: str, min_quantity: int, *,
                now: datetime) -> StockRead:
    plant = visible_plant(session, actor, plant_id)
    require_maintain(actor, pk(plant))
    part = _part(session, actor, part_id)
    if not isinstance(min_quantity, int) or min_quantity < 0:
        raise Invalid(fields={"min_quantity": t("Use 0 or more.")})
    row = _stock_row(session, actor, part, pk(plant), location)
    before, row.min_quantity = row.min_quantity, min_quantity
    session.add(row)
    announce(session, actor, "part_stock", row.id, "update", {"min_quantity": {"before": before, "after": min_quantity}},
             now=now, plant_id=plant.id)
    return _stock_read(part, row)


def _stock_read(part: SparePart, row: PartStock) -> StockRead:
    return StockRead(part_id=part.id, code=part.code, name=part.name, plant_id=row.plant_id, location=row.location,
                     quantity=row.quantity, min_quantity=row.min_quantity,
                     below_minimum=row.quantity < row.min_quantity)


def stock(session: Session, actor: Actor, *, plant_id: int | None = None, below_minimum: bool = False) -> list[StockRead]:
    require(actor, Permission.VIEW)
    query = select(SparePart, PartStock).join(PartStock, col(PartStock.part_id) == col(SparePart.id)).where(
        PartStock.organization_id == actor.organization_id, col(PartStock.plant_id).in_(_plants(actor, plant_id)))
    if below_minimum:
        query = query.where(PartStock.quantity < PartStock.min_quantity)
    rows = session.exec(query.order_by(col(PartStock.plant_id), col(SparePart.code), col(PartStock.location))).all()
    return [_stock_read(part, row) for part, row in rows]


def issuable_stock(session: Session, actor: Actor, ticket_id: int) -> list[StockRead]:
    """What can be issued to a ticket: the stock on hand at its plant's locations; none to a cancelled ticket
    (`issue_to_ticket` refuses it)."""
    require(actor, Permission.VIEW)
    ticket = scoped_ticket(session, actor, ticket_id)
    if ticket.is_cancelled:
        return []
    return [s for s in stock(session, actor, plant_id=ticket.plant_id) if s.quantity > 0]


def reorder_list(session: Session, actor: Actor, *, plant_id: int | None = None) -> list[StockRead]:
    return stock(session, actor, plant_id=plant_id, below_minimum=True)


# ---- labour --------------------------------------------------------------------------------------

LONGEST_LABOUR = timedelta(days=366)      # "at most a year", whatever the date (a leap year has 366 days)


def _labour_problems(session: Session, actor: Actor, who: int | None, started_at: datetime, ended_at: datetime,
                     hourly_rate: Decimal, note: str) -> User:
    user = session.get(User, who) if who else None
    problems: dict[str, str] = {}
    if user is None or user.organization_id != actor.organization_id:
        problems["user_id"] = t("Choose a person of your organization.")
    if started_at.tzinfo is None or ended_at.tzinfo is None or ended_at <= started_at:
        problems["ended_at"] = t("The end must be after the start.")
    elif ended_at - started_at > LONGEST_LABOUR:
        problems["ended_at"] = t("At most a year.")
    if p := decimal_problem(hourly_rate, places=2, max_digits=10, minimum=Decimal("0")):
        problems["hourly_rate"] = p
    if p := text_problem(note, max_length=500, required=False):
        problems["note"] = p
    check(problems)
    assert user is not None                          # check() refused a missing user above
    return user


def _hours(started_at: datetime, ended_at: datetime) -> Decimal:
    return to_decimal(Decimal((ended_at - started_at).total_seconds()) / Decimal(3600), 2)


def add_labour(session: Session, actor: Actor, ticket_id: int, *, user_id: int | None, started_at: datetime,
               ended_at: datetime, hourly_rate: Decimal = Decimal("0"), note: str = "",
               now: datetime) -> LabourRead:
    ticket = scoped_ticket(session, actor, ticket_id)
    require_maintain(actor, ticket.plant_id)
    user = _labour_problems(session, actor, user_id if user_id is not None else actor.user_id, started_at, ended_at,
                            hourly_rate, note)
    hours = _hours(started_at, ended_at)
    row = MaintenanceLabour(organization_id=actor.organization_id, ticket_id=pk(ticket), user_id=pk(user),
                            started_at=started_at, ended_at=ended_at, hours=hours,
                            hourly_rate=to_decimal(hourly_rate, 2), note=(note or "").strip(),
                            created_by=actor.user_id, created_at=now)
    session.add(row)
    session.flush()
    announce(session, actor, ENTITY, ticket.id, "labour", {"labour_id": row.id, "user_id": user.id, "hours": str(hours)},
             now=now, plant_id=ticket.plant_id, event="maintenance_ticket.labour_added")
    return _labour_read(actor, row, user.username)


def _is_own(actor: Actor, row: MaintenanceLabour) -> bool:
    return actor.user_id is not None and actor.user_id in (row.user_id, row.created_by)


def _own_labour(session: Session, actor: Actor, labour_id: int) -> tuple[MaintenanceLabour, MaintenanceTicket]:
    """A labour entry the actor may change: their own (worked or booked by them), on a ticket they may work."""
    row = session.get(MaintenanceLabour, labour_id)
    if row is None or row.organization_id != actor.organization_id:
        raise NotFound(t("Labour entry not found."))
    ticket = scoped_ticket(session, actor, row.ticket_id, what=t("Labour entry"))
    require_maintain(actor, ticket.plant_id)
    if not _is_own(actor, row):
        raise Forbidden(t("Only your own labour entries can be changed."))
    return row, ticket


def update_labour(session: Session, actor: Actor, labour_id: int, *, started_at: datetime, ended_at: datetime,
                  note: str = "", now: datetime) -> LabourRead:
    """Correct the times and note of one's own labour entry (the person and the rate stay)."""
    row, ticket = _own_labour(session, actor, labour_id)
    user = _labour_problems(session, actor, row.user_id, started_at, ended_at, row.hourly_rate, note)
    before = {"started_at": row.started_at.isoformat(), "ended_at": row.ended_at.isoformat(), "note": row.note}
    row.started_at, row.ended_at, row.note = started_at, ended_at, (note or "").strip()
    row.hours = _hours(started_at, ended_at)
    session.add(row)
    after = {"started_at": started_at.isoformat(), "ended_at": ended_at.isoformat(), "note": row.note}
    announce(session, actor, ENTITY, ticket.id, "labour_update",
             {"labour_id": row.id, **{k: {"before": before[k], "after": v} for k, v in after.items() if before[k] != v}},
             now=now, plant_id=ticket.plant_id, event="maintenance_ticket.labour_changed")
    return _labour_read(actor, row, user.username)


def delete_labour(session: Session, actor: Actor, labour_id: int, *, now: datetime) -> None:
    row, ticket = _own_labour(session, actor, labour_id)
    announce(session, actor, ENTITY, ticket.id, "labour_delete",
             {"labour_id": row.id, "user_id": row.user_id, "hours": str(row.hours)}, now=now, plant_id=ticket.plant_id,
             event="maintenance_ticket.labour_deleted")
    session.delete(row)
    session.flush()


def issued_parts(session: Session, actor: Actor, ticket_id: int) -> list[IssuedPart]:
    readable_ticket(session, actor, ticket_id)
    rows = session.exec(select(StockMove, SparePart).join(SparePart, col(SparePart.id) == col(StockMove.part_id))
                        .where(StockMove.ticket_id == ticket_id).order_by(col(StockMove.at), col(StockMove.id))).all()
    return [IssuedPart(id=pk(m), part_code=p.code, part_name=p.name, location=m.location, quantity=-m.quantity,
                       unit_cost=m.unit_cost, cost=(-m.quantity * m.unit_cost).quantize(Decimal("0.01")), at=m.at)
            for m, p in rows]


def _labour_read(actor: Actor, row: MaintenanceLabour, username: str) -> LabourRead:
    return LabourRead(id=row.id, ticket_id=row.ticket_id, user_id=row.user_id, username=username,
                      started_at=row.started_at, ended_at=row.ended_at, hours=row.hours, hourly_rate=row.hourly_rate,
                      cost=(row.hours * row.hourly_rate).quantize(Decimal("0.01")), note=row.note,
                      created_by=row.created_by, own=_is_own(actor, row))


def labour(session: Session, actor: Actor, ticket_id: int) -> list[LabourRead]:
    readable_ticket(session, actor, ticket_id)
    rows = session.exec(select(MaintenanceLabour, col(User.username))
                        .join(User, col(User.id) == col(MaintenanceLabour.user_id))
                        .where(col(MaintenanceLabour.ticket_id) == ticket_id)
                        .order_by(col(MaintenanceLabour.started_at))).all()
    return [_labour_read(actor, r, name) for r, name in rows]


def ticket_costs(session: Session, actor: Actor, ticket_id: int) -> TicketCosts:
    readable_ticket(session, actor, ticket_id)
    parts = session.exec(select(func.coalesce(func.sum(-StockMove.quantity * StockMove.unit_cost), 0)).where(
        StockMove.ticket_id == ticket_id)).one()
    rows = session.exec(select(col(MaintenanceLabour.hours), col(MaintenanceLabour.hourly_rate)).where(
        MaintenanceLabour.ticket_id == ticket_id)).all()
    hours = sum((h for h, _ in rows), Decimal("0"))
    lab = sum((h * r for h, r in rows), Decimal("0")).quantize(Decimal("0.01"))
    parts = Decimal(str(parts)).quantize(Decimal("0.01"))
    return TicketCosts(parts=parts, labour=lab, hours=hours, total=parts + lab)
