"""Production in the ledger: material issued to work in progress, finished goods at standard cost and variances,
posted through the journal (services/finance/journal.py) from production's own events.

- A lot consumed into a work order (`lot.consumed`, a lot_consumption row) posts a material issue: work in
  progress debit, raw materials credit, each at quantity x the consumed product's standard unit cost
  (services/finance/costing.py's roll-up). Source: ("material_issue", lot_consumption.id).
- A work order completed (`work_order.completed`) posts its completion: finished goods debit at good quantity x
  the product's standard unit cost; work in progress credit by what its material issues put in; conversion costs
  applied credit by its actual machine and labour cost (job time x the work centers' rates,
  services/finance/work_order_cost.py); the difference to production variances (debit when actual exceeds
  standard, credit when below). The order's work in progress is then zero. Its unposted issues are posted first
  (also those from before the cost currency was named: they are part of what the order cost).
  Source: ("work_order_completion", work_order.id).
- Every amount is rounded half up to the cost currency's minor unit; the variance is what balances the rounded
  lines, so every entry balances exactly.

When: a listener on the session's commit (`_post_production`) looks at the events about to be published and
posts them in the same transaction, each in a savepoint as the organization's posting actor (FINANCE, no
person), so production and its postings commit together. A posting the ledger refuses (a closed or locked
period, no period, an account role missing) is rolled back alone: the production change still commits and the
source stays pending; `pending` counts them and `post_pending` posts them later (after the period reopens).
Only organizations whose finance settings name a cost currency (`set_cost_currency`) are posted, and only
production from that moment on.

Invariants: FINANCE reads and changes the settings and runs `post_pending`; a source is posted at most once (the
journal's constraint); entries balance and land in open periods only; nothing here commits.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from models.base import pk, utcnow
from models.finance import FinanceSettings, JournalEntry, JournalLine
from models.lots import Lot, LotConsumption
from models.orders import WorkOrder, WorkStatus
from models.organization import Plant
from services.core.access import Actor, Permission, Role, require
from services.core.audit import audit
from services.core.errors import DomainError, Invalid
from services.core.events import pending as pending_events
from services.core.messages import t
from services.finance import journal
from services.finance.accounts import account_for_role
from services.finance.costing import CostData, unit_cost_parts
from services.finance.journal import EntryCreate, EntryRead, LineInput
from services.finance.money import exact_sum, from_scaled, round_money
from services.finance.work_order_cost import work_order_cost

ISSUE = "material_issue"
COMPLETION = "work_order_completion"
TRIGGERS = ("lot.consumed", "work_order.completed")
_POSTING = "takt.posting_production"
log = logging.getLogger(__name__)


class PendingProduction(BaseModel):
    cost_currency: str | None
    issues: int                     # lot consumptions not posted yet
    completions: int                # completed work orders not posted yet


class PostingRun(BaseModel):
    posted: int
    refused: list[str]              # "WO-000001: Period 2026-12 is closed ..."


def cost_currency(session: Session, organization_id: int) -> str | None:
    settings = _settings(session, organization_id)
    return settings.cost_currency if settings else None


def set_cost_currency(session: Session, actor: Actor, currency: str, *, now: datetime) -> str:
    """Name the currency standard costs are kept in; production is posted from now on."""
    require(actor, Permission.FINANCE)
    code = currency.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise Invalid(fields={"cost_currency": t("Use a three-letter currency code (EUR, JPY ...).")})
    settings = _settings(session, actor.organization_id)
    before = settings.cost_currency if settings else None
    if settings is None:
        settings = FinanceSettings(organization_id=actor.organization_id, cost_currency=code, created_at=now,
                                   updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
    settings.cost_currency, settings.updated_at, settings.updated_by = code, now, actor.user_id
    session.add(settings)
    session.flush()
    audit(session, actor, "finance_settings", settings.id, "update", {"cost_currency": {"before": before, "after": code}},
          at=now)
    return code


def posting_actor(session: Session, organization_id: int) -> Actor:
    """Who posts production: the organization's finance function, no person (audited with no user)."""
    plants = session.exec(select(Plant.id).where(Plant.organization_id == organization_id)).all()
    return Actor(user_id=None, organization_id=organization_id, roles=frozenset({Role.FINANCE}),
                 plant_ids=frozenset(p for p in plants if p is not None), username="production postings")


def post_issue(session: Session, actor: Actor, consumption_id: int, *, now: datetime,
               data: CostData | None = None) -> EntryRead | None:
    """Post one lot consumption (None when it is posted already or worth nothing at standard cost); `data`: the
    organization's cost data when the caller posts several sources (loaded here otherwise)."""
    require(actor, Permission.FINANCE)
    currency = _currency_or_none(session, actor)
    consumption = session.get(LotConsumption, consumption_id)
    if currency is None or consumption is None or consumption.organization_id != actor.organization_id \
            or journal.posted_entry_for(session, actor, ISSUE, consumption_id) is not None:
        return None
    lot = session.get(Lot, consumption.lot_id)
    data = data or CostData(session, actor.organization_id)
    amount = round_money(Decimal(consumption.quantity) * sum(unit_cost_parts(data, lot.product_id, [lot.product_id])),
                         currency) if lot else Decimal(0)
    if amount <= 0:
        return None
    wo = session.get(WorkOrder, consumption.work_order_id)
    label = f"{lot.number} into {wo.number if wo else consumption.work_order_id}" if lot else ""
    return journal.post(session, actor, EntryCreate(
        entry_date=consumption.at.date(), currency=currency, memo=f"Material issue {label}",
        lines=[LineInput(account_id=_role(session, actor, "wip"), debit=amount, description=label),
               LineInput(account_id=_role(session, actor, "materials"), credit=amount, description=label)]),
        now=now, source_type=ISSUE, source_id=consumption_id)


def post_completion(session: Session, actor: Actor, work_order_id: int, *, now: datetime,
                    data: CostData | None = None) -> EntryRead | None:
    """Post a completed work order (its unposted material issues first); None when posted already or empty."""
    require(actor, Permission.FINANCE)
    currency = _currency_or_none(session, actor)
    wo = session.get(WorkOrder, work_order_id)
    if currency is None or wo is None or wo.organization_id != actor.organization_id or wo.status != WorkStatus.DONE \
            or journal.posted_entry_for(session, actor, COMPLETION, work_order_id) is not None:
        return None
    data = data or CostData(session, actor.organization_id)
    for consumption_id in session.exec(select(LotConsumption.id).where(LotConsumption.work_order_id == wo.id)
                                       .order_by(col(LotConsumption.id))).all():
        if consumption_id is not None:
            post_issue(session, actor, consumption_id, now=now, data=data)
    done_at = wo.completed_at or now
    standard = round_money(Decimal(wo.quantity_good) * sum(unit_cost_parts(data, wo.product_id, [wo.product_id])),
                           currency)
    material = issued_to(session, actor, pk(wo))
    conversion = round_money(work_order_cost(session, actor, pk(wo), now=done_at).conversion_actual, currency)
    variance = material + conversion - standard
    lines = [LineInput(account_id=_role(session, actor, "finished_goods"), debit=standard, description=wo.number),
             LineInput(account_id=_role(session, actor, "wip"), credit=material, description=wo.number),
             LineInput(account_id=_role(session, actor, "conversion"), credit=conversion, description=wo.number),
             LineInput(account_id=_role(session, actor, "variance"), debit=max(variance, Decimal(0)),
                       credit=max(-variance, Decimal(0)), description=wo.number)]
    lines = [x for x in lines if x.debit or x.credit]
    if not lines:
        return None
    return journal.post(session, actor, EntryCreate(entry_date=done_at.date(), currency=currency,
                                                    memo=f"Completion of {wo.number}", lines=lines),
                        now=now, source_type=COMPLETION, source_id=pk(wo))


def issued_to(session: Session, actor: Actor, work_order_id: int) -> Decimal:
    """What the posted material issues of a work order put into work in progress."""
    dialect = session.get_bind().dialect.name
    issues = select(LotConsumption.id).where(LotConsumption.work_order_id == work_order_id)
    total = session.exec(select(exact_sum(JournalLine.debit, dialect))
                         .join(JournalEntry, col(JournalEntry.id) == JournalLine.entry_id)
                         .where(JournalEntry.organization_id == actor.organization_id, JournalEntry.source_type == ISSUE,
                                col(JournalEntry.source_id).in_(issues),
                                JournalLine.account_id == _role(session, actor, "wip"))).one()
    return from_scaled(total, dialect)


def pending(session: Session, actor: Actor) -> PendingProduction:
    """Production since the cost currency was set that the ledger has not received yet."""
    require(actor, Permission.FINANCE)
    settings = _settings(session, actor.organization_id)
    if settings is None:
        return PendingProduction(cost_currency=None, issues=0, completions=0)
    issues, completions = _unposted(session, actor, settings)
    return PendingProduction(cost_currency=settings.cost_currency, issues=len(issues), completions=len(completions))


def post_pending(session: Session, actor: Actor, *, now: datetime) -> PostingRun:
    """Post every pending issue and completion, each in a savepoint; what the ledger refuses stays pending."""
    require(actor, Permission.FINANCE)
    settings = _settings(session, actor.organization_id)
    if settings is None:
        raise Invalid(fields={"cost_currency": t("Name the cost currency first.")})
    issues, completions = _unposted(session, actor, settings)
    run, data = PostingRun(posted=0, refused=[]), CostData(session, actor.organization_id)
    for source_id in issues:
        _attempt(session, run, post_issue, actor, source_id, now, data)
    for source_id in completions:
        _attempt(session, run, post_completion, actor, source_id, now, data)
    return run


def _attempt(session: Session, run: PostingRun, post: Callable[..., EntryRead | None], actor: Actor, source_id: int,
             now: datetime, data: CostData) -> None:
    """`post` one source in a savepoint; a refusal rolls back only the savepoint and is kept in `run`. `data` is
    the organization's cost data, loaded once per run (postings do not change it)."""
    what = f"{post.__name__.removeprefix('post_')} {source_id}"
    savepoint = session.begin_nested()
    try:
        entry = post(session, actor, source_id, now=now, data=data)
    except DomainError as error:
        savepoint.rollback()
        run.refused.append(f"{what}: {error.message}")
        return
    savepoint.commit()
    run.posted += entry is not None


def _unposted(session: Session, actor: Actor, settings: FinanceSettings) -> tuple[list[int], list[int]]:
    def posted(kind: str):
        return select(JournalEntry.source_id).where(JournalEntry.organization_id == actor.organization_id,
                                                    JournalEntry.source_type == kind)
    issues = session.exec(select(LotConsumption.id).where(
        LotConsumption.organization_id == actor.organization_id, LotConsumption.at >= settings.created_at,
        col(LotConsumption.id).not_in(posted(ISSUE))).order_by(col(LotConsumption.id))).all()
    done = session.exec(select(WorkOrder.id).where(
        WorkOrder.organization_id == actor.organization_id, WorkOrder.status == WorkStatus.DONE,
        col(WorkOrder.completed_at) >= settings.created_at, col(WorkOrder.id).not_in(posted(COMPLETION)))
        .order_by(col(WorkOrder.id))).all()
    return [i for i in issues if i is not None], [i for i in done if i is not None]


def _settings(session: Session, organization_id: int) -> FinanceSettings | None:
    return session.exec(select(FinanceSettings).where(FinanceSettings.organization_id == organization_id)).first()


def _currency_or_none(session: Session, actor: Actor) -> str | None:
    return cost_currency(session, actor.organization_id)


def _role(session: Session, actor: Actor, role: str) -> int:
    return pk(account_for_role(session, actor.organization_id, role))


@sa.event.listens_for(OrmSession, "before_commit")
def _post_production(session: OrmSession) -> None:
    """Post the production about to be committed (see the module docstring); refusals leave it pending."""
    if session.in_nested_transaction() or session.info.get(_POSTING) or not isinstance(session, Session):
        return                          # a savepoint's release (ours included): only the real commit posts
    events = [e for e in pending_events(session) if e.name in TRIGGERS and e.organization_id is not None]
    if not events:
        return
    session.info[_POSTING] = True
    try:
        _post_events(session, events)
    finally:
        session.info.pop(_POSTING, None)


def _post_events(session: Session, events: list) -> None:
    for organization_id in sorted({e.organization_id for e in events if e.organization_id is not None}):
        settings = _settings(session, organization_id)
        if settings is None:
            continue
        actor, run = posting_actor(session, organization_id), PostingRun(posted=0, refused=[])
        data = CostData(session, organization_id)
        for event in sorted((e for e in events if e.organization_id == organization_id), key=lambda e: e.name):
            now = event.at or utcnow()
            if event.name == "lot.consumed":
                _attempt(session, run, post_issue, actor, int(event.payload["consumption_id"]), now, data)
            else:
                _attempt(session, run, post_completion, actor, int(event.payload["work_order_id"]), now, data)
        for refusal in run.refused:
            log.warning("production posting left pending (organization %s): %s", organization_id, refusal)
