"""The double-entry journal: entries that balance, posted into open periods, reversed rather than edited.

Invariants: posting needs FINANCE (automatic postings from settlements, invoices and production call
`post` with the same checks); an entry has at least two lines, each a debit or a credit of a positive amount
in the entry currency's minor unit, and its debits equal its credits exactly; every account belongs to the
organization and is active; the entry date lies in an open period; a source document is posted at most once
(a unique constraint, so two concurrent postings of one document cannot both land); a posted entry is never
changed: `reverse` posts its mirror image.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.base import pk, row_ids
from models.finance import Account, FiscalPeriod, JournalEntry, JournalLine
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Invalid
from services.core.events import record
from services.core.messages import t
from services.core.numbering import next_number
from services.core.scoping import get_scoped
from services.finance.events import JournalEntryPosted
from services.finance.money import decimal_places, minor_units
from services.finance.periods import open_period_for


class LineInput(BaseModel):
    account_id: int
    debit: Decimal = Decimal("0")
    credit: Decimal = Decimal("0")
    description: str = ""


class EntryCreate(BaseModel):
    entry_date: date
    currency: str
    memo: str = ""
    lines: list[LineInput] = Field(min_length=2)


class LineRead(BaseModel):
    account_id: int
    account_code: str
    account_name: str
    debit: Decimal
    credit: Decimal
    description: str


class EntryRead(BaseModel):
    id: int
    number: str
    entry_date: date
    period_name: str
    currency: str
    memo: str
    source_type: str | None
    source_id: int | None
    reverses_id: int | None
    posted_at: datetime
    lines: list[LineRead]
    total: Decimal


def post(session: Session, actor: Actor, data: EntryCreate, *, now: datetime, source_type: str | None = None,
         source_id: int | None = None, reverses_id: int | None = None) -> EntryRead:
    """Post one balanced entry (see the module's invariants); Invalid names the line or field at fault."""
    require(actor, Permission.FINANCE)
    currency = data.currency.strip().upper()
    accounts = _check_lines(session, actor, data.lines, currency)
    period = open_period_for(session, actor.organization_id, data.entry_date)
    if source_type is not None and _posted_source(session, actor, source_type, source_id) is not None:
        raise Conflict(t("This {source} is already posted.", source=source_type.replace('_', ' ')))
    entry = JournalEntry(organization_id=actor.organization_id, number=next_number(session, actor.organization_id, "JE"),
                         entry_date=data.entry_date, period_id=pk(period), currency=currency, memo=data.memo.strip()[:500],
                         source_type=source_type, source_id=source_id, posted_at=now, posted_by=actor.user_id,
                         reverses_id=reverses_id, created_at=now, updated_at=now, created_by=actor.user_id,
                         updated_by=actor.user_id)
    session.add(entry)
    try:
        session.flush()
    except IntegrityError as exc:          # a concurrent posting of the same source won the race
        if source_type is None or not any(name in str(exc.orig) for name in ("uq_journal_entry_source",
                                                                            "journal_entry.source_id")):
            raise
        raise Conflict(t("This {source} is already posted.", source=source_type.replace('_', ' '))) from exc
    for line in data.lines:
        session.add(JournalLine(organization_id=actor.organization_id, entry_id=pk(entry), account_id=line.account_id,
                                debit=line.debit, credit=line.credit, description=line.description.strip()[:200]))
    session.flush()
    total = sum((line.debit for line in data.lines), Decimal("0"))
    audit(session, actor, "journal_entry", entry.id, "post",
          {"number": entry.number, "date": str(data.entry_date), "total": str(total), "currency": currency}, at=now)
    record(session, JournalEntryPosted(organization_id=actor.organization_id, actor_user_id=actor.user_id, at=now,
                                       journal_entry_id=pk(entry), source_type=source_type, source_id=source_id))
    return _read(entry, data.lines, accounts, period.name)


def reverse(session: Session, actor: Actor, entry_id: int, *, on: date, now: datetime) -> EntryRead:
    """Post the mirror image of an entry on `on` (an open period), debits and credits swapped."""
    require(actor, Permission.FINANCE)
    original = get_scoped(session, actor, JournalEntry, entry_id, t("Journal entry"))
    if session.exec(select(JournalEntry.id).where(JournalEntry.reverses_id == original.id)).first() is not None:
        raise Conflict(t("Entry {number} is already reversed.", number=original.number))
    lines = session.exec(select(JournalLine).where(JournalLine.entry_id == original.id)).all()
    mirror = EntryCreate(entry_date=on, currency=original.currency, memo=f"Reversal of {original.number}",
                         lines=[LineInput(account_id=x.account_id, debit=x.credit, credit=x.debit,
                                          description=x.description) for x in lines])
    return post(session, actor, mirror, now=now, reverses_id=original.id)


def get_entry(session: Session, actor: Actor, entry_id: int) -> EntryRead:
    require(actor, Permission.FINANCE)
    entry = get_scoped(session, actor, JournalEntry, entry_id, t("Journal entry"))
    rows = session.exec(select(JournalLine, Account).join(Account, col(Account.id) == JournalLine.account_id)
                        .where(JournalLine.entry_id == entry.id).order_by(col(JournalLine.id))).all()
    period = session.get(FiscalPeriod, entry.period_id)
    lines = [LineInput(account_id=x.account_id, debit=x.debit, credit=x.credit, description=x.description) for x, _ in rows]
    return _read(entry, lines, {pk(a): a for _, a in rows}, period.name if period else "")


def list_entries(session: Session, actor: Actor, *, start: date | None = None, end: date | None = None,
                 limit: int = 200, offset: int = 0) -> list[EntryRead]:
    require(actor, Permission.FINANCE)
    query = select(JournalEntry.id).where(JournalEntry.organization_id == actor.organization_id)
    if start is not None:
        query = query.where(JournalEntry.entry_date >= start)
    if end is not None:
        query = query.where(JournalEntry.entry_date < end)
    ids = session.exec(query.order_by(col(JournalEntry.entry_date).desc(), col(JournalEntry.id).desc())
                       .offset(offset).limit(limit)).all()
    return [get_entry(session, actor, i) for i in row_ids(ids)]


def posted_entry_for(session: Session, actor: Actor, source_type: str, source_id: int) -> EntryRead | None:
    entry = _posted_source(session, actor, source_type, source_id)
    return get_entry(session, actor, pk(entry)) if entry is not None else None


def _posted_source(session: Session, actor: Actor, source_type: str, source_id: int | None) -> JournalEntry | None:
    return session.exec(select(JournalEntry).where(JournalEntry.organization_id == actor.organization_id,
                                                   JournalEntry.source_type == source_type,
                                                   JournalEntry.source_id == source_id)).first()


def _check_lines(session: Session, actor: Actor, lines: list[LineInput], currency: str) -> dict[int, Account]:
    problems: dict[str, str] = {}
    if not (len(currency) == 3 and currency.isalpha()):
        problems["currency"] = t("Use a three-letter currency code.")
    places = minor_units(currency) if "currency" not in problems else 2
    ids = {line.account_id for line in lines}
    accounts = {pk(a): a for a in session.exec(select(Account).where(Account.organization_id == actor.organization_id,
                                                                   col(Account.id).in_(ids))).all()}
    for i, line in enumerate(lines):
        problem = _line_problem(line, accounts.get(line.account_id), places)
        if problem:
            problems[f"lines.{i}"] = problem
    debits = sum((x.debit for x in lines), Decimal("0"))
    credits = sum((x.credit for x in lines), Decimal("0"))
    if not problems and debits != credits:
        problems["lines"] = t("Debits ({debits}) and credits ({credits}) must be equal.", debits=debits, credits=credits)
    if problems:
        raise Invalid(t("The entry does not balance or has invalid lines."), fields=problems)
    return accounts


def _line_problem(line: LineInput, account: Account | None, places: int) -> str | None:
    if account is None:
        return t("Choose an account of this organization.")
    if not account.is_active:
        return t("Account {code} is inactive.", code=account.code)
    if line.debit < 0 or line.credit < 0 or (line.debit == 0) == (line.credit == 0):
        return t("Each line has either a debit or a credit, positive.")
    amount = line.debit or line.credit
    if not amount.is_finite() or decimal_places(amount) > places and amount != round(amount, places):
        return t("Use at most {places} decimal places.", places=places)
    if amount >= Decimal(10) ** 13:
        return t("This amount is too large.")
    return None


def _read(entry: JournalEntry, lines: list[LineInput], accounts: dict[int, Account], period_name: str) -> EntryRead:
    return EntryRead(id=entry.id, number=entry.number, entry_date=entry.entry_date, period_name=period_name,
                     currency=entry.currency, memo=entry.memo, source_type=entry.source_type, source_id=entry.source_id,
                     reverses_id=entry.reverses_id, posted_at=entry.posted_at,
                     lines=[LineRead(account_id=x.account_id, account_code=accounts[x.account_id].code,
                                     account_name=accounts[x.account_id].name, debit=x.debit, credit=x.credit,
                                     description=x.description) for x in lines],
                     total=sum((x.debit for x in lines), Decimal("0")))
