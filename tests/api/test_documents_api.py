"""Document control over REST: an engineer uploads a revision (multipart), a quality lead approves it, the
operator's job shows it while drafts stay 404 for the operator; change orders release their revisions
together; tenancy and roles in the one error shape; the OpenAPI lists the routes."""
from __future__ import annotations

import pytest

from tests.api.conftest import assert_error
from tests.factories.doc_control import PDF, make_shop
from tests.factories.studio import make_studio, png_bytes


@pytest.fixture
def shop(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_shop(session, world)


def _document(client, headers, shop, **overrides):
    body = {"title": "Cut bracket", "kind": "work_instruction", "target_type": "routing_step",
            "target_id": shop.cut_step_id, **overrides}
    return client.post("/documents", json=body, headers=headers)


def _revise(client, headers, document_id, data=None, name="drawing.png", content_type="image/png"):
    return client.post(f"/documents/{document_id}/revisions", headers=headers, data={"summary": "first issue"},
                       files={"files": (name, data or png_bytes(), content_type)})


def test_release_over_http_and_drafts_hidden_from_operators(client, shop, as_user):
    engineer, quality, operator = as_user("eng.one"), as_user("qa.one"), as_user("op.one")
    created = _document(client, engineer, shop)
    assert created.status_code == 201, created.text
    doc = created.json()
    assert doc["number"] == "DOC-000001" and doc["target_label"].endswith("10 Cut")
    rev = _revise(client, engineer, doc["id"])
    assert rev.status_code == 201, rev.text
    rev_a, file_id = rev.json()["id"], rev.json()["files"][0]["id"]
    # the operator: nothing while it is a draft
    assert client.get(f"/documents/jobs/{shop.floor.cut_id}/instructions", headers=operator).json() == []
    assert_error(client.get(f"/documents/{doc['id']}", headers=operator), 404, "not_found")
    assert_error(client.get(f"/documents/files/{file_id}", headers=operator), 404, "not_found")
    assert client.get("/documents", headers=operator).json() == []

    assert client.post(f"/documents/revisions/{rev_a}/submit", json={}, headers=engineer).status_code == 200
    assert_error(client.post(f"/documents/revisions/{rev_a}/approve", json={}, headers=engineer), 403, "forbidden")
    approved = client.post(f"/documents/revisions/{rev_a}/approve", json={"comment": "ok"}, headers=quality)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    shown = client.get(f"/documents/jobs/{shop.floor.cut_id}/instructions", headers=operator).json()
    assert [(i["number"], i["revision_label"]) for i in shown] == [("DOC-000001", "A")]
    download = client.get(f"/documents/files/{file_id}", headers=operator)
    assert download.status_code == 200 and download.content.startswith(b"\x89PNG")

    rev_b = _revise(client, engineer, doc["id"], data=PDF, name="rev-b.pdf", content_type="application/pdf").json()
    assert rev_b["label"] == "B"
    assert [r["label"] for r in client.get(f"/documents/{doc['id']}", headers=operator).json()["revisions"]] == ["A"]
    assert_error(client.get(f"/documents/files/{rev_b['files'][0]['id']}", headers=operator), 404, "not_found")
    client.post(f"/documents/revisions/{rev_b['id']}/submit", json={}, headers=engineer)
    assert_error(client.post(f"/documents/revisions/{rev_b['id']}/reject", json={}, headers=quality),
                 422, "invalid", comment="")
    client.post(f"/documents/revisions/{rev_b['id']}/reject", json={"comment": "scale"}, headers=quality)
    client.post(f"/documents/revisions/{rev_b['id']}/submit", json={}, headers=engineer)
    assert client.post(f"/documents/revisions/{rev_b['id']}/approve", json={}, headers=quality).status_code == 200
    revisions = client.get(f"/documents/{doc['id']}", headers=engineer).json()["revisions"]
    assert [(r["label"], r["status"]) for r in revisions] == [("B", "approved"), ("A", "obsolete")]
    shown = client.get(f"/documents/jobs/{shop.floor.cut_id}/instructions", headers=operator).json()
    assert [(i["revision_label"], i["files"][0]["content_type"]) for i in shown] == [("B", "application/pdf")]


def test_bad_input_roles_and_tenancy(client, shop, as_user):
    engineer = as_user("eng.one")
    assert_error(_document(client, as_user("op.one"), shop), 403, "forbidden")
    assert_error(_document(client, engineer, shop, target_id=999999), 422, "invalid", target_id="")
    assert_error(_document(client, engineer, shop, kind="poem"), 422, "invalid")
    doc = _document(client, engineer, shop).json()
    assert_error(_revise(client, engineer, doc["id"], data=b"MZ\x90", name="x.pdf", content_type="application/pdf"),
                 422, "invalid", file="")
    assert_error(client.get(f"/documents/{doc['id']}", headers=as_user("admin.b")), 404, "not_found")
    assert_error(_document(client, as_user("admin.b"), shop), 422, "invalid", target_id="")
    assert client.get("/documents", headers=as_user("admin.b")).json() == []
    assert_error(client.put("/documents/settings", json={"revision_scheme": "numbers"}, headers=engineer),
                 403, "forbidden")
    admin = as_user("admin.a")
    assert client.put("/documents/settings", json={"revision_scheme": "numbers"}, headers=admin).json() == {
        "revision_scheme": "numbers"}
    assert _revise(client, engineer, doc["id"]).json()["label"] == "1"


def test_change_order_over_http(client, shop, as_user):
    engineer, quality = as_user("eng.one"), as_user("qa.one")
    step_doc = _document(client, engineer, shop).json()
    drawing = _document(client, engineer, shop, title="Bracket", kind="drawing", target_type="product",
                        target_id=shop.floor.line.product_id).json()
    revs = [_revise(client, engineer, d["id"]).json()["id"] for d in (step_doc, drawing)]
    order = client.post("/documents/change-orders", json={"title": "Thicker bracket"}, headers=engineer)
    assert order.status_code == 201, order.text
    co = order.json()["id"]
    for rev in revs:
        assert client.post(f"/documents/change-orders/{co}/items", json={"revision_id": rev},
                           headers=engineer).status_code == 200
    assert_error(client.post(f"/documents/change-orders/{co}/items", json={}, headers=engineer), 422, "invalid")
    client.post(f"/documents/change-orders/{co}/items", json={"product_id": shop.floor.line.product_id}, headers=engineer)
    assert_error(client.post(f"/documents/revisions/{revs[0]}/submit", json={}, headers=engineer), 409, "conflict")
    assert client.post(f"/documents/change-orders/{co}/submit", json={}, headers=engineer).json()["status"] == "review"
    approved = client.post(f"/documents/change-orders/{co}/approve", json={}, headers=quality).json()
    assert approved["status"] == "approved"
    assert [(i["kind"], i["revision_status"]) for i in approved["items"]] == [
        ("revision", "approved"), ("revision", "approved"), ("product", "")]
    shown = client.get(f"/documents/jobs/{shop.floor.cut_id}/instructions", headers=as_user("op.one")).json()
    assert [i["title"] for i in shown] == ["Cut bracket", "Bracket"]
    assert client.get("/documents/change-orders", headers=as_user("op.one")).json() == []


def test_targets_over_http(client, shop, as_user):
    engineer = as_user("eng.one")
    sop = _document(client, engineer, shop, title="Lockout", kind="sop", target_type="machine",
                    target_id=shop.floor.machine_id).json()
    attached = client.post(f"/documents/{sop['id']}/targets", headers=engineer,
                           json={"target_type": "machine", "target_id": shop.floor.other_machine_id})
    assert attached.status_code == 201, attached.text
    assert [(t["target_type"], t["target_id"]) for t in attached.json()["targets"]] == [
        ("machine", shop.floor.machine_id), ("machine", shop.floor.other_machine_id)]
    for machine in (shop.floor.machine_id, shop.floor.other_machine_id):
        found = client.get("/documents", params={"target_type": "machine", "target_id": machine}, headers=engineer)
        assert [d["number"] for d in found.json()] == [sop["number"]]
    assert_error(client.post(f"/documents/{sop['id']}/targets", headers=engineer,
                             json={"target_type": "machine", "target_id": shop.floor.other_machine_id}), 409, "conflict")
    assert_error(client.post(f"/documents/{sop['id']}/targets", headers=engineer,
                             json={"target_type": "robot", "target_id": 1}), 422, "invalid")
    assert_error(client.post(f"/documents/{sop['id']}/targets", headers=as_user("op.one"),
                             json={"target_type": "product", "target_id": shop.floor.line.product_id}), 403, "forbidden")
    assert_error(client.post(f"/documents/{sop['id']}/targets", headers=as_user("admin.b"),
                             json={"target_type": "product", "target_id": shop.floor.line.product_id}), 404, "not_found")
    first, second = attached.json()["targets"]
    detached = client.delete(f"/documents/{sop['id']}/targets/{first['id']}", headers=engineer)
    assert detached.status_code == 200 and [t["id"] for t in detached.json()["targets"]] == [second["id"]]
    assert client.get("/documents", params={"target_type": "machine", "target_id": shop.floor.machine_id},
                      headers=engineer).json() == []
    assert_error(client.delete(f"/documents/{sop['id']}/targets/{second['id']}", headers=engineer), 409, "conflict")


def test_a_change_order_is_a_document_approved_over_http(client, shop, as_user):
    engineer, quality = as_user("eng.one"), as_user("qa.one")
    drawing = _document(client, engineer, shop, title="Bracket", kind="drawing", target_type="product",
                        target_id=shop.floor.line.product_id).json()
    rev = _revise(client, engineer, drawing["id"]).json()["id"]
    co = client.post("/documents/change-orders", json={"title": "Thicker bracket"}, headers=engineer).json()
    client.post(f"/documents/change-orders/{co['id']}/items", json={"revision_id": rev}, headers=engineer)
    listed = client.get("/documents", params={"kind": "change_order"}, headers=engineer).json()
    assert [(d["id"], d["number"], d["change_order_id"], d["targets"], d["working_status"]) for d in listed] == [
        (co["document_id"], co["number"], co["id"], [], "draft")]
    assert_error(_document(client, engineer, shop, kind="change_order"), 422, "invalid", kind="")
    own = client.get(f"/documents/{co['document_id']}", headers=engineer).json()["revisions"][0]
    assert client.post(f"/documents/revisions/{own['id']}/submit", json={}, headers=engineer).json()["status"] == "review"
    assert client.get(f"/documents/change-orders/{co['id']}", headers=engineer).json()["status"] == "review"
    assert_error(client.post(f"/documents/revisions/{own['id']}/approve", json={}, headers=engineer), 403, "forbidden")
    approved = client.post(f"/documents/revisions/{own['id']}/approve", json={}, headers=quality)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    order = client.get(f"/documents/change-orders/{co['id']}", headers=engineer).json()
    assert order["status"] == "approved" and order["items"][0]["revision_status"] == "approved"
    assert client.get(f"/documents/{drawing['id']}", headers=engineer).json()["document"]["released_revision_id"] == rev
    assert_error(client.get(f"/documents/{co['document_id']}", headers=as_user("op.one")), 404, "not_found")


def test_milestones_over_http(client, session, world, as_user, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    studio = make_studio(session, world)
    pm = as_user("prod.manager")
    made = client.post(f"/studio/projects/{studio.project_id}/milestones", headers=pm,
                       json={"name": "Animatic locked", "due_date": "2020-01-10"})
    assert made.status_code == 201 and made.json()["late"] is True
    assert_error(client.post(f"/studio/projects/{studio.project_id}/milestones", headers=pm,
                             json={"name": "Animatic locked", "due_date": "2020-01-10"}), 409, "conflict")
    reached = client.patch(f"/studio/milestones/{made.json()['id']}", json={"status": "reached"}, headers=pm).json()
    assert reached["status"] == "reached" and reached["reached_on"] and not reached["late"]
    assert_error(client.get(f"/studio/projects/{studio.project_id}/milestones", headers=as_user("admin.b")),
                 404, "not_found")


def test_openapi_lists_the_document_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/documents", "/api/v1/documents/{document_id}/revisions",
            "/api/v1/documents/revisions/{revision_id}/approve", "/api/v1/documents/change-orders/{change_order_id}/approve",
            "/api/v1/documents/jobs/{operation_id}/instructions", "/api/v1/documents/{document_id}/targets",
            "/api/v1/documents/{document_id}/targets/{link_id}", "/api/v1/studio/projects/{project_id}/milestones"} <= set(paths)


def test_document_refusals_answer_in_the_requests_language(client, shop, as_user):
    engineer = {**as_user("eng.one"), "Accept-Language": "ja"}
    error = assert_error(_document(client, engineer, shop, target_id=999999), 422, "invalid", target_id="")
    assert error["message"] == "ルーティングの工程 999999 が見つかりません。" and error["fields"]["target_id"] == "見つかりません。"
    doc = _document(client, engineer, shop).json()
    rev = _revise(client, engineer, doc["id"]).json()
    assert client.post(f"/documents/revisions/{rev['id']}/submit", json={}, headers=engineer).status_code == 200
    again = assert_error(client.post(f"/documents/revisions/{rev['id']}/submit", json={}, headers=engineer),
                         409, "conflict")
    assert again["message"] == "DOC-000001 の改訂 A はレビュー中です。提出できるのは下書きだけです。"
    english = assert_error(client.post(f"/documents/revisions/{rev['id']}/submit", json={}, headers=as_user("eng.one")),
                           409, "conflict")
    assert english["message"] == "DOC-000001 revision A is review: only a draft is submitted."
