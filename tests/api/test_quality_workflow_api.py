"""NCRs, SOP tickets and workflows over real HTTP: guards answer 422/403/409 with the same messages as
the services, custom-field filters and export, admins save workflow versions, tenancy."""
from __future__ import annotations

from services.config import type_lists
from tests.factories.org import make_department, make_user


def _quality(session, world, username="q.api"):
    make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1], username=username)


def _cause_id(session, world):
    actor = world.actor(world.admin_a)
    return next(v.id for v in type_lists.values(session, actor, type_lists.ROOT_CAUSE_CATEGORIES) if v.code == "METHOD")


def test_ncr_is_refused_closing_without_root_cause_then_closes(client, session, world, as_user):
    _quality(session, world)
    q = as_user("q.api")
    created = client.post("/ncrs", json={"plant_id": world.plant1, "title": "Porosity in weld", "severity": "major"},
                          headers=q)
    assert created.status_code == 201, created.text
    ncr = created.json()
    assert (ncr["number"], ncr["status"]) == ("NCR-000001", "open")
    refused = client.post(f"/ncrs/{ncr['id']}/transitions/close", json={}, headers=q)
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {"root_cause_category": "Choose a root-cause category before closing.",
                                                 "root_cause": "Describe the root cause before closing."}
    detail = client.get(f"/ncrs/{ncr['id']}", headers=q).json()
    close = next(t for t in detail["transitions"] if t["key"] == "close")
    assert close["allowed"] is False and "Describe the root cause before closing." in close["reasons"]
    patched = client.patch(f"/ncrs/{ncr['id']}", json={"root_cause_category_id": _cause_id(session, world),
                                                       "root_cause": "Shielding gas flow too low"}, headers=q)
    assert patched.status_code == 200 and patched.json()["root_cause_category"] == "Method"
    closed = client.post(f"/ncrs/{ncr['id']}/transitions/close", json={"comment": "flow meter fixed"}, headers=q)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    history = client.get(f"/ncrs/{ncr['id']}", headers=q).json()["history"]
    assert [(h["kind"], h["to_state"], h["username"]) for h in history] == [
        ("started", "open", "q.api"), ("transition", "closed", "q.api")]


def test_capa_actions_and_approval_over_http(client, session, world, as_user):
    _quality(session, world)
    owner = make_user(session, world.org_a, roles=["operator"], plant_ids=[world.plant1], username="op.capa")
    make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1], username="mgr.api")
    q = as_user("q.api")
    ncr = client.post("/ncrs", json={"plant_id": world.plant1, "title": "Wrong label"}, headers=q).json()
    action = client.post(f"/ncrs/{ncr['id']}/actions", json={"description": "Label check at packing",
                                                            "owner_user_id": owner, "due_date": "2026-04-01"}, headers=q)
    assert action.status_code == 201 and action.json()["owner_name"] == "op.capa"
    linked = client.post(f"/ncrs/{ncr['id']}/links", json={"kind": "lot", "reference": "LOT-API-1"}, headers=q)
    assert linked.status_code == 201 and linked.json()["reference"] == "LOT-API-1"
    unknown = client.post(f"/ncrs/{ncr['id']}/links", json={"kind": "customer_return", "reference": "RMA-0"}, headers=q)
    assert unknown.status_code == 422
    done = client.post(f"/capa-actions/{action.json()['id']}/complete", json={"note": "done"}, headers=as_user("op.capa"))
    assert done.status_code == 200 and done.json()["is_done"] is True
    no_comment = client.post(f"/ncrs/{ncr['id']}/transitions/cancel", json={}, headers=q)
    assert no_comment.status_code == 422 and no_comment.json()["error"]["fields"] == {"comment": "Required."}
    asked = client.post(f"/ncrs/{ncr['id']}/transitions/cancel", json={"comment": "raised twice"}, headers=q)
    assert asked.status_code == 200 and asked.json()["status"] == "open"
    pending = client.post(f"/ncrs/{ncr['id']}/transitions/cancel", json={"comment": "again"}, headers=q)
    assert pending.status_code == 409
    self_approval = client.post(f"/ncrs/{ncr['id']}/approval", json={}, headers=q)
    assert self_approval.status_code == 403
    approved = client.post(f"/ncrs/{ncr['id']}/approval", json={"comment": "ok"}, headers=as_user("mgr.api"))
    assert approved.status_code == 200 and approved.json()["status"] == "cancelled"


def test_role_guard_is_403_and_list_export(client, session, world, as_user):
    _quality(session, world)
    q = as_user("q.api")
    client.post("/ncrs", json={"plant_id": world.plant1, "title": "Dent", "lot_reference": "L-1"}, headers=q)
    planner = as_user("planner.one")
    assert client.post("/ncrs", json={"plant_id": world.plant1, "title": "x"}, headers=planner).status_code == 403
    assert [n["title"] for n in client.get("/ncrs", headers=planner).json()] == ["Dent"]
    csv = client.get("/ncrs", params={"format": "csv"}, headers=q)
    assert csv.status_code == 200 and "NCR-000001" in csv.text and "Dent" in csv.text


def test_custom_field_filter_over_http(client, session, world, as_user):
    _quality(session, world)
    admin = as_user("admin.a")
    made = client.post("/custom-fields", json={"entity_type": "ncr", "key": "supplier", "label": "Supplier",
                                               "field_type": "text"}, headers=admin)
    assert made.status_code == 201, made.text
    q = as_user("q.api")
    bad = client.post("/ncrs", json={"plant_id": world.plant1, "title": "a", "custom": {"nope": "x"}}, headers=q)
    assert bad.status_code == 422 and "custom.nope" in bad.json()["error"]["fields"]
    client.post("/ncrs", json={"plant_id": world.plant1, "title": "a", "custom": {"supplier": "Acme"}}, headers=q)
    client.post("/ncrs", json={"plant_id": world.plant1, "title": "b", "custom": {"supplier": "Zeta"}}, headers=q)
    found = client.get("/ncrs", params={"custom.supplier": "acm"}, headers=q).json()
    assert [n["title"] for n in found] == ["a"]


def test_sop_ticket_flow_and_reassignment_needs_justification(client, session, world, as_user):
    weld = make_department(session, world.org_a, world.plant1, "WELD")
    paint = make_department(session, world.org_a, world.plant1, "PAINT")
    make_user(session, world.org_a, roles=["supervisor"], plant_ids=[world.plant1], username="sup.api")
    sup = as_user("sup.api")
    made = client.post("/sop-tickets", json={"charging_department_id": world.dept1, "charged_department_id": weld,
                                             "title": "No torque record", "sop_reference": "SOP-7"}, headers=sup)
    assert made.status_code == 201, made.text
    ticket = made.json()
    refused = client.post(f"/sop-tickets/{ticket['id']}/reassign", json={"to_department_id": paint,
                                                                         "justification": ""}, headers=sup)
    assert refused.status_code == 422 and "justification" in refused.json()["error"]["fields"]
    moved = client.post(f"/sop-tickets/{ticket['id']}/reassign",
                        json={"to_department_id": paint, "justification": "Paint did the final torque"}, headers=sup)
    assert moved.status_code == 200 and moved.json()["charged_department_id"] == paint
    assert client.post(f"/sop-tickets/{ticket['id']}/response", json={"response": "Agreed, retrained"},
                       headers=sup).status_code == 200
    accepted = client.post(f"/sop-tickets/{ticket['id']}/transitions/accept", json={}, headers=sup)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    detail = client.get(f"/sop-tickets/{ticket['id']}", headers=sup).json()
    assert [r["justification"] for r in detail["reassignments"]] == ["Paint did the final torque"]
    listing_ko = client.get("/sop-tickets", params={"format": "csv"}, headers={**sup, "Accept-Language": "ko"})
    assert listing_ko.text.lstrip("\ufeff").startswith("번호,상태,제목,SOP,제기 부서,") and ticket["number"] in listing_ko.text


def test_admin_saves_a_workflow_version_others_cannot(client, session, world, as_user):
    admin = as_user("admin.a")
    spec = client.get("/workflows/ncr", headers=admin).json()
    spec["states"][0]["due_minutes"] = 120
    saved = client.put("/workflows/ncr", json=spec, headers=admin)
    assert saved.status_code == 201 and saved.json()["version"] == 1
    assert client.get("/workflows/ncr", headers=admin).json()["states"][0]["due_minutes"] == 120
    broken = dict(spec, states=[dict(s, is_initial=False) for s in spec["states"]])
    refused = client.put("/workflows/ncr", json=broken, headers=admin)
    assert refused.status_code == 422 and refused.json()["error"]["fields"]["states"] == \
        "Mark exactly one state as the initial state."
    assert client.put("/workflows/ncr", json=spec, headers=as_user("planner.one")).status_code == 403
    assert client.get("/workflows", headers=as_user("admin.b")).json() == []


def test_other_organization_gets_404(client, session, world, as_user):
    _quality(session, world)
    ncr = client.post("/ncrs", json={"plant_id": world.plant1, "title": "Ours"}, headers=as_user("q.api")).json()
    outsider = as_user("admin.b")
    assert client.get(f"/ncrs/{ncr['id']}", headers=outsider).status_code == 404
    assert client.patch(f"/ncrs/{ncr['id']}", json={"title": "theirs"}, headers=outsider).status_code == 404
    assert client.post(f"/ncrs/{ncr['id']}/transitions/cancel", json={"comment": "x"},
                       headers=outsider).status_code == 404
    assert client.get("/ncrs", headers=outsider).json() == []
    ours = client.get(f"/ncrs/{ncr['id']}", headers=as_user("q.api")).json()["ncr"]
    assert (ours["title"], ours["status"]) == ("Ours", "open")


def test_admin_names_a_department_head(client, session, world, as_user):
    head = make_user(session, world.org_a, roles=["supervisor"], plant_ids=[world.plant1], username="head.api")
    named = client.put(f"/departments/{world.dept1}/head", json={"user_id": head}, headers=as_user("admin.a"))
    assert named.status_code == 200 and named.json() == {"user_id": head}
    assert client.put(f"/departments/{world.dept1}/head", json={"user_id": world.admin_b},
                      headers=as_user("admin.a")).status_code == 422
    assert client.put(f"/departments/{world.dept1}/head", json={"user_id": None},
                      headers=as_user("planner.one")).status_code == 403
    assert client.put(f"/departments/{world.dept1}/head", json={"user_id": None},
                      headers=as_user("admin.b")).status_code == 404


def test_a_japanese_reader_reads_the_shipped_workflow_names_over_http(client, session, world, as_user):
    _quality(session, world, "q.ja")
    q = as_user("q.ja")
    ncr = client.post("/ncrs", json={"plant_id": world.plant1, "title": "Burr"}, headers=q).json()
    detail = client.get(f"/ncrs/{ncr['id']}", headers={**q, "Accept-Language": "ja"}).json()
    assert (detail["ncr"]["status_name"], detail["workflow"]["state_name"]) == ("オープン", "オープン")
    investigate = next(t for t in detail["transitions"] if t["key"] == "investigate")
    assert (investigate["name"], investigate["to_state_name"], investigate["reasons"]) == (
        "原因調査を開始", "原因調査中", ["先に封じ込めの内容を記入してください。"])
    english = client.get(f"/ncrs/{ncr['id']}", headers=q).json()
    assert (english["ncr"]["status_name"], english["workflow"]["state_name"]) == ("Open", "Open")
