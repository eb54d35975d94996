"""Ledger reports: the trial balance, an account's general ledger with running balance, and the journal
as a file an accountant imports (one row per line, balanced per entry).

Invariants: reading needs FINANCE; every figure is summed in SQL over posted lines, exactly (NUMERIC);
a trial balance's debit and credit columns are equal whenever the journal's invariants hold.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.finance import Account, AccountType, JournalEntry, JournalLine
from services.core.access import Actor, Permission, require
from services.core.exports import to_csv
from services.core.messages import pt, t
from services.core.scoping import get_scoped
from services.finance.money import exact_sum, from_scaled, quantum

_DEBIT_NORMAL = {AccountType.ASSET, AccountType.EXPENSE}


class TrialBalanceRow(BaseModel):
    account_id: int
    code: str
    name: str
    type: AccountType
    debit: Decimal            # the balance when it is a debit balance, else 0
    credit: Decimal           # the balance when it is a credit balance, else 0


class TrialBalance(BaseModel):
    currency: str
    start: date | None
    end: date | None
    rows: list[TrialBalanceRow]
    total_debit: Decimal
    total_credit: Decimal


class LedgerLine(BaseModel):
    entry_id: int
    number: str
    entry_date: date
    memo: str
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal          # running, debit positive


class GeneralLedger(BaseModel):
    account_id: int
    code: str
    name: str
    currency: str
    opening: Decimal
    lines: list[LedgerLine]
    closing: Decimal


# Export headers in the language being served (services/core/exports.py); the ledger's "Account" is 勘定科目.
TRIAL_BALANCE_COLUMNS: list[tuple[str, str]] = [
    ("code", pt("ledger", "Account")), ("name", t("Name")), ("type", t("Type")), ("debit", t("Debit")),
    ("credit", t("Credit"))]
JOURNAL_COLUMNS: list[tuple[str, str]] = [
    ("entry_date", t("Date")), ("number", pt("ledger", "Entry")), ("account_code", pt("ledger", "Account")),
    ("account_name", pt("ledger", "Account name")), ("debit", t("Debit")), ("credit", t("Credit")),
    ("currency", t("Currency")), ("memo", t("Memo")), ("description", t("Line text")), ("source", t("Source"))]


def trial_balance(session: Session, actor: Actor, *, currency: str, start: date | None = None,
                  end: date | None = None) -> TrialBalance:
    """Balances per account over entries dated in [start, end) (open ends: from the beginning, up to now)."""
    require(actor, Permission.FINANCE)
    currency = currency.strip().upper()
    dialect = session.get_bind().dialect.name
    query = (sa.select(col(Account.id), col(Account.code), col(Account.name), col(Account.type),
                       exact_sum(JournalLine.debit, dialect), exact_sum(JournalLine.credit, dialect))
             .join(JournalLine, col(JournalLine.account_id) == Account.id)
             .join(JournalEntry, col(JournalEntry.id) == JournalLine.entry_id)
             .where(col(Account.organization_id) == actor.organization_id, col(JournalEntry.currency) == currency)
             .group_by(col(Account.id), col(Account.code), col(Account.name), col(Account.type))
             .order_by(col(Account.code)))
    query = _dated(query, start, end)
    rows = []
    for account_id, code, name, kind, debit, credit in session.execute(query).all():
        balance = (from_scaled(debit, dialect) - from_scaled(credit, dialect)).quantize(quantum(currency))
        rows.append(TrialBalanceRow(account_id=account_id, code=code, name=name, type=kind,
                                    debit=balance if balance > 0 else Decimal("0"),
                                    credit=-balance if balance < 0 else Decimal("0")))
    return TrialBalance(currency=currency, start=start, end=end, rows=rows,
                        total_debit=sum((r.debit for r in rows), Decimal("0")),
                        total_credit=sum((r.credit for r in rows), Decimal("0")))


def general_ledger(session: Session, actor: Actor, account_id: int, *, currency: str, start: date,
                   end: date) -> GeneralLedger:
    require(actor, Permission.FINANCE)
    account = get_scoped(session, actor, Account, account_id, t("Account"))
    currency = currency.strip().upper()
    dialect = session.get_bind().dialect.name
    base = (select(exact_sum(JournalLine.debit - JournalLine.credit, dialect))
            .join(JournalEntry, col(JournalEntry.id) == JournalLine.entry_id)
            .where(JournalLine.account_id == account.id, JournalEntry.currency == currency,
                   JournalEntry.entry_date < start))
    opening = from_scaled(session.exec(base).one(), dialect).quantize(quantum(currency))
    query = (select(JournalEntry, JournalLine).join(JournalLine, col(JournalLine.entry_id) == JournalEntry.id)
             .where(JournalLine.account_id == account.id, JournalEntry.currency == currency,
                    JournalEntry.entry_date >= start, JournalEntry.entry_date < end)
             .order_by(col(JournalEntry.entry_date), col(JournalEntry.id), col(JournalLine.id)))
    balance, lines = opening, []
    for entry, line in session.exec(query).all():
        debit, credit = Decimal(line.debit).quantize(quantum(currency)), Decimal(line.credit).quantize(quantum(currency))
        balance += debit - credit
        lines.append(LedgerLine(entry_id=entry.id, number=entry.number, entry_date=entry.entry_date, memo=entry.memo,
                                description=line.description, debit=debit, credit=credit, balance=balance))
    return GeneralLedger(account_id=account.id, code=account.code, name=account.name, currency=currency,
                         opening=opening, lines=lines, closing=balance)


def journal_rows(session: Session, actor: Actor, *, start: date, end: date) -> list[dict]:
    """Every posted line dated in [start, end), in entry order: what `journal_csv` writes."""
    require(actor, Permission.FINANCE)
    query = (select(JournalEntry, JournalLine, Account).join(JournalLine, col(JournalLine.entry_id) == JournalEntry.id)
             .join(Account, col(Account.id) == JournalLine.account_id)
             .where(JournalEntry.organization_id == actor.organization_id, JournalEntry.entry_date >= start,
                    JournalEntry.entry_date < end)
             .order_by(col(JournalEntry.entry_date), col(JournalEntry.id), col(JournalLine.id)))
    return [{"entry_date": e.entry_date, "number": e.number, "account_code": a.code, "account_name": a.name,
             "debit": line.debit, "credit": line.credit, "currency": e.currency, "memo": e.memo,
             "description": line.description,
             "source": f"{e.source_type}:{e.source_id}" if e.source_type else ("reversal" if e.reverses_id else "manual")}
            for e, line, a in session.exec(query).all()]


def journal_csv(session: Session, actor: Actor, *, start: date, end: date) -> bytes:
    return to_csv(journal_rows(session, actor, start=start, end=end), JOURNAL_COLUMNS)


def normal_balance(kind: AccountType, debit: Decimal, credit: Decimal) -> Decimal:
    """An account's balance signed the way people read it (assets and expenses debit-positive)."""
    return debit - credit if kind in _DEBIT_NORMAL else credit - debit


def _dated(query, start: date | None, end: date | None):
    if start is not None:
        query = query.where(JournalEntry.entry_date >= start)
    if end is not None:
        query = query.where(JournalEntry.entry_date < end)
    return query
