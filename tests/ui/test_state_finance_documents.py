"""The purchase order, settlement and invoice pages' state: a PO drafted from the vendor's tasks with its figures and
rounding rules, approval offered only to another finance person, acknowledgement only to the vendor's account,
settlement of QC2-approved work and its payment; invoices from order lines, issue, credit note, payment allocation
and AR aging; refusals for people without finance rights and nothing of another organization."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from models.base import utcnow
from models.catalog import Customer, Product
from models.finance import Rounding, TaxKind
from models.orders import CustomerOrder, OrderLine
from models.shipments import Shipment, ShipmentLine, ShipmentStatus
from models.studio import StudioPartner
from models.studio_work import StudioTask
from models.user import User
from rxapp.state.finance.invoices import InvoicesState
from rxapp.state.finance.purchase_orders import PurchaseOrdersState
from rxapp.state.org.auth import AuthState
from services.core import formats
from services.core.db import transaction
from services.finance import accounts, budgets, periods, po_approval, purchasing, tax_rules
from services.finance.budgets import BudgetInput
from services.finance.purchasing import PoCreate, PoLineInput
from services.finance.tax_rules import ComponentInput, TaxRuleCreate, TierInput
from services.org import settings
from services.org.settings import SettingsUpdate
from tests.factories.org import make_user
from tests.factories.studio import make_studio
from tests.ui.conftest import new_tab, redirects, run, session_token, signed_in, toasts


@pytest.fixture
def books(session, world):
    """A ledger for this year and the Korean VAT and 3.3 % withholding rules, set up by the admin."""
    admin, now = world.actor(world.admin_a), utcnow()
    with transaction(session):
        periods.open_year(session, admin, now.year, now=now)
        accounts.apply_chart_template(session, admin, now=now)
        for rule in (TaxRuleCreate(code="KR-VAT-10", name="VAT", jurisdiction="KR", kind=TaxKind.VAT, currency="KRW",
                                   effective_from=date(2020, 1, 1), components=[ComponentInput(
                                       name="VAT", tiers=[TierInput(rate=Decimal("0.1"))], rounding=Rounding.TRUNCATE)]),
                     TaxRuleCreate(code="KR-WHT-3.3", name="WHT", jurisdiction="KR", kind=TaxKind.WITHHOLDING,
                                   currency="KRW", effective_from=date(2020, 1, 1), components=[
                                       ComponentInput(name="Income tax", tiers=[TierInput(rate=Decimal("0.03"))],
                                                      rounding=Rounding.TRUNCATE, unit=Decimal(10)),
                                       ComponentInput(name="Local income tax", base="Income tax",
                                                      tiers=[TierInput(rate=Decimal("0.1"))], rounding=Rounding.TRUNCATE,
                                                      unit=Decimal(10))])):
            tax_rules.create_tax_rule(session, admin, rule, now=now)
    make_user(session, world.org_a, roles=["finance"], plant_ids=[world.plant1], username="fin.writer")
    make_user(session, world.org_a, roles=["finance"], plant_ids=[world.plant1], username="fin.approver")
    session.commit()
    return world


async def _portal(engine, username: str) -> PurchaseOrdersState:
    state = await new_tab(PurchaseOrdersState)
    auth = await state.get_state(AuthState)
    auth.token = session_token(engine, username)
    assert redirects(await run(auth.require("studio_portal"), auth)) == []
    return state


def _download(events: list) -> str:
    """The JavaScript of the one download among `events` (file name and data URL)."""
    (event,) = events
    return " ".join(getattr(v, "_js_expr", str(v)) for _k, v in event.args)


PO_FORM = {"process_type": "In-between", "currency": "KRW", "vat_rule_code": "", "withholding_rule_code": "KR-WHT-3.3",
           "unit_price": "150000", "difficulty_rate": "1.20", "urgency_rate": "1.50"}


async def test_po_from_the_vendors_tasks_approved_acknowledged_settled_and_paid(engine, session, books):
    studio = make_studio(session, books)
    session.get(StudioPartner, studio.vendor_id).is_individual = True
    session.commit()
    writer = await signed_in(engine, PurchaseOrdersState, "fin.writer")
    await run(writer.enter(), writer)
    assert writer.is_finance and writer.rows == []
    await run(writer.open_new(), writer)
    assert writer.form_open and {o.value for o in writer.wht_options} == {"KR-WHT-3.3"}
    await run(writer.choose_vendor(str(studio.vendor_id)), writer)
    await run(writer.choose_project(str(studio.project_id)), writer)
    assert [c.id for c in writer.task_choices] == [str(studio.vendor_task_id)] == writer.chosen_tasks
    events = await run(writer.create(PO_FORM | {"withholding_rule_code": ""}), writer)
    assert "withholding_rule_code" in writer.form_errors and toasts(events, "error") and writer.rows == []
    events = await run(writer.create(PO_FORM), writer)
    assert toasts(events, "success") and not writer.form_open
    assert [(r.number, r.status, r.net) for r in writer.rows] == [("PO-000001", "draft", "261,090 KRW")]
    figures = {f.label: f.value for f in writer.detail_figures}
    # 150,000 x 1.20 x 1.50 = 270,000; income tax 3 % = 8,100 and local tax 10 % of it = 810, each truncated to 10
    assert figures["Base"] == "150,000 KRW" and figures["Adjusted"] == "270,000 KRW"
    assert figures["Net payable"] == "261,090 KRW"
    assert [v for k, v in figures.items() if k.startswith("−")] == ["8,100", "810"]
    assert all("10" in k for k in figures if k.startswith("−"))              # the rounding unit is in the label
    assert [(x.quantity, x.rates, x.adjusted) for x in writer.detail_lines] == [("1", "× 1.2 × 1.5", "270,000")]
    assert not writer.can_approve and not writer.can_acknowledge and not writer.can_settle   # the writer's own draft
    assert writer.can_submit
    assert toasts(await run(writer.submit(), writer), "success")
    assert not writer.can_submit and not writer.can_approve and "finance" in writer.approval_text
    vendor = await _portal(engine, "vendor.user")
    await run(vendor.enter(), vendor)
    assert vendor.rows == [] and not vendor.is_finance                       # drafts are not shared

    approver = await signed_in(engine, PurchaseOrdersState, "fin.approver")
    await run(approver.enter(), approver)
    await run(approver.open_po(writer.rows[0].id), approver)
    assert approver.can_approve and not approver.can_acknowledge
    assert toasts(await run(approver.approve(), approver), "success")
    assert approver.rows[0].status == "approved" and not approver.can_approve
    assert "0 tasks" in approver.settle_text and not approver.can_settle    # nothing passed QC2 yet

    await run(vendor.load(), vendor)
    await run(vendor.open_po(vendor.rows[0].id), vendor)
    assert vendor.can_acknowledge and not vendor.can_approve and not vendor.can_settle
    assert toasts(await run(vendor.acknowledge(), vendor), "success")
    assert vendor.rows[0].status == "acknowledged" and vendor.settlement_rows == []
    other_vendor = await _portal(engine, "other.vendor")
    await run(other_vendor.enter(), other_vendor)
    assert other_vendor.rows == []

    session.get(StudioTask, studio.vendor_task_id).approved_at = utcnow()
    session.commit()
    await run(writer.load(), writer)
    assert writer.can_settle and writer.settle_text.startswith("1 tasks") and "270,000 KRW" in writer.settle_text
    assert toasts(await run(writer.settle(), writer), "success")
    assert not writer.can_settle
    row = writer.settlement_rows[0]
    assert (row.po_number, row.tasks, row.withholding, row.net, row.paid_on) == (
        "PO-000001", "1", "8,910 KRW", "261,090 KRW", "")
    pdf = await run(writer.download_statement(row.id, "pdf"), writer)
    xlsx = await run(writer.download_statement(row.id, "xlsx"), writer)
    assert "application/pdf" in _download(pdf) and "spreadsheetml" in _download(xlsx) and ".xlsx" in _download(xlsx)
    assert "application/pdf" in _download(await run(vendor.download_po(), vendor))     # the vendor's own order
    assert toasts(await run(other_vendor.download_statement(row.id, "pdf"), other_vendor), "error")
    paid_on = utcnow().date()
    events = await run(writer.mark_paid({"settlement_id": str(row.id), "paid_on": "yesterday"}), writer)
    assert toasts(events, "error") and writer.settlement_rows[0].paid_on == ""
    events = await run(writer.mark_paid({"settlement_id": str(row.id), "paid_on": paid_on.isoformat()}), writer)
    assert toasts(events, "success") and writer.settlement_rows[0].paid_on == formats.day(paid_on, fmt="short")


async def test_po_page_refuses_people_without_finance_rights_and_other_organizations(engine, session, books):
    make_studio(session, books)
    make_user(session, books.org_a, roles=["planner"], plant_ids=[books.plant1], username="plan.po")
    session.commit()
    planner = await signed_in(engine, PurchaseOrdersState, "plan.po")
    await run(planner.enter(), planner)
    assert planner.load_error != "" and planner.rows == []
    assert toasts(await run(planner.open_new(), planner), "error") and not planner.form_open
    writer = await signed_in(engine, PurchaseOrdersState, "fin.writer")
    await run(writer.open_new(), writer)
    await run(writer.choose_vendor(str(books.admin_b)), writer)             # an id of nothing of ours
    assert writer.task_choices == []
    other = await signed_in(engine, PurchaseOrdersState, "admin.b")
    await run(other.enter(), other)
    assert other.load_error == "" and other.rows == [] and other.settlement_rows == []


async def test_invoice_from_order_lines_issued_credited_paid_and_aged(engine, session, books):
    today = utcnow().date()
    fin = books.actor(books.admin_a)
    with transaction(session):
        tax_rules.create_tax_rule(session, fin, TaxRuleCreate(
            code="DE-VAT-19", name="VAT", jurisdiction="DE", kind=TaxKind.VAT, currency="EUR",
            effective_from=date(2007, 1, 1), components=[ComponentInput(name="VAT", tiers=[TierInput(rate=Decimal("0.19"))])]),
            now=utcnow())
        customer = Customer(organization_id=books.org_a, code="C1", name="Customer One")
        product = Product(organization_id=books.org_a, code="P1", name="Part")
        session.add_all([customer, product])
        session.flush()
        order = CustomerOrder(organization_id=books.org_a, plant_id=books.plant1, number="SO-1", customer_id=customer.id)
        session.add(order)
        session.flush()
        line = OrderLine(organization_id=books.org_a, order_id=order.id, line_no=1, product_id=product.id, quantity=10,
                         promised_date=today, unit_price=Decimal("12.50"))
        session.add(line)
    state = await signed_in(engine, InvoicesState, "fin.writer")
    await run(state.enter(), state)
    assert state.load_error == "" and state.rows == [] and "DE-VAT-19" in {o.value for o in state.vat_options}
    await run(state.choose_bill_customer(str(customer.id)), state)
    assert [(b.label, b.left) for b in state.billable] == [("SO-1/1 P1 Part", "10")]
    form = {"currency": "EUR", "vat_rule_code": "DE-VAT-19", "issue_date": (today - timedelta(days=40)).isoformat(),
            "payment_days": "30"}
    events = await run(state.invoice_lines(form | {f"qty_{line.id}": "11"}), state)
    assert toasts(events, "error") and "lines.0" in state.form_errors               # more than ordered
    assert toasts(await run(state.invoice_lines(form | {f"qty_{line.id}": "8"}), state), "success")
    assert {f.label.split(" ")[0]: f.value for f in state.detail_figures} == {
        "Net": "100 EUR", "VAT": "19 EUR", "Total": "119 EUR"}
    assert state.detail_status == "draft" and [r.status for r in state.rows] == ["Draft"]
    assert toasts(await run(state.issue(), state), "success") and state.detail_status == "issued"
    pdf = _download(await run(state.download_pdf(), state))
    assert "application/pdf" in pdf and "INV-000001.pdf" in pdf                       # the issued invoice's PDF
    await run(state.choose_bill_customer(str(customer.id)), state)
    assert [b.left for b in state.billable] == ["2"]

    events = await run(state.credit({f"credit_{line.id}": "2", "reason": ""}), state)
    assert toasts(events, "error") and "reason" in state.form_errors
    assert toasts(await run(state.credit({f"credit_{line.id}": "2", "reason": "Two damaged",
                                          "issue_date": today.isoformat()}), state), "success")
    assert state.detail_kind == "credit_note" and state.detail_status == "draft"
    assert {f.label.split(" ")[0]: f.value for f in state.detail_figures}["Total"] == "29.75 EUR"   # 25 + 4.75
    await run(state.issue(), state)

    await run(state.set_currency("EUR"), state)
    await run(state.choose_pay_customer(str(customer.id)), state)
    invoice_id = next(r.id for r in state.rows if r.number == "INV-000001")
    assert [o.value for o in state.open_options] == [str(invoice_id)] and "89.25" in state.open_options[0].label
    events = await run(state.record_payment({"amount": "100", "invoice_id": str(invoice_id)}), state)
    assert toasts(events, "error") and "allocations.0" in state.form_errors       # owes only 89.25
    events = await run(state.record_payment({"amount": "50", "reference": "bank 1"}), state)   # oldest first
    assert toasts(events, "success") == ["PAY-000001: 50 allocated, 0 left on account."]
    aging = {f.label: f.value for f in state.aging_totals}
    assert aging["1-30 days late"] == "39.25" and aging["Not yet due"] == "0"
    assert [(a.customer, a.total) for a in state.aging] == [("Customer One", "39.25")]


async def test_invoice_page_refuses_people_without_finance_rights(engine, session, books):
    make_user(session, books.org_a, roles=["planner"], plant_ids=[books.plant1], username="plan.inv")
    session.commit()
    planner = await signed_in(engine, InvoicesState, "plan.inv")
    await run(planner.enter(), planner)
    assert planner.load_error != "" and planner.rows == []
    assert toasts(await run(planner.record_payment({"amount": "5"}), planner), "error")
    other = await signed_in(engine, InvoicesState, "admin.b")
    await run(other.enter(), other)
    assert other.load_error == "" and other.rows == [] and other.aging == []


async def test_invoice_drafted_from_a_shipped_shipment_once(engine, session, books):
    today = utcnow().date()
    admin = books.actor(books.admin_a)
    with transaction(session):
        tax_rules.create_tax_rule(session, admin, TaxRuleCreate(
            code="DE-VAT-19", name="VAT", jurisdiction="DE", kind=TaxKind.VAT, currency="EUR",
            effective_from=date(2007, 1, 1), components=[ComponentInput(name="VAT", tiers=[TierInput(rate=Decimal("0.19"))])]),
            now=utcnow())
        customer = Customer(organization_id=books.org_a, code="C2", name="Customer Two")
        product = Product(organization_id=books.org_a, code="P2", name="Bolt")
        session.add_all([customer, product])
        session.flush()
        order = CustomerOrder(organization_id=books.org_a, plant_id=books.plant1, number="SO-2", customer_id=customer.id)
        session.add(order)
        session.flush()
        line = OrderLine(organization_id=books.org_a, order_id=order.id, line_no=1, product_id=product.id, quantity=5,
                         promised_date=today, unit_price=Decimal("2.00"))
        session.add(line)
        session.flush()
        shipment = Shipment(organization_id=books.org_a, plant_id=books.plant1, number="SHP-9", customer_id=customer.id,
                            status=ShipmentStatus.SHIPPED)
        session.add(shipment)
        session.flush()
        session.add(ShipmentLine(organization_id=books.org_a, shipment_id=shipment.id, order_line_id=line.id,
                                 product_id=product.id, quantity=3, quantity_packed=3))
    state = await signed_in(engine, InvoicesState, "fin.writer")
    await run(state.enter(), state)
    assert [(o.value, o.label) for o in state.shipment_options] == [(str(shipment.id), "SHP-9 · Customer Two")]
    form = {"shipment_id": str(shipment.id), "currency": "EUR", "vat_rule_code": "DE-VAT-19",
            "issue_date": today.isoformat(), "payment_days": "14"}
    assert toasts(await run(state.invoice_shipment(form), state), "success")
    assert [(x.quantity, x.net) for x in state.detail_lines] == [("3", "6")]
    assert state.shipment_options == []                                   # billed: no longer offered
    assert toasts(await run(state.invoice_shipment(form), state), "error")


async def test_po_form_names_the_cost_centre_and_warns_of_its_budget_before_the_order_is_made(engine, session, books):
    studio = make_studio(session, books)
    with transaction(session):
        budgets.set_budget(session, books.actor(books.admin_a), BudgetInput(cost_centre="ANIM-2", currency="KRW",
                                                                            amount=Decimal(200000)), now=utcnow())
        settings.update_settings(session, books.actor(books.admin_a), SettingsUpdate(currency="KRW"), now=utcnow())
    writer = await signed_in(engine, PurchaseOrdersState, "fin.writer")      # a new order starts in KRW
    await run(writer.enter(), writer)
    await run(writer.open_new(), writer)
    await run(writer.choose_vendor(str(studio.vendor_id)), writer)
    await run(writer.choose_project(str(studio.project_id)), writer)
    await run(writer.form_value("cost_centre", "anim-2"), writer)
    assert writer.form_budget_warnings == []                                  # no price yet: nothing spent
    await run(writer.form_value("unit_price", "150000"), writer)
    assert writer.form_budget_warnings == []                                  # 150,000 fits in 200,000
    await run(writer.form_value("difficulty_rate", "1.20"), writer)
    await run(writer.form_value("urgency_rate", "1.50"), writer)
    (warning,) = writer.form_budget_warnings                                  # 270,000 does not
    assert "ANIM-2" in warning and "270,000 KRW" in warning and "70,000 over" in warning and writer.rows == []
    await run(writer.toggle_task(str(studio.vendor_task_id)), writer)         # no task, no amount
    assert writer.form_budget_warnings == []
    await run(writer.toggle_task(str(studio.vendor_task_id)), writer)
    assert len(writer.form_budget_warnings) == 1
    events = await run(writer.create(PO_FORM | {"cost_centre": "anim-2"}), writer)
    assert toasts(events, "success") and not writer.form_open and writer.form_budget_warnings == []
    assert writer.budget_warnings == [warning]                                # the order spends ANIM-2's budget


async def test_finance_receives_a_factory_line_and_settles_only_what_arrived(engine, session, books):
    studio = make_studio(session, books)
    writer_id = session.exec(select(User.id).where(User.username == "fin.writer")).one()
    approver_id = session.exec(select(User.id).where(User.username == "fin.approver")).one()
    now = utcnow()
    with transaction(session):
        po = purchasing.create_po(session, books.actor(writer_id), PoCreate(
            vendor_partner_id=studio.vendor_id, process_type="Machining", currency="KRW", order_date=now.date(),
            lines=[PoLineInput(description="Bracket machining", quantity=10, unit_price=Decimal(1000))]), now=now)
        po_approval.submit_po(session, books.actor(writer_id), po.id, now=now)
    with transaction(session):
        po_approval.approve_po(session, books.actor(approver_id), po.id, now=now)
    state = await signed_in(engine, PurchaseOrdersState, "fin.writer")
    await run(state.enter(), state)
    await run(state.open_po(po.id), state)
    (line,) = state.detail_lines
    assert (line.progress, line.receivable, state.can_settle) == ("0 of 10 received, 0 settled", 10, False)
    await run(state.receive({"line_id": str(line.id), "quantity": "12"}), state)
    assert state.receive_errors == {str(line.id): "Only 10 of 10 is still to be received on this line."}
    await run(state.receive({"line_id": str(line.id), "quantity": "four"}), state)
    assert state.receive_errors == {str(line.id): "Enter a whole quantity."}
    events = await run(state.receive({"line_id": str(line.id), "quantity": "4", "note": "truck 1"}), state)
    assert toasts(events, "success") and state.receive_errors == {}
    assert (state.detail_lines[0].progress, state.detail_lines[0].receivable) == ("4 of 10 received, 0 settled", 6)
    assert state.can_settle and state.settle_text == "4 received on other lines and not settled."
    assert toasts(await run(state.settle(), state), "success")
    assert state.detail_lines[0].progress == "4 of 10 received, 4 settled" and not state.can_settle
    assert state.settlement_rows[0].adjusted == "4,000 KRW"
