"""Budgets per project and per cost centre, and the spend against them from purchase orders and settlements.

Spend, in the budget's currency and before VAT (the orders' adjusted amounts; VAT is recovered, withholding is part
of the price): committed = the adjusted totals of orders approved, acknowledged or closed; settled = the adjusted
totals of their settlements; paid = of the settlements paid; remaining = budget - committed. Orders in another
currency are not converted: they are counted apart (`other_currency_orders`). A project's spend without a budget is
given per currency.

A purchase order warns (`po_warnings`; `check_order` before it is written) when it would take its project's or cost
centre's committed spend above the budget: the committed spend of the other orders plus this order's adjusted
total (a draft counts as if approved).

The studio project dashboard shows a project's spend live (`spend_scope`/`spend_for_scope`, a shared view per
project for finance readers; `spend_affects` refreshes it on purchase-order, settlement and budget events of the
organization).

Invariants: FINANCE reads and sets budgets and spend (money); one budget per project or cost centre (the
`uq_budget_scope` constraint); sums are exact on both databases (money.exact_sum); setting a budget is audited and
announced (`budget.set`).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from models.base import pk
from models.purchasing import Budget, PoStatus, PurchaseOrder, Settlement
from models.studio import StudioProject
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Invalid
from services.core.events import DomainEvent, record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import CODE_RE
from services.finance.events import BudgetSet, PurchaseOrderApproved, SettlementCreated, SettlementPaid
from services.finance.money import exact_sum, from_scaled, quantum
from services.kpi.live import NO_PLANT, Scope

COMMITTED = (PoStatus.APPROVED, PoStatus.ACKNOWLEDGED, PoStatus.CLOSED)
SPEND_KIND = "projectspend"          # letters only: the kind starts the live link token


class BudgetInput(BaseModel):
    """A project's budget (project_id) or a cost centre's (cost_centre), in one currency."""
    project_id: int | None = None
    cost_centre: str = Field(default="", max_length=32)
    currency: str = Field(min_length=3, max_length=3)
    amount: Decimal = Field(ge=0, lt=Decimal(10) ** 13)
    note: str = Field(default="", max_length=500)


class CurrencySpend(BaseModel):
    currency: str
    committed: Decimal
    settled: Decimal
    paid: Decimal
    orders: int


class BudgetRead(BaseModel):
    id: int
    scope: Literal["project", "cost_centre"]
    project_id: int | None
    name: str                                 # the project's name or the cost centre's code
    cost_centre: str
    currency: str
    amount: Decimal
    committed: Decimal
    settled: Decimal
    paid: Decimal
    remaining: Decimal
    used_share: float | None                  # committed / amount (None for a zero budget)
    over: bool
    orders: int
    other_currency_orders: int
    note: str


class ProjectSpend(BaseModel):
    project_id: int
    budget: BudgetRead | None
    by_currency: list[CurrencySpend]           # every currency the project's committed orders are in
    computed_at: datetime | None = None


def set_budget(session: Session, actor: Actor, data: BudgetInput, *, now: datetime) -> BudgetRead:
    """Create or change the budget of a project or a cost centre."""
    require(actor, Permission.FINANCE)
    code = data.cost_centre.strip().upper()
    if (data.project_id is None) == (not code):
        raise Invalid(t("Give a project or a cost centre, not both."),
                      fields={"project_id": t("A project, or a cost centre code instead.")})
    if code and not CODE_RE.match(code):
        raise Invalid(t("The cost centre code has letters, digits, '.', '-' or '_' only."),
                      fields={"cost_centre": t("Invalid.")})
    if data.project_id is not None:
        get_scoped(session, actor, StudioProject, data.project_id, t("Project"))
    key = f"project:{data.project_id}" if data.project_id is not None else f"cost_centre:{code}"
    row = session.exec(select(Budget).where(Budget.organization_id == actor.organization_id,
                                            Budget.scope_key == key).with_for_update()).first()
    before = {"amount": str(row.amount), "currency": row.currency} if row else None
    if row is None:
        row = Budget(organization_id=actor.organization_id, scope_key=key, project_id=data.project_id, cost_centre=code,
                     currency="", amount=Decimal(0), created_at=now, created_by=actor.user_id)
    row.currency, row.amount, row.note = data.currency.upper(), data.amount, data.note.strip()
    row.updated_at, row.updated_by = now, actor.user_id
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(t("This budget was set at the same moment by someone else: try again.")) from exc
    audit(session, actor, "budget", row.id, "set", {"scope": key, "before": before,
                                                    "after": {"amount": str(data.amount), "currency": row.currency}}, at=now)
    record(session, BudgetSet(organization_id=actor.organization_id, actor_user_id=actor.user_id, at=now,
                                   budget_id=pk(row), project_id=row.project_id))
    return _read(session, row)


def list_budgets(session: Session, actor: Actor) -> list[BudgetRead]:
    require(actor, Permission.FINANCE)
    rows = session.exec(select(Budget).where(Budget.organization_id == actor.organization_id)
                        .order_by(col(Budget.scope_key))).all()
    return [_read(session, b) for b in rows]


def project_spend(session: Session, actor: Actor, project_id: int) -> ProjectSpend:
    """A project's budget with its spend, and its spend per currency."""
    _may_see_spend(session, actor, project_id)
    return _project_spend(session, actor.organization_id, project_id)


class OrderCheck(BaseModel):
    """An order being written: where it spends and how much (its adjusted total, before VAT)."""
    project_id: int | None = None
    cost_centre: str = Field(default="", max_length=32)
    currency: str = Field(min_length=3, max_length=3)
    adjusted: Decimal = Field(ge=0, lt=Decimal(10) ** 13)


def check_order(session: Session, actor: Actor, order: OrderCheck) -> list[str]:
    """The budget warnings an order would get, before it is written (the PO form asks while it is filled in)."""
    require(actor, Permission.FINANCE)
    if order.project_id is not None:
        get_scoped(session, actor, StudioProject, order.project_id, t("Project"))
    return _warnings(session, actor.organization_id, order.model_copy(
        update={"cost_centre": order.cost_centre.strip().upper(), "currency": order.currency.upper()}), None)


def po_warnings(session: Session, po: PurchaseOrder) -> list[str]:
    """Why this order would take a budget over (empty when it fits or no budget applies)."""
    order = OrderCheck(project_id=po.project_id, cost_centre=po.cost_centre, currency=po.currency,
                       adjusted=Decimal(po.adjusted))
    return _warnings(session, po.organization_id, order, po.id)


def _warnings(session: Session, organization_id: int, order: OrderCheck, po_id: int | None) -> list[str]:
    warnings: list[str] = []
    for budget in _budgets_of(session, organization_id, order):
        if budget.currency != order.currency:
            continue
        others = _sums(session, budget, exclude_po_id=po_id)[0]
        after = others.committed + order.adjusted
        if after > Decimal(budget.amount):
            q = quantum(budget.currency)
            name = _name(session, budget)
            warnings.append(t("This order takes the budget of {name} to {after:,f} {currency}, {over:,f} over its "
                              "{budget:,f}.", name=name, after=after.quantize(q), currency=budget.currency,
                              over=(after - Decimal(budget.amount)).quantize(q),
                              budget=Decimal(budget.amount).quantize(q)))
    return warnings


# ---- live on the studio dashboard -------------------------------------------------------------------------------

def spend_scope(session: Session, actor: Actor, project_id: int) -> Scope:
    """The shared live view of a project's spend, once the actor's right to see money there is confirmed (the
    figures themselves are read by the live refresh, spend_for_scope)."""
    _may_see_spend(session, actor, project_id)
    return Scope(kind=SPEND_KIND, organization_id=actor.organization_id, plant_id=NO_PLANT, params=(project_id,))


def _may_see_spend(session: Session, actor: Actor, project_id: int) -> None:
    """Money of a project is for finance readers of the project's organization."""
    require(actor, Permission.FINANCE)
    get_scoped(session, actor, StudioProject, project_id, t("Project"))


def spend_affects(scope: Scope, event: DomainEvent) -> bool:
    if isinstance(event, BudgetSet):
        return event.project_id in (None, scope.params[0])
    return isinstance(event, PurchaseOrderApproved | SettlementCreated | SettlementPaid)


def spend_for_scope(session: Session, scope: Scope, now: datetime) -> ProjectSpend:
    spend = _project_spend(session, scope.organization_id, scope.params[0])
    spend.computed_at = now
    return spend


# ---- sums -------------------------------------------------------------------------------------------------------

def _project_spend(session: Session, organization_id: int, project_id: int) -> ProjectSpend:
    budget = session.exec(select(Budget).where(Budget.organization_id == organization_id,
                                               Budget.scope_key == f"project:{project_id}")).first()
    by_currency = _by_currency(session, [PurchaseOrder.organization_id == organization_id,
                                         PurchaseOrder.project_id == project_id])   # the budget's own scope
    return ProjectSpend(project_id=project_id, budget=_read(session, budget, by_currency) if budget else None,
                        by_currency=by_currency)


def _read(session: Session, b: Budget, by_currency: list[CurrencySpend] | None = None) -> BudgetRead:
    """`by_currency`: the spend of the budget's scope when the caller has it already."""
    spend, others = _sums(session, b) if by_currency is None else _split(b, by_currency)
    q = quantum(b.currency)
    amount = Decimal(b.amount).quantize(q)
    return BudgetRead(id=pk(b), scope="project" if b.project_id is not None else "cost_centre", project_id=b.project_id,
                      name=_name(session, b), cost_centre=b.cost_centre, currency=b.currency, amount=amount,
                      committed=spend.committed, settled=spend.settled, paid=spend.paid,
                      remaining=amount - spend.committed,
                      used_share=float(spend.committed / amount) if amount else None, over=spend.committed > amount,
                      orders=spend.orders, other_currency_orders=others, note=b.note)


def _scope_filter(b: Budget) -> list:
    if b.project_id is not None:
        return [PurchaseOrder.organization_id == b.organization_id, PurchaseOrder.project_id == b.project_id]
    return [PurchaseOrder.organization_id == b.organization_id, PurchaseOrder.cost_centre == b.cost_centre]


def _sums(session: Session, b: Budget, *, exclude_po_id: int | None = None) -> tuple[CurrencySpend, int]:
    """The budget's spend in its currency, and how many committed orders of its scope are in another one."""
    where = _scope_filter(b)
    if exclude_po_id is not None:
        where.append(PurchaseOrder.id != exclude_po_id)
    return _split(b, _by_currency(session, where))


def _split(b: Budget, by_currency: list[CurrencySpend]) -> tuple[CurrencySpend, int]:
    """The spend in the budget's currency, and how many committed orders are in another one."""
    found = {c.currency: c for c in by_currency}
    mine = found.pop(b.currency, None) or CurrencySpend(currency=b.currency, committed=Decimal(0), settled=Decimal(0),
                                                        paid=Decimal(0), orders=0)
    return mine, sum(c.orders for c in found.values())


def _by_currency(session: Session, where: list) -> list[CurrencySpend]:
    dialect = session.get_bind().dialect.name
    committed = select(PurchaseOrder.currency, exact_sum(PurchaseOrder.adjusted, dialect), func.count()) \
        .where(*where, col(PurchaseOrder.status).in_(COMMITTED)).group_by(col(PurchaseOrder.currency))
    settled = select(PurchaseOrder.currency, exact_sum(Settlement.adjusted, dialect),
                     exact_sum(Settlement.adjusted, dialect).filter(col(Settlement.paid_on).is_not(None))) \
        .join(PurchaseOrder, col(PurchaseOrder.id) == Settlement.po_id) \
        .where(*where).group_by(col(PurchaseOrder.currency))
    out: dict[str, CurrencySpend] = {}
    for currency, total, count in session.exec(committed).all():
        out[currency] = CurrencySpend(currency=currency, committed=_money(total, dialect, currency), settled=Decimal(0),
                                      paid=Decimal(0), orders=int(count))
    for currency, total, paid in session.exec(settled).all():
        row = out.setdefault(currency, CurrencySpend(currency=currency, committed=Decimal(0), settled=Decimal(0),
                                                     paid=Decimal(0), orders=0))
        row.settled, row.paid = _money(total, dialect, currency), _money(paid, dialect, currency)
    return sorted(out.values(), key=lambda c: c.currency)


def _money(value, dialect: str, currency: str) -> Decimal:
    return from_scaled(value, dialect).quantize(quantum(currency))


def _budgets_of(session: Session, organization_id: int, order: OrderCheck) -> list[Budget]:
    keys = ([f"project:{order.project_id}"] if order.project_id is not None else []) + \
        ([f"cost_centre:{order.cost_centre}"] if order.cost_centre else [])
    if not keys:
        return []
    return list(session.exec(select(Budget).where(Budget.organization_id == organization_id,
                                                  col(Budget.scope_key).in_(keys)).order_by(col(Budget.scope_key))).all())


def _name(session: Session, b: Budget) -> str:
    if b.project_id is None:
        return f"cost centre {b.cost_centre}"
    project = session.get(StudioProject, b.project_id)
    return f"project {project.name}" if project else f"project #{b.project_id}"
