"""The ledger: chart of accounts, fiscal periods, journal entries and reports (FINANCE)."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel

from models.base import utcnow
from models.finance import PeriodStatus
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import EXPORTABLE, Format, Status, active_flag, listing
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.core.exports import CSV_MEDIA_TYPE
from services.finance import accounts, journal, ledger_reports, periods
from services.finance.accounts import AccountCreate, AccountRead
from services.finance.journal import EntryCreate, EntryRead
from services.finance.ledger_reports import TRIAL_BALANCE_COLUMNS, GeneralLedger, TrialBalance
from services.finance.periods import PeriodRead

router = APIRouter(prefix="/finance", tags=["finance"], responses=AUTHENTICATED)


class PeriodChange(BaseModel):
    status: PeriodStatus


class Reversal(BaseModel):
    entry_date: date


@router.get("/accounts", response_model=list[AccountRead], responses=EXPORTABLE, summary="The chart of accounts")
def list_accounts(actor: CurrentActor, status: Status = "active", format: Format = "json"):
    with db_session() as s, transaction(s):
        rows = accounts.list_accounts(s, actor, active=active_flag(status))
    return listing(rows, ["code", "name", "type", "role", "is_active"], format, "accounts")


@router.post("/accounts/apply-template", response_model=list[AccountRead],
             summary="Add the template's accounts that are missing (idempotent)")
def apply_template(actor: CurrentActor) -> list[AccountRead]:
    with db_session() as s, transaction(s):
        return accounts.apply_chart_template(s, actor, now=utcnow())


@router.post("/accounts", response_model=AccountRead, status_code=status.HTTP_201_CREATED,
             summary="Create an account", responses=errors(409))
def create_account(body: AccountCreate, actor: CurrentActor) -> AccountRead:
    with db_session() as s, transaction(s):
        return accounts.create_account(s, actor, body, now=utcnow())


@router.post("/accounts/{account_id}/deactivate", response_model=AccountRead, summary="Deactivate an account")
def deactivate_account(account_id: int, actor: CurrentActor) -> AccountRead:
    with db_session() as s, transaction(s):
        return accounts.set_account_active(s, actor, account_id, False, now=utcnow())


@router.get("/periods", response_model=list[PeriodRead], summary="Fiscal periods")
def list_periods(actor: CurrentActor, year: Annotated[int | None, Query(ge=1900, le=9998)] = None) -> list[PeriodRead]:
    with db_session() as s, transaction(s):
        return periods.list_periods(s, actor, year=year)


@router.post("/periods/years/{year}", response_model=list[PeriodRead], summary="Open the twelve months of a year")
def open_year(year: int, actor: CurrentActor) -> list[PeriodRead]:
    with db_session() as s, transaction(s):
        return periods.open_year(s, actor, year, now=utcnow())


@router.post("/periods/{period_id}/status", response_model=PeriodRead, responses=errors(409),
             summary="Close, reopen or lock a period")
def change_period(period_id: int, body: PeriodChange, actor: CurrentActor) -> PeriodRead:
    with db_session() as s, transaction(s):
        return periods.set_period_status(s, actor, period_id, body.status, now=utcnow())


@router.get("/journal-entries", response_model=list[EntryRead], summary="Journal entries, newest first")
def list_entries(actor: CurrentActor, start: date | None = None, end: date | None = None,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                 offset: Annotated[int, Query(ge=0)] = 0) -> list[EntryRead]:
    with db_session() as s, transaction(s):
        return journal.list_entries(s, actor, start=start, end=end, limit=limit, offset=offset)


@router.post("/journal-entries", response_model=EntryRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Post a balanced manual entry")
def post_entry(body: EntryCreate, actor: CurrentActor) -> EntryRead:
    with db_session() as s, transaction(s):
        return journal.post(s, actor, body, now=utcnow(), source_type=None)


@router.get("/journal-entries/{entry_id}", response_model=EntryRead, summary="Get a journal entry")
def get_entry(entry_id: int, actor: CurrentActor) -> EntryRead:
    with db_session() as s, transaction(s):
        return journal.get_entry(s, actor, entry_id)


@router.post("/journal-entries/{entry_id}/reverse", response_model=EntryRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Reverse an entry on a date")
def reverse_entry(entry_id: int, body: Reversal, actor: CurrentActor) -> EntryRead:
    with db_session() as s, transaction(s):
        return journal.reverse(s, actor, entry_id, on=body.entry_date, now=utcnow())


@router.get("/trial-balance", response_model=TrialBalance, responses=EXPORTABLE,
            summary="Balances per account over [start, end)")
def trial_balance(actor: CurrentActor, currency: Annotated[str, Query(min_length=3, max_length=3)],
                  start: date | None = None, end: date | None = None, format: Format = "json"):
    with db_session() as s, transaction(s):
        tb = ledger_reports.trial_balance(s, actor, currency=currency, start=start, end=end)
    return tb if format == "json" else listing(tb.rows, TRIAL_BALANCE_COLUMNS, format, "trial-balance")


@router.get("/accounts/{account_id}/ledger", response_model=GeneralLedger, summary="An account's general ledger")
def general_ledger(account_id: int, actor: CurrentActor, currency: Annotated[str, Query(min_length=3, max_length=3)],
                   start: date, end: date) -> GeneralLedger:
    with db_session() as s, transaction(s):
        return ledger_reports.general_ledger(s, actor, account_id, currency=currency, start=start, end=end)


@router.get("/journal-export", summary="The journal as a CSV file an accountant imports",
            responses={200: {"content": {"text/csv": {}}}})
def journal_export(actor: CurrentActor, start: date, end: date) -> Response:
    with db_session() as s, transaction(s):
        content = ledger_reports.journal_csv(s, actor, start=start, end=end)
    return Response(content=content, media_type=CSV_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="journal-{start}-{end}.csv"'})
