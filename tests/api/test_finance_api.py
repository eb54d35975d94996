"""Finance over real HTTP: tax rules and computation, the ledger (template, periods, entries, reports, export),
work-center rates and the cost roll-up, material check; roles and organizations."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from models.catalog import Customer, Product
from models.orders import CustomerOrder, OrderLine
from tests.api.conftest import assert_error
from tests.factories.documents import pdf_text_layer

KR_RULE = {"code": "KR-WHT-3.3", "name": "Freelancer withholding", "jurisdiction": "KR", "kind": "withholding",
           "currency": "KRW", "effective_from": "2024-01-01",
           "components": [{"name": "Income tax", "tiers": [{"rate": "0.03"}], "rounding": "truncate", "unit": "10"},
                          {"name": "Local income tax", "base": "Income tax", "tiers": [{"rate": "0.1"}],
                           "rounding": "truncate", "unit": "10"}]}


def test_tax_rule_create_compute_and_refusals(client, world, as_user):
    admin = as_user("admin.a")
    created = client.post("/finance/tax-rules", json=KR_RULE, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["rounding_text"] == ["Income tax: truncated to 10 KRW", "Local income tax: truncated to 10 KRW"]
    result = client.post("/finance/tax/compute", json={"code": "KR-WHT-3.3", "amount": "1234567", "on": "2026-12-01"},
                         headers=admin).json()
    assert [(c["name"], c["amount"]) for c in result["components"]] == [("Income tax", "37030"),
                                                                          ("Local income tax", "3700")]
    assert result["total"] == "40730"
    assert_error(client.post("/finance/tax-rules", json=KR_RULE, headers=admin), 409, "conflict")
    bad = {**KR_RULE, "code": "X", "components": [{"name": "A", "tiers": [{"rate": "2"}]}]}
    assert "components.0" in assert_error(client.post("/finance/tax-rules", json=bad, headers=admin), 422, "invalid")["fields"]
    assert_error(client.post("/finance/tax/compute", json={"code": "NOPE", "amount": "1", "on": "2026-12-01"},
                             headers=admin), 404, "not_found")
    assert_error(client.get("/finance/tax-rules", headers=as_user("planner.one")), 403, "forbidden")
    assert client.get("/finance/tax-rules", headers=as_user("admin.b")).json() == []


def test_ledger_round_trip_and_reports(client, world, as_user):
    admin = as_user("admin.a")
    chart = {a["role"]: a["id"] for a in client.post("/finance/accounts/apply-template", headers=admin).json()}
    months = client.post("/finance/periods/years/2026", headers=admin).json()
    assert len(months) == 12 and months[11]["name"] == "2026-12"
    entry = {"entry_date": "2026-12-03", "currency": "EUR", "memo": "Sale",
             "lines": [{"account_id": chart["receivable"], "debit": "119.00"},
                       {"account_id": chart["revenue"], "credit": "100.00"},
                       {"account_id": chart["vat_output"], "credit": "19.00"}]}
    posted = client.post("/finance/journal-entries", json=entry, headers=admin)
    assert posted.status_code == 201, posted.text
    unbalanced = {**entry, "lines": entry["lines"][:2]}
    assert "lines" in assert_error(client.post("/finance/journal-entries", json=unbalanced, headers=admin), 422,
                                   "invalid")["fields"]
    tb = client.get("/finance/trial-balance", params={"currency": "EUR"}, headers=admin).json()
    assert tb["total_debit"] == tb["total_credit"] == "119.00"
    tb_csv = client.get("/finance/trial-balance", params={"currency": "EUR", "format": "csv"}, headers=admin)
    rows = list(csv.reader(io.StringIO(tb_csv.content.decode("utf-8-sig"))))
    assert rows[0] == ["Account", "Name", "Type", "Debit", "Credit"] and len(rows) == 4
    dec = months[11]["id"]
    assert client.post(f"/finance/periods/{dec}/status", json={"status": "closed"}, headers=admin).json()["status"] == "closed"
    assert_error(client.post("/finance/journal-entries", json=entry, headers=admin), 409, "conflict")
    assert_error(client.post(f"/finance/periods/{dec}/status", json={"status": "open"}, headers=as_user("admin.b")),
                 404, "not_found")
    export = client.get("/finance/journal-export", params={"start": "2026-01-01", "end": "2027-01-01"}, headers=admin)
    assert export.status_code == 200 and export.content.decode("utf-8-sig").count("JE-000001") == 3
    gl = client.get(f"/finance/accounts/{chart['receivable']}/ledger",
                    params={"currency": "EUR", "start": "2026-12-01", "end": "2027-01-01"}, headers=admin).json()
    assert gl["closing"] == "119.00"


def test_rates_rollup_and_material_check(client, world, as_user):
    admin, planner = as_user("admin.a"), as_user("planner.one")
    wc = client.post("/work-centers", json={"plant_id": world.plant1, "department_id": world.dept1, "code": "CUT",
                                            "name": "Cutting"}, headers=planner).json()
    rates = client.put(f"/finance/work-center-rates/{wc['id']}",
                       json={"machine_rate_per_hour": "60", "labour_rate_per_hour": "30"}, headers=admin)
    assert rates.status_code == 200, rates.text
    assert_error(client.put(f"/finance/work-center-rates/{wc['id']}", json={"machine_rate_per_hour": "-1"},
                            headers=admin), 422, "invalid")
    assert_error(client.get("/finance/work-center-rates", headers=planner), 403, "forbidden")
    raw = client.post("/products", json={"code": "BAR", "name": "Bar", "type": "raw", "standard_cost": "2.50"},
                      headers=planner).json()
    part = client.post("/products", json={"code": "PIN", "name": "Pin"}, headers=planner).json()
    client.post(f"/products/{part['id']}/bom", json={"component_product_id": raw["id"], "quantity_per": "2",
                                                             "scrap_factor": "0.1"}, headers=planner).raise_for_status()
    client.post("/routings", json={"product_id": part["id"], "steps": [
        {"name": "Cut", "work_center_id": wc["id"], "ideal_cycle_seconds": "40"}]}, headers=planner).raise_for_status()
    rollup = client.get(f"/finance/products/{part['id']}/cost-rollup", headers=admin).json()
    assert (rollup["material"], rollup["conversion"], rollup["unit_cost"]) == ("5.5000", "1.0000", "6.5000")
    assert_error(client.get(f"/finance/products/{part['id']}/cost-rollup", headers=planner), 403, "forbidden")
    assert_error(client.get(f"/finance/products/{part['id']}/cost-rollup", headers=as_user("admin.b")), 404, "not_found")


def test_invoice_pdf_payment_and_aging_over_http(client, world, as_user, session):
    admin = as_user("admin.a")
    client.post("/finance/accounts/apply-template", headers=admin).raise_for_status()
    client.post("/finance/periods/years/2026", headers=admin).raise_for_status()
    vat = {"code": "JP-CT-10", "name": "Consumption tax", "jurisdiction": "JP", "kind": "vat", "currency": "JPY",
           "effective_from": "2019-10-01", "components": [{"name": "CT", "tiers": [{"rate": "0.10"}], "rounding": "truncate"}]}
    client.post("/finance/tax-rules", json=vat, headers=admin).raise_for_status()
    org = world.org_a
    customer = Customer(organization_id=org, code="TOKYO", name="Tokyo Trading")
    product = Product(organization_id=org, code="CEL", name="Cel")
    session.add_all([customer, product])
    session.flush()
    order = CustomerOrder(organization_id=org, plant_id=world.plant1, number="SO-9", customer_id=customer.id)
    session.add(order)
    session.flush()
    line = OrderLine(organization_id=org, order_id=order.id, line_no=1, product_id=product.id, quantity=3,
                     promised_date=date(2026, 12, 10), unit_price=Decimal("3333"))
    session.add(line)
    session.commit()
    draft = client.post("/finance/invoices", json={"customer_id": customer.id, "currency": "JPY", "vat_rule_code": "JP-CT-10",
                                                   "issue_date": "2026-12-01", "lines": [{"order_line_id": line.id,
                                                                                         "quantity": 3}]}, headers=admin)
    assert draft.status_code == 201, draft.text
    assert (draft.json()["net"], draft.json()["vat"], draft.json()["total"]) == ("9999", "999", "10998")
    issued = client.post(f"/finance/invoices/{draft.json()['id']}/issue", headers=admin).json()
    assert issued["status"] == "issued"
    pdf = client.get(f"/finance/invoices/{issued['id']}/pdf", headers=admin)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    japanese = client.get(f"/finance/invoices/{issued['id']}/pdf", headers={**admin, "Accept-Language": "ja"})
    text = " ".join(pdf_text_layer(japanese.content).split())
    for expected in (f"請求書 {issued['number']}", "得意先: Tokyo Trading (TOKYO)", "発行日: 2026/12/01", "税抜金額 (JPY)",
                     "未満を切り捨て", "合計 (JPY)", "10,998"):
        assert expected in text, (expected, text)
    assert_error(client.post(f"/finance/invoices/{issued['id']}/issue", headers=admin), 409, "conflict")
    paid = client.post("/finance/payments", json={"customer_id": customer.id, "currency": "JPY", "received_on": "2026-12-15",
                                                  "amount": "5000"}, headers=admin).json()
    assert paid["allocated"] == [{"invoice_id": issued["id"], "amount": "5000"}]
    aging = client.get("/finance/ar-aging", params={"as_of": "2026-12-20", "currency": "JPY"}, headers=admin).json()
    assert aging[0]["total"] == "5998" and aging[0]["buckets"]["current"] == "5998"
    assert_error(client.get(f"/finance/invoices/{issued['id']}/pdf", headers=as_user("admin.b")), 404, "not_found")


def test_work_order_cost_and_margin_are_finance_only(client, world, as_user):
    admin, planner = as_user("admin.a"), as_user("planner.one")
    assert_error(client.get("/finance/work-orders/999999/cost", headers=admin), 404, "not_found")
    assert_error(client.get("/finance/orders/1/margin", headers=planner), 403, "forbidden")
