"""Purchase orders and settlements over real HTTP: finance writes, another person approves, the vendor
acknowledges through its portal account, approved work settles once; others see nothing."""
from __future__ import annotations

from tests.api.conftest import assert_error
from tests.factories.org import make_user
from tests.factories.studio import make_studio

KRW_VAT = {"code": "KR-VAT-10", "name": "VAT", "jurisdiction": "KR", "kind": "vat", "currency": "KRW",
           "effective_from": "2020-01-01", "components": [{"name": "VAT", "tiers": [{"rate": "0.1"}], "rounding": "truncate"}]}


def test_po_to_settlement_over_http(client, world, as_user, session):
    studio = make_studio(session, world)
    make_user(session, world.org_a, roles=["finance"], username="fin.http")
    session.commit()
    fin, admin, vendor = as_user("fin.http"), as_user("admin.a"), as_user("vendor.user")
    client.post("/finance/accounts/apply-template", headers=admin).raise_for_status()
    client.post("/finance/periods/years/2026", headers=admin).raise_for_status()
    client.post("/finance/tax-rules", json=KRW_VAT, headers=admin).raise_for_status()
    body = {"vendor_partner_id": studio.vendor_id, "project_id": studio.project_id, "process_type": "In-between",
            "currency": "KRW", "vat_rule_code": "KR-VAT-10", "order_date": "2026-12-01",
            "lines": [{"description": "C001", "quantity": 1, "unit_price": "100000", "difficulty_rate": "1.2",
                       "urgency_rate": "1.5", "task_id": studio.vendor_task_id}]}
    created = client.post("/finance/purchase-orders", json=body, headers=fin)
    assert created.status_code == 201, created.text
    po = created.json()
    assert (po["adjusted"], po["vat"]["total"], po["net_payable"]) == ("180000", "18000", "198000")
    assert_error(client.post(f"/finance/purchase-orders/{po['id']}/approve", headers=admin), 409, "conflict")
    in_japanese = {**admin, "Accept-Language": "ja"}
    japanese = assert_error(client.post(f"/finance/purchase-orders/{po['id']}/approve", headers=in_japanese),
                            409, "conflict")
    assert japanese["message"] == f"{po['number']} は承認待ちではありません。先に申請してください。"
    refused = client.post("/finance/purchase-orders", json={**body, "process_type": " ", "cost_centre": "a b"},
                          headers={**fin, "Accept-Language": "ja-JP,ja;q=0.9"})
    error = assert_error(refused, 422, "invalid", process_type="", cost_centre="")
    assert error["message"] == "この内容では発注書を作成できません。"
    assert error["fields"]["process_type"] == "発注する作業を入力してください（原画、仕上げ、機械加工など）。"
    submitted = client.post(f"/finance/purchase-orders/{po['id']}/submit", headers=fin)
    assert submitted.status_code == 200 and submitted.json()["pending_route"].startswith("Approval by finance")
    assert_error(client.post(f"/finance/purchase-orders/{po['id']}/approve", headers=fin), 403, "forbidden")
    assert [p["id"] for p in client.get("/finance/purchase-orders/approvals/pending", headers=admin).json()] == [po["id"]]
    limits = client.get("/finance/purchase-orders/approvals/limits", headers=fin).json()
    assert {"currency": "KRW", "limit": "5000000"}.items() <= limits[0].items()
    assert_error(client.put("/finance/purchase-orders/approvals/limits", json={"currency": "KRW", "limit": "1"},
                            headers=fin), 403, "forbidden")
    client.post(f"/finance/purchase-orders/{po['id']}/approve", headers=admin).raise_for_status()
    acked = client.post(f"/finance/purchase-orders/{po['id']}/acknowledge", headers=vendor)
    assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    assert [p["number"] for p in client.get("/finance/purchase-orders", headers=vendor).json()] == [po["number"]]
    assert_error(client.get(f"/finance/purchase-orders/{po['id']}", headers=as_user("other.vendor")), 404, "not_found")
    assert_error(client.post(f"/finance/purchase-orders/{po['id']}/settlements", json={"settled_on": "2026-12-10"},
                             headers=fin), 409, "conflict")
    assert_error(client.get(f"/finance/purchase-orders/{po['id']}", headers=as_user("admin.b")), 404, "not_found")
