"""Customer invoices, credit notes, payments and AR aging: prices, VAT rounded once per invoice, never billing
more than ordered or a shipment twice, postings that balance, allocation rules, aging buckets, isolation."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from models.catalog import Customer, Product
from models.finance import InvoiceStatus, PriceListItem, TaxKind
from models.orders import CustomerOrder, OrderLine
from models.shipments import Shipment, ShipmentLine, ShipmentStatus
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.finance import accounts, invoices, ledger_reports, payments, periods, tax_rules
from services.finance.invoices import InvoiceOptions, OrderLinePick
from services.finance.payments import Allocation, PaymentCreate
from services.finance.tax_rules import ComponentInput, TaxRuleCreate, TierInput

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
OPTS = InvoiceOptions(currency="EUR", vat_rule_code="DE-VAT-19", issue_date=date(2026, 12, 1), payment_days=30)


def _add(session, row):
    session.add(row)
    session.flush()
    return row.id


@pytest.fixture
def fin(world):
    return world.actor(world.admin_a)


@pytest.fixture
def shop(session, world, fin):
    """Customer ACME with an order: 10 x bolt at 1.99 (on the line), 3 x nut priced by the list (0.35, 10 % off)."""
    org = world.org_a
    with transaction(session):
        periods.open_year(session, fin, 2026, now=NOW)
        periods.open_year(session, fin, 2027, now=NOW)
        accounts.apply_chart_template(session, fin, now=NOW)
        tax_rules.create_tax_rule(session, fin, TaxRuleCreate(
            code="DE-VAT-19", name="VAT 19 %", jurisdiction="DE", kind=TaxKind.VAT, currency="EUR",
            effective_from=date(2007, 1, 1), components=[ComponentInput(name="VAT", tiers=[TierInput(rate=Decimal("0.19"))])]),
            now=NOW)
    customer = _add(session, Customer(organization_id=org, code="ACME", name="Acme"))
    bolt = _add(session, Product(organization_id=org, code="BOLT", name="Bolt"))
    nut = _add(session, Product(organization_id=org, code="NUT", name="Nut"))
    order = _add(session, CustomerOrder(organization_id=org, plant_id=world.plant1, number="SO-1", customer_id=customer))
    l1 = _add(session, OrderLine(organization_id=org, order_id=order, line_no=1, product_id=bolt, quantity=10,
                                 promised_date=date(2026, 12, 10), unit_price=Decimal("1.99")))
    l2 = _add(session, OrderLine(organization_id=org, order_id=order, line_no=2, product_id=nut, quantity=3,
                                 promised_date=date(2026, 12, 10)))
    _add(session, PriceListItem(organization_id=org, product_id=nut, customer_id=None, currency="EUR",
                                unit_price=Decimal("0.40"), valid_from=date(2026, 1, 1)))
    _add(session, PriceListItem(organization_id=org, product_id=nut, customer_id=customer, currency="EUR",
                                unit_price=Decimal("0.35"), discount_pct=Decimal("10"), valid_from=date(2026, 1, 1)))
    session.commit()
    return {"customer": customer, "l1": l1, "l2": l2, "order": order}


def _invoice(session, fin, shop, picks, opts=OPTS):
    with transaction(session):
        draft = invoices.invoice_order_lines(session, fin, shop["customer"], picks, opts, now=NOW)
        return invoices.issue(session, fin, draft.id, now=NOW)


def test_invoice_prices_vat_and_posting(session, fin, shop):
    inv = _invoice(session, fin, shop, [OrderLinePick(order_line_id=shop["l1"], quantity=10),
                                        OrderLinePick(order_line_id=shop["l2"], quantity=3)])
    # 10 x 1.99 = 19.90; 3 x 0.35 less 10 % = 0.945 -> 0.95 (half up); net 20.85; VAT 19 % = 3.9615 -> 3.96
    assert [line.net for line in inv.lines] == [Decimal("19.90"), Decimal("0.95")]
    assert (inv.net, inv.vat, inv.total, inv.status) == (Decimal("20.85"), Decimal("3.96"), Decimal("24.81"),
                                                         InvoiceStatus.ISSUED)
    assert inv.due_date == date(2026, 12, 31) and inv.number == "INV-000001"
    tb = {r.code: (r.debit, r.credit) for r in ledger_reports.trial_balance(session, fin, currency="EUR").rows}
    assert tb == {"1100": (Decimal("24.81"), 0), "2100": (0, Decimal("3.96")), "4000": (0, Decimal("20.85"))}


def test_never_more_than_ordered_and_credit_notes_give_back(session, fin, shop):
    inv = _invoice(session, fin, shop, [OrderLinePick(order_line_id=shop["l1"], quantity=6)])
    with pytest.raises(Invalid) as exc:
        invoices.invoice_order_lines(session, fin, shop["customer"], [OrderLinePick(order_line_id=shop["l1"], quantity=5)],
                                     OPTS, now=NOW)
    assert "Only 4" in exc.value.fields["lines.0"]
    with transaction(session):
        note = invoices.credit_note(session, fin, inv.id, [OrderLinePick(order_line_id=shop["l1"], quantity=2)],
                                    issue_date=date(2026, 12, 5), reason="two bent", now=NOW)
        invoices.issue(session, fin, note.id, now=NOW)
    assert (note.number, note.total) == ("CN-000001", Decimal("4.74"))          # 3.98 + 0.7562 -> 0.76
    with pytest.raises(Invalid):
        invoices.credit_note(session, fin, inv.id, [OrderLinePick(order_line_id=shop["l1"], quantity=5)],
                             issue_date=date(2026, 12, 5), reason="too many", now=NOW)
    _invoice(session, fin, shop, [OrderLinePick(order_line_id=shop["l1"], quantity=6)])   # 4 left + 2 credited
    tb = ledger_reports.trial_balance(session, fin, currency="EUR")
    assert tb.total_debit == tb.total_credit


def test_a_shipment_is_invoiced_once_and_only_when_shipped(session, world, fin, shop):
    org = world.org_a
    shipment = _add(session, Shipment(organization_id=org, plant_id=world.plant1, number="SHP-1",
                                      customer_id=shop["customer"], status=ShipmentStatus.OPEN))
    _add(session, ShipmentLine(organization_id=org, shipment_id=shipment, order_line_id=shop["l1"],
                               product_id=session.get(OrderLine, shop["l1"]).product_id, quantity=10, quantity_packed=7))
    session.commit()
    with pytest.raises(Conflict):
        invoices.invoice_shipment(session, fin, shipment, OPTS, now=NOW)
    session.get(Shipment, shipment).status = ShipmentStatus.SHIPPED
    session.commit()
    with transaction(session):
        inv = invoices.invoice_shipment(session, fin, shipment, OPTS, now=NOW)
    assert [(x.quantity, x.net) for x in inv.lines] == [(7, Decimal("13.93"))] and inv.shipment_id == shipment
    with pytest.raises(Conflict):
        invoices.invoice_shipment(session, fin, shipment, OPTS, now=NOW)
    with transaction(session):
        invoices.void_draft(session, fin, inv.id, now=NOW)
        again = invoices.invoice_shipment(session, fin, shipment, OPTS, now=NOW)
    assert again.number == "INV-000002"


def test_payments_allocate_oldest_first_and_aging_buckets(session, fin, shop):
    first = _invoice(session, fin, shop, [OrderLinePick(order_line_id=shop["l1"], quantity=5)])          # 11.84
    later = OPTS.model_copy(update={"issue_date": date(2026, 12, 20)})
    second = _invoice(session, fin, shop, [OrderLinePick(order_line_id=shop["l1"], quantity=5)], later)  # 11.84, due 1/19
    with transaction(session):
        pay = payments.record_payment(session, fin, PaymentCreate(customer_id=shop["customer"], currency="EUR",
                                                                  received_on=date(2027, 1, 5), amount=Decimal("15.00")),
                                      now=NOW)
    assert [(a.invoice_id, a.amount) for a in pay.allocated] == [(first.id, Decimal("11.84")),
                                                                 (second.id, Decimal("3.16"))]
    assert pay.unallocated == 0
    aging = payments.ar_aging(session, fin, as_of=date(2027, 2, 10), currency="EUR")
    assert aging[0].buckets["1-30"] == Decimal("8.68") and aging[0].total == Decimal("8.68")
    assert payments.bucket_totals(aging) == {"current": 0, "1-30": Decimal("8.68"), "31-60": 0, "61-90": 0,
                                             "over 90": 0}
    before = payments.ar_aging(session, fin, as_of=date(2027, 1, 4), currency="EUR")
    assert before[0].buckets["1-30"] == Decimal("11.84") and before[0].buckets["current"] == Decimal("11.84")
    with pytest.raises(Invalid) as exc:
        payments.record_payment(session, fin, PaymentCreate(
            customer_id=shop["customer"], currency="EUR", received_on=date(2027, 1, 6), amount=Decimal("20"),
            allocations=[Allocation(invoice_id=second.id, amount=Decimal("9"))]), now=NOW)
    assert "owes only 8.68" in exc.value.fields["allocations.0"]
    tb = ledger_reports.trial_balance(session, fin, currency="EUR")
    assert {r.code: r.debit for r in tb.rows}["1000"] == Decimal("15.00")


def test_finance_only_and_organizations(session, world, fin, shop):
    inv = _invoice(session, fin, shop, [OrderLinePick(order_line_id=shop["l1"], quantity=1)])
    with pytest.raises(Forbidden):
        invoices.list_invoices(session, world.actor(world.planner1))
    other = world.actor(world.admin_b)
    with pytest.raises(NotFound):
        invoices.get_invoice(session, other, inv.id)
    with pytest.raises(NotFound):
        invoices.invoice_order_lines(session, other, shop["customer"], [OrderLinePick(order_line_id=shop["l1"],
                                                                                    quantity=1)], OPTS, now=NOW)
