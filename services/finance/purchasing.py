"""Purchase orders to vendors: lines with quantity, unit price, difficulty and urgency rates, linked to the studio
tasks they pay for; VAT and, for a vendor who is an individual, withholding from the tax rules; approval by
finance on the workflow engine (po_approval.py); acknowledgement by the vendor in the portal.

Figures per line: base = quantity x unit price; adjusted = base x difficulty x urgency, rounded half up to the
currency's minor unit. Per document: VAT on the adjusted total by the VAT rule, withholding by the withholding
rule (its base says whether VAT is in it), net payable = adjusted + VAT - withholding.

Invariants: FINANCE writes and reads POs; the vendor's own portal accounts read and acknowledge only their
vendor's approved POs; a task is on at most one PO line (a constraint) and must be a task of the PO's project
given to that vendor; only a draft changes; every change is audited; an order given no currency is in the
organization's default currency (services/org/settings.default_currency).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.base import pk
from models.finance import TaxKind
from models.purchasing import PoStatus, PurchaseOrder, PurchaseOrderLine
from models.studio import StudioPartner
from models.studio_work import StudioTask
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.display_names import display_name
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.events import record
from services.core.messages import Message, in_sentence, t
from services.core.numbering import next_number
from services.core.scoping import get_scoped
from services.core.validation import CODE_RE
from services.finance import budgets, tax_rules
from services.finance.events import PurchaseOrderCreated
from services.finance.money import quantum, round_money
from services.finance.tax_rules import TaxResult
from services.org import settings
from services.studio.common import portal_account
from services.studio.tasks import label as task_label

LIMIT = Decimal(10) ** 13
SETTLEABLE = (PoStatus.APPROVED, PoStatus.ACKNOWLEDGED)   # an order that is received against and settled


# a PO's status as documents and messages name it: the label's translation, lower-case English inside sentences
PO_STATUS = {PoStatus.DRAFT: t("Draft"), PoStatus.APPROVED: t("Approved"), PoStatus.ACKNOWLEDGED: t("Acknowledged"),
             PoStatus.CLOSED: t("Closed"), PoStatus.CANCELLED: t("Cancelled")}


def status_word(status: PoStatus) -> Message:
    """The status inside a sentence ("PO-0001 is approved: ..."), in the reader's language."""
    return in_sentence(PO_STATUS, PoStatus(status))


class PoLineInput(BaseModel):
    description: str = Field(max_length=200)
    quantity: int = Field(gt=0, le=1_000_000)
    unit_price: Decimal = Field(ge=0, lt=LIMIT)
    difficulty_rate: Decimal = Field(default=Decimal(1), gt=0, le=10)
    urgency_rate: Decimal = Field(default=Decimal(1), gt=0, le=10)
    task_id: int | None = None


class PoCreate(BaseModel):
    vendor_partner_id: int
    project_id: int | None = None
    process_type: str = Field(max_length=64)
    currency: str | None = Field(default=None, min_length=3, max_length=3)   # None: the organization's default
    vat_rule_code: str = Field(default="", max_length=32)
    withholding_rule_code: str = Field(default="", max_length=32)
    order_date: date
    note: str = Field(default="", max_length=1000)
    cost_centre: str = Field(default="", max_length=32)      # the cost centre whose budget the order spends
    lines: list[PoLineInput] = Field(min_length=1, max_length=5000)


class PoLineRead(PoLineInput):
    id: int
    base: Decimal
    adjusted: Decimal


class OrderableTask(BaseModel):
    id: int
    label: str                      # "PRJ-000001 EP01 C001 In-between"
    status: str
    approved: bool


class PoRead(BaseModel):
    id: int
    number: str
    vendor_partner_id: int
    vendor_name: str
    project_id: int | None
    process_type: str
    currency: str
    order_date: date
    status: PoStatus
    created_by: int | None = None
    base: Decimal
    adjusted: Decimal
    vat: TaxResult | None
    withholding: TaxResult | None
    net_payable: Decimal
    lines: list[PoLineRead]
    cost_centre: str = ""
    budget_warnings: list[str] = []          # finance readers: budgets this order takes over (services/finance/budgets)


def create_po(session: Session, actor: Actor, data: PoCreate, *, now: datetime) -> PoRead:
    require(actor, Permission.FINANCE)
    vendor = get_scoped(session, actor, StudioPartner, data.vendor_partner_id, t("Vendor"))
    currency = (data.currency or settings.default_currency(session, actor.organization_id)).upper()
    problems = _rule_problems(session, actor, data, currency, vendor)
    problems |= _task_problems(session, actor, data, pk(vendor))
    if data.cost_centre.strip() and not CODE_RE.match(data.cost_centre.strip()):
        problems["cost_centre"] = t("A cost centre code has letters, digits, '.', '-' or '_' only.")
    if not data.process_type.strip():
        problems["process_type"] = t("Say what is bought (key animation, paint, machining ...).")
    if problems:
        raise Invalid(t("The purchase order cannot be created like this."), fields=problems)
    po = PurchaseOrder(organization_id=actor.organization_id, number=next_number(session, actor.organization_id, "PO"),
                       vendor_partner_id=pk(vendor), project_id=data.project_id, process_type=data.process_type.strip(),
                       currency=currency, vat_rule_code=data.vat_rule_code.strip().upper(),
                       withholding_rule_code=data.withholding_rule_code.strip().upper(), order_date=data.order_date,
                       note=data.note.strip(), cost_centre=data.cost_centre.strip().upper(), created_at=now,
                       updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
    session.add(po)
    session.flush()
    for line in data.lines:
        base, adjusted = line_amounts(line, currency)
        session.add(PurchaseOrderLine(organization_id=actor.organization_id, po_id=pk(po), task_id=line.task_id,
                                      description=line.description.strip()[:200], quantity=line.quantity,
                                      unit_price=line.unit_price, difficulty_rate=line.difficulty_rate,
                                      urgency_rate=line.urgency_rate, base=base, adjusted=adjusted))
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("A task on this order is already on another purchase order.") from exc
    lines = _lines(session, pk(po))
    po.base, po.adjusted = sum((x.base for x in lines), Decimal(0)), sum((x.adjusted for x in lines), Decimal(0))
    session.add(po)
    audit(session, actor, "purchase_order", po.id, "create", {"number": po.number, "adjusted": str(po.adjusted)}, at=now)
    record(session, PurchaseOrderCreated(organization_id=actor.organization_id, actor_user_id=actor.user_id, at=now,
                                         purchase_order_id=pk(po)))
    return read_po(session, actor, pk(po))


def may_acknowledge(session: Session, actor: Actor, po: PoRead) -> bool:
    """Whether `actor` is a portal account of the PO's vendor and the PO waits for its acknowledgement."""
    if po.status != PoStatus.APPROVED or Permission.STUDIO_PORTAL not in actor.permissions:
        return False
    try:
        return portal_account(session, actor, "vendor").partner_id == po.vendor_partner_id
    except (Forbidden, NotFound):
        return False


def acknowledge_po(session: Session, actor: Actor, po_id: int, *, now: datetime) -> PoRead:
    """The vendor's portal account accepts an approved order of its own."""
    account = portal_account(session, actor, "vendor")
    po = session.get(PurchaseOrder, po_id, with_for_update=True)
    if po is None or po.organization_id != actor.organization_id or po.vendor_partner_id != account.partner_id \
            or po.status not in (PoStatus.APPROVED, PoStatus.ACKNOWLEDGED):
        raise NotFound(t("Purchase order not found."))
    if po.status == PoStatus.APPROVED:
        po.status, po.acknowledged_at, po.updated_at = PoStatus.ACKNOWLEDGED, now, now
        session.add(po)
        audit(session, actor, "purchase_order", po.id, "acknowledge",
              {"status": {"before": "approved", "after": "acknowledged"}}, at=now)
    return read_any_po(session, po)


def read_po(session: Session, actor: Actor, po_id: int) -> PoRead:
    """Finance reads every PO (with its budget warnings); a vendor's account reads its own approved ones."""
    po = readable_po(session, actor, po_id)
    read = read_any_po(session, po)
    if Permission.FINANCE in actor.permissions:
        return read.model_copy(update={"budget_warnings": budgets.po_warnings(session, po)})
    return read


def readable_po(session: Session, actor: Actor, po_id: int) -> PurchaseOrder:
    """The PO row when `actor` may read it (the rule of `read_po`), else NotFound."""
    if Permission.FINANCE in actor.permissions:
        return get_scoped(session, actor, PurchaseOrder, po_id, t("Purchase order"))
    account = portal_account(session, actor, "vendor")
    po = session.get(PurchaseOrder, po_id)
    if po is None or po.organization_id != actor.organization_id or po.vendor_partner_id != account.partner_id \
            or po.status == PoStatus.DRAFT:
        raise NotFound(t("Purchase order not found."))
    return po


def list_pos(session: Session, actor: Actor, *, project_id: int | None = None) -> list[PoRead]:
    query = select(PurchaseOrder).where(PurchaseOrder.organization_id == actor.organization_id)
    if Permission.FINANCE not in actor.permissions:
        account = portal_account(session, actor, "vendor")
        query = query.where(PurchaseOrder.vendor_partner_id == account.partner_id,
                            PurchaseOrder.status != PoStatus.DRAFT)
    if project_id is not None:
        query = query.where(PurchaseOrder.project_id == project_id)
    return [read_any_po(session, po) for po in session.exec(query.order_by(col(PurchaseOrder.id).desc())).all()]


def orderable_tasks(session: Session, actor: Actor, vendor_partner_id: int, project_id: int) -> list[OrderableTask]:
    """The project's tasks given to the vendor that are on no PO line yet (what a new PO can pay for)."""
    require(actor, Permission.FINANCE)
    vendor = get_scoped(session, actor, StudioPartner, vendor_partner_id, t("Vendor"))
    ordered = select(PurchaseOrderLine.task_id).where(PurchaseOrderLine.organization_id == actor.organization_id,
                                                      col(PurchaseOrderLine.task_id).is_not(None))
    rows = session.exec(select(StudioTask).where(StudioTask.organization_id == actor.organization_id,
                                                 StudioTask.project_id == project_id,
                                                 StudioTask.vendor_partner_id == pk(vendor),
                                                 col(StudioTask.id).not_in(ordered))
                        .order_by(col(StudioTask.id))).all()
    return [OrderableTask(id=pk(t), label=task_label(session, pk(t)), status=t.status,
                          approved=t.approved_at is not None) for t in rows]


def adjusted_amount(base: Decimal, difficulty: Decimal, urgency: Decimal, currency: str) -> Decimal:
    return round_money(base * difficulty * urgency, currency)


def line_amounts(line: PoLineInput, currency: str) -> tuple[Decimal, Decimal]:
    """A line's base (quantity x unit price) and adjusted amount, as create_po writes them."""
    base = Decimal(line.quantity) * line.unit_price
    return base, adjusted_amount(base, line.difficulty_rate, line.urgency_rate, currency)


def budget_warnings(session: Session, actor: Actor, *, project_id: int | None, cost_centre: str, currency: str,
                    lines: list[PoLineInput]) -> list[str]:
    """The budget warnings an order with these lines would get, before it is written (the PO form asks while it is
    filled in): its adjusted total is figured line by line as create_po figures it (budgets.check_order)."""
    adjusted = sum((line_amounts(line, currency.upper())[1] for line in lines), Decimal(0))
    return budgets.check_order(session, actor, budgets.OrderCheck(project_id=project_id, cost_centre=cost_centre,
                                                                  currency=currency, adjusted=adjusted))


def document_taxes(session: Session, po: PurchaseOrder, adjusted: Decimal,
                   on: date) -> tuple[TaxResult | None, TaxResult | None]:
    """VAT and withholding of `adjusted` by the PO's rules in force on `on` (None where the PO has none)."""
    org = po.organization_id
    vat = tax_rules.compute(tax_rules.organization_rule(session, org, po.vat_rule_code, on), adjusted) \
        if po.vat_rule_code else None
    wht = tax_rules.compute(tax_rules.organization_rule(session, org, po.withholding_rule_code, on), adjusted,
                            vat=vat.total if vat else Decimal(0)) if po.withholding_rule_code else None
    return vat, wht


def read_any_po(session: Session, po: PurchaseOrder) -> PoRead:
    """The order as its readers see it; callers have checked who may read it."""
    vendor = session.get(StudioPartner, po.vendor_partner_id)
    vat, wht = document_taxes(session, po, po.adjusted, po.order_date)
    q = quantum(po.currency)
    net = po.adjusted + (vat.total if vat else 0) - (wht.total if wht else 0)
    return PoRead(id=po.id, number=po.number, vendor_partner_id=po.vendor_partner_id,
                  vendor_name=display_name(vendor) if vendor else "", project_id=po.project_id, process_type=po.process_type,
                  currency=po.currency, order_date=po.order_date, status=po.status, created_by=po.created_by,
                  cost_centre=po.cost_centre,
                  base=Decimal(po.base).quantize(q),
                  adjusted=Decimal(po.adjusted).quantize(q), vat=vat, withholding=wht, net_payable=Decimal(net).quantize(q),
                  lines=[PoLineRead(id=x.id, description=x.description, quantity=x.quantity, unit_price=x.unit_price,
                                    difficulty_rate=x.difficulty_rate, urgency_rate=x.urgency_rate, task_id=x.task_id,
                                    base=Decimal(x.base).quantize(q), adjusted=Decimal(x.adjusted).quantize(q))
                         for x in _lines(session, pk(po))])


def _lines(session: Session, po_id: int) -> list[PurchaseOrderLine]:
    return list(session.exec(select(PurchaseOrderLine).where(PurchaseOrderLine.po_id == po_id)
                             .order_by(col(PurchaseOrderLine.id))).all())


def _rule_problems(session: Session, actor: Actor, data: PoCreate, currency: str, vendor: StudioPartner) -> dict:
    problems: dict[str, str] = {}
    for field, code, kind in (("vat_rule_code", data.vat_rule_code, TaxKind.VAT),
                              ("withholding_rule_code", data.withholding_rule_code, TaxKind.WITHHOLDING)):
        if not code.strip():
            continue
        try:
            rule = tax_rules.rule_in_force(session, actor, code, data.order_date)
        except NotFound as error:
            problems[field] = error.message
            continue
        if rule.kind != kind or rule.currency != currency:
            problems[field] = (t("Choose a VAT rule in {currency}.", currency=currency) if kind == TaxKind.VAT
                               else t("Choose a withholding rule in {currency}.", currency=currency))
    if vendor.is_individual and not data.withholding_rule_code.strip():
        problems["withholding_rule_code"] = t("{vendor} is an individual: choose the withholding rule.",
                                                vendor=vendor.name)
    return problems


def _task_problems(session: Session, actor: Actor, data: PoCreate, vendor_id: int) -> dict:
    ids = [x.task_id for x in data.lines if x.task_id is not None]
    tasks = {task.id: task for task in session.exec(select(StudioTask).where(
        col(StudioTask.id).in_(ids or [-1]), StudioTask.organization_id == actor.organization_id)).all()}
    problems = {}
    for i, line in enumerate(data.lines):
        if line.task_id is None:
            continue
        task = tasks.get(line.task_id)
        if task is None or (data.project_id is not None and task.project_id != data.project_id):
            problems[f"lines.{i}"] = t("No such task in this project.")
        elif task.vendor_partner_id != vendor_id:
            problems[f"lines.{i}"] = t("This task is not given to this vendor.")
    if len(ids) != len(set(ids)):
        problems["lines"] = t("A task appears twice.")
    return problems
