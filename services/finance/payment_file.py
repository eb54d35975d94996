"""The batch payment file: one bank transfer per unpaid settlement, as CSV in Takt's bank-transfer layout.

Layout (also in docs/finance.md, "Batch payment file"): UTF-8 with a byte-order mark, comma-separated, CRLF line
ends, one header row with these column names, then one row per transfer in settlement-number order:

| # | column | content |
| --- | --- | --- |
| 1 | `sequence` | 1, 2, 3 ... within the file |
| 2 | `value_date` | the requested execution date, YYYY-MM-DD |
| 3 | `debtor_name` | the paying organization's display name (its branding) |
| 4 | `beneficiary_name` | the vendor's name |
| 5 | `beneficiary_account` | the vendor's bank account as recorded (IBAN or domestic number), spaces removed |
| 6 | `beneficiary_id` | the vendor's business (or tax) number; empty when not recorded |
| 7 | `currency` | ISO 4217 code of the purchase order |
| 8 | `amount` | the settlement's net payable (adjusted + VAT - withholding); a point as decimal mark, no |
|   |          | grouping, as many decimals as the currency has (none for KRW and JPY) |
| 9 | `reference` | the settlement number (ST-000012): the bank statement line is matched back by it |
| 10 | `remittance_info` | "<PO number> <settlement number> <settled on>" for the vendor's statement |

Text that a spreadsheet would run as a formula (starting with =, +, -, @) is prefixed with an apostrophe (as every
CSV export of services/core/exports.py). A settlement that is paid, of another organization, or whose vendor has no
bank account is refused with the reason per settlement, and no file is written. Writing the file does not mark
anything paid: `settlements.mark_paid` records the payment (and posts it) when the bank has executed it.

Invariants: FINANCE only; amounts are the stored net payables, exact in the currency's minor unit; every file is
audited (which settlements, the total per currency).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from models.base import referenced
from models.purchasing import PurchaseOrder, Settlement
from models.studio import StudioPartner
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Invalid
from services.core.exports import to_csv
from services.core.messages import t
from services.finance.money import quantum
from services.org.branding import branding_for_org

COLUMNS = ["sequence", "value_date", "debtor_name", "beneficiary_name", "beneficiary_account", "beneficiary_id",
           "currency", "amount", "reference", "remittance_info"]


class PaymentRequest(BaseModel):
    settlement_ids: list[int] = Field(default_factory=list, max_length=5000)   # empty: every unpaid settlement
    value_date: date


class Transfer(BaseModel):
    sequence: int
    value_date: date
    debtor_name: str
    beneficiary_name: str
    beneficiary_account: str
    beneficiary_id: str
    currency: str
    amount: str
    reference: str
    remittance_info: str


def transfers(session: Session, actor: Actor, request: PaymentRequest) -> list[Transfer]:
    """The transfers the file will hold, checked: unpaid settlements of this organization with a bank account."""
    require(actor, Permission.FINANCE)
    query = select(Settlement).where(Settlement.organization_id == actor.organization_id)
    if request.settlement_ids:
        query = query.where(col(Settlement.id).in_(request.settlement_ids))
    else:
        query = query.where(col(Settlement.paid_on).is_(None))
    found = list(session.exec(query.order_by(col(Settlement.number))).all())
    problems = {f"settlement_ids.{i}": t("No such settlement.") for i, sid in enumerate(request.settlement_ids)
                if sid not in {s.id for s in found}}
    debtor = branding_for_org(session, actor.organization_id).display_name
    out: list[Transfer] = []
    for s in found:
        po = referenced(session, PurchaseOrder, s.po_id)
        vendor = referenced(session, StudioPartner, po.vendor_partner_id)
        account = "".join(vendor.bank_account.split())
        if s.paid_on is not None:
            problems[s.number] = t("Paid on {day}.", day=s.paid_on)
        elif not account:
            problems[s.number] = t("{vendor} has no bank account recorded.", vendor=vendor.name)
        out.append(Transfer(sequence=len(out) + 1, value_date=request.value_date, debtor_name=debtor,
                            beneficiary_name=vendor.name, beneficiary_account=account,
                            beneficiary_id=vendor.business_number, currency=po.currency,
                            amount=f"{Decimal(s.net_payable).quantize(quantum(po.currency)):f}", reference=s.number,
                            remittance_info=f"{po.number} {s.number} {s.settled_on.isoformat()}"))
    if problems:
        raise Invalid(t("The payment file cannot be made: {problems}",
                        problems=" ".join(f"{k}: {v}" for k, v in problems.items())), fields=problems)
    if not out:
        raise Invalid(t("There is no unpaid settlement to pay."), fields={"settlement_ids": t("Nothing to pay.")})
    return out


def payment_file(session: Session, actor: Actor, request: PaymentRequest, *, now: datetime) -> bytes:
    """The CSV file of `transfers`, audited."""
    rows = transfers(session, actor, request)
    totals: dict[str, Decimal] = {}
    for transfer in rows:
        totals[transfer.currency] = totals.get(transfer.currency, Decimal(0)) + Decimal(transfer.amount)
    audit(session, actor, "payment_file", None, "export",
          {"settlements": [transfer.reference for transfer in rows], "value_date": request.value_date.isoformat(),
           "totals": {k: str(v) for k, v in sorted(totals.items())}}, at=now)
    return to_csv(rows, COLUMNS)
