"""Demo finance for Acme (called by services/demo/seed.py after traceability): the chart of accounts, fiscal
periods of last year and this year, tax rules as they read in Korea, Japan, Bangladesh and Germany (example
configuration, with their effective dates and rounding), machine and labour rates of the Berlin work centers,
the shipped demo shipment invoiced and half paid, and EUR as the cost currency from the first day of the plant's
history (that history posted to the ledger at standard cost), so /finance has a ledger, receivables, production
and costs to show.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from models.base import pk
from models.finance import Rounding, TaxBase, TaxKind
from models.resources import WorkCenter
from models.shipments import Shipment, ShipmentStatus
from services.core.access import Actor
from services.demo.production import history_days
from services.finance import accounts, cost_rates, invoices, payments, periods, production_postings, tax_rules
from services.finance.cost_rates import WorkCenterRates
from services.finance.invoices import InvoiceOptions
from services.finance.payments import PaymentCreate
from services.finance.tax_rules import ComponentInput, TaxRuleCreate, TierInput


def _flat(name: str, rate: str, rounding: Rounding = Rounding.HALF_UP, unit: str | None = None,
          base: str = "amount") -> ComponentInput:
    return ComponentInput(name=name, tiers=[TierInput(rate=Decimal(rate))], rounding=rounding,
                          unit=Decimal(unit) if unit else None, base=base)


TAX_RULES = [
    TaxRuleCreate(code="DE-VAT-19", name="Umsatzsteuer 19 %", jurisdiction="DE", kind=TaxKind.VAT, currency="EUR",
                  effective_from=date(2007, 1, 1), components=[_flat("VAT", "0.19")]),
    TaxRuleCreate(code="KR-VAT-10", name="부가가치세 10 %", jurisdiction="KR", kind=TaxKind.VAT, currency="KRW",
                  effective_from=date(1977, 7, 1), components=[_flat("VAT", "0.10", Rounding.TRUNCATE)]),
    TaxRuleCreate(code="KR-WHT-3.3", name="사업소득 원천징수 3.3 % (freelancers)", jurisdiction="KR",
                  kind=TaxKind.WITHHOLDING, currency="KRW", effective_from=date(2014, 1, 1),
                  components=[_flat("Income tax", "0.03", Rounding.TRUNCATE, "10"),
                              _flat("Local income tax", "0.10", Rounding.TRUNCATE, "10", base="Income tax")],
                  note="Local income tax is 10 % of the income tax; both truncated below 10 won."),
    TaxRuleCreate(code="JP-CT-10", name="消費税 10 %", jurisdiction="JP", kind=TaxKind.VAT, currency="JPY",
                  effective_from=date(2019, 10, 1), components=[_flat("Consumption tax", "0.10", Rounding.TRUNCATE)]),
    TaxRuleCreate(code="JP-WHT-FEE", name="源泉徴収 報酬・料金", jurisdiction="JP", kind=TaxKind.WITHHOLDING,
                  currency="JPY", base=TaxBase.NET, effective_from=date(2013, 1, 1),
                  components=[ComponentInput(name="Income tax (incl. reconstruction tax)", rounding=Rounding.TRUNCATE,
                                             tiers=[TierInput(up_to=Decimal(1_000_000), rate=Decimal("0.1021")),
                                                    TierInput(rate=Decimal("0.2042"))])],
                  note="On the fee without consumption tax when that tax is stated separately."),
    TaxRuleCreate(code="BD-VAT-15", name="VAT 15 %", jurisdiction="BD", kind=TaxKind.VAT, currency="BDT",
                  effective_from=date(2019, 7, 1), components=[_flat("VAT", "0.15")]),
    TaxRuleCreate(code="BD-TDS-SVC-10", name="Tax deducted at source, services 10 %", jurisdiction="BD",
                  kind=TaxKind.WITHHOLDING, currency="BDT", effective_from=date(2023, 7, 1),
                  components=[_flat("Income tax (TDS)", "0.10")], note="Example rate; check the current schedule."),
]
RATES = {"machine": Decimal("65"), "labour": Decimal("38")}


def seed_demo_finance(session: Session, organization_id: int, finance: Actor, *, now: datetime) -> None:
    accounts.apply_chart_template(session, finance, now=now)
    for year in (now.year - 1, now.year):
        periods.open_year(session, finance, year, now=now)
    for rule in TAX_RULES:
        tax_rules.create_tax_rule(session, finance, rule, now=now)
    for i, wc in enumerate(session.exec(select(WorkCenter).where(WorkCenter.organization_id == organization_id)
                                        .order_by(col(WorkCenter.id))).all()):
        cost_rates.set_rates(session, finance, pk(wc), WorkCenterRates(
            machine_rate_per_hour=RATES["machine"] + 5 * (i % 4), labour_rate_per_hour=RATES["labour"]), now=now)
    # the plant is costed in EUR from the first day of its history: that history is posted now, later production
    # as it happens (services/finance/production_postings.py)
    production_postings.set_cost_currency(session, finance, "EUR", now=now - timedelta(days=history_days() + 1))
    production_postings.post_pending(session, finance, now=now)
    shipped = session.exec(select(Shipment).where(Shipment.organization_id == organization_id,
                                                  Shipment.status == ShipmentStatus.SHIPPED)
                           .order_by(col(Shipment.id))).all()
    for shipment in shipped:
        issued_on = (shipment.shipped_at or now).date()
        draft = invoices.invoice_shipment(session, finance, pk(shipment), InvoiceOptions(
            currency="EUR", vat_rule_code="DE-VAT-19", issue_date=issued_on, payment_days=30), now=now)
        invoice = invoices.issue(session, finance, draft.id, now=now)
        half = (invoice.total / 2).quantize(Decimal("0.01"))
        payments.record_payment(session, finance, PaymentCreate(
            customer_id=invoice.customer_id, currency="EUR", received_on=min(now.date(), issued_on + timedelta(days=14)),
            amount=half, reference="Partial transfer"), now=now)
