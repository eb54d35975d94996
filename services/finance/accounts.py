"""The chart of accounts: a template applied once per organization, then edited by finance.

Invariants: reading and writing need FINANCE; codes are unique per organization; an account that has
journal lines is deactivated, never deleted; automatic postings find their accounts by role (payable,
vat_input ...), one active account per role.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal, overload

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.finance import Account, AccountType
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import pt, t
from services.core.scoping import get_scoped

# (code, name, type, role): a small manufacturing and subcontracting chart, edited freely afterwards.
CHART_TEMPLATE: list[tuple[str, str, AccountType, str | None]] = [
    ("1000", "Bank", AccountType.ASSET, "bank"),
    ("1100", "Accounts receivable", AccountType.ASSET, "receivable"),
    ("1200", "Input VAT", AccountType.ASSET, "vat_input"),
    ("1300", "Raw materials", AccountType.ASSET, "materials"),
    ("1310", "Work in progress", AccountType.ASSET, "wip"),
    ("1320", "Finished goods", AccountType.ASSET, "finished_goods"),
    ("2000", "Accounts payable", AccountType.LIABILITY, "payable"),
    ("2100", "Output VAT", AccountType.LIABILITY, "vat_output"),
    ("2200", "Withholding tax payable", AccountType.LIABILITY, "withholding_payable"),
    ("3000", "Equity", AccountType.EQUITY, "equity"),
    ("4000", "Sales revenue", AccountType.REVENUE, "revenue"),
    ("5000", "Subcontracting expense", AccountType.EXPENSE, "subcontracting"),
    ("5100", "Cost of goods sold", AccountType.EXPENSE, "cogs"),
    ("5200", "Production variances", AccountType.EXPENSE, "variance"),
    ("5300", "Conversion costs applied", AccountType.EXPENSE, "conversion"),
]


class AccountCreate(BaseModel):
    code: str
    name: str
    type: AccountType
    role: str | None = None


class AccountRead(AccountCreate):
    id: int
    is_active: bool


def list_accounts(session: Session, actor: Actor, *, active: bool | None = True) -> list[AccountRead]:
    require(actor, Permission.FINANCE)
    query = select(Account).where(Account.organization_id == actor.organization_id)
    if active is not None:
        query = query.where(Account.is_active == active)
    return [_read(a) for a in session.exec(query.order_by(Account.code)).all()]


def apply_chart_template(session: Session, actor: Actor, *, now: datetime) -> list[AccountRead]:
    """Create the template's accounts that the organization does not have yet (by code); idempotent."""
    require(actor, Permission.FINANCE)
    have = set(session.exec(select(Account.code).where(Account.organization_id == actor.organization_id)).all())
    roles = set(session.exec(select(Account.role).where(Account.organization_id == actor.organization_id,
                                                        col(Account.role).is_not(None))).all())
    for code, name, kind, role in CHART_TEMPLATE:
        if code not in have:
            session.add(Account(organization_id=actor.organization_id, code=code, name=name, type=kind,
                                role=None if role in roles else role, created_at=now, updated_at=now,
                                created_by=actor.user_id, updated_by=actor.user_id))
    session.flush()
    audit(session, actor, "account", None, "apply_template", {"codes": [c for c, *_ in CHART_TEMPLATE if c not in have]},
          at=now)
    return list_accounts(session, actor)


def create_account(session: Session, actor: Actor, data: AccountCreate, *, now: datetime) -> AccountRead:
    require(actor, Permission.FINANCE)
    code, name = data.code.strip(), data.name.strip()
    problems = {}
    if not code or len(code) > 16 or not code.replace(".", "").replace("-", "").isalnum():
        problems["code"] = t("Use 1 to 16 letters, digits, dot or dash.")
    if not name or len(name) > 200:
        problems["name"] = t("Required, at most 200 characters.")
    if problems:
        raise Invalid(fields=problems)
    if session.exec(select(Account.id).where(Account.organization_id == actor.organization_id,
                                             Account.code == code)).first() is not None:
        raise Conflict(t("Account {code} exists.", code=code), fields={"code": t("Already used.")})
    role = (data.role or "").strip() or None
    if role and account_for_role(session, actor.organization_id, role, required=False) is not None:
        raise Conflict(t("Another account already has the role {role}.", role=role), fields={"role": t("Already used.")})
    account = Account(organization_id=actor.organization_id, code=code, name=name, type=data.type, role=role,
                      created_at=now, updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
    session.add(account)
    session.flush()
    audit(session, actor, "account", account.id, "create", {"code": code, "name": name, "type": data.type.value},
          at=now)
    return _read(account)


def set_account_active(session: Session, actor: Actor, account_id: int, active: bool, *, now: datetime) -> AccountRead:
    require(actor, Permission.FINANCE)
    account = get_scoped(session, actor, Account, account_id, pt("ledger", "Account"))
    if account.is_active != active:
        account.is_active, account.updated_at, account.updated_by = active, now, actor.user_id
        session.add(account)
        audit(session, actor, "account", account.id, "reactivate" if active else "deactivate",
              {"is_active": {"before": not active, "after": active}}, at=now)
    return _read(account)


@overload
def account_for_role(session: Session, organization_id: int, role: str, *, required: Literal[True] = True) -> Account: ...
@overload
def account_for_role(session: Session, organization_id: int, role: str, *, required: bool) -> Account | None: ...
def account_for_role(session: Session, organization_id: int, role: str, *, required: bool = True) -> Account | None:
    """The active account that automatic postings use for `role`; Invalid when the chart lacks it."""
    account = session.exec(select(Account).where(Account.organization_id == organization_id, Account.role == role,
                                                 col(Account.is_active).is_(True))).first()
    if account is None and required:
        raise NotFound(t("No active account has the role '{role}': apply the chart template or set the role.", role=role))
    return account


def _read(account: Account) -> AccountRead:
    return AccountRead.model_validate(account, from_attributes=True)
