"""Studio over REST: a project with a cut, a version uploaded as multipart, QC1 then QC2 over HTTP,
role and portal guards in the one error shape, downloads refused across organizations and partners."""
from __future__ import annotations

from tests.api.conftest import assert_error
from tests.factories.studio import make_studio, png_bytes


def _upload(client, headers, task_id, data=None, content_type="image/png"):
    return client.post(f"/studio/tasks/{task_id}/versions", headers=headers, data={"comment": "first pass"},
                       files={"files": ("frame.png", data or png_bytes(), content_type)})


def test_review_flow_over_http(client, world, session, as_user, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    studio = make_studio(session, world)
    artist, lead, pm = as_user("artist"), as_user("lead"), as_user("prod.manager")
    mine = client.get("/studio/tasks", params={"mine": True}, headers=artist).json()
    assert [t["id"] for t in mine] == [studio.task_id]
    tasks_ja = client.get("/studio/tasks", params={"mine": True, "format": "csv"}, headers={**artist, "Accept-Language": "ja"})
    assert tasks_ja.text.lstrip("\ufeff").startswith("タスク,対象,工程,ステータス,")
    uploaded = _upload(client, artist, studio.task_id)
    assert uploaded.status_code == 201, uploaded.text
    file_id = uploaded.json()["files"][0]["id"]
    assert_error(client.post(f"/studio/tasks/{studio.task_id}/reviews/qc1", json={"decision": "approve"}, headers=artist),
                 403, "forbidden")
    assert_error(client.post(f"/studio/tasks/{studio.task_id}/reviews/qc2", json={"decision": "approve"}, headers=pm),
                 409, "conflict")
    assert client.post(f"/studio/tasks/{studio.task_id}/reviews/qc1", json={"decision": "approve"},
                       headers=lead).status_code == 200
    assert_error(client.post(f"/studio/tasks/{studio.task_id}/reviews/qc2", json={"decision": "reject"}, headers=pm),
                 422, "invalid", comment="")
    rejected = client.post(f"/studio/tasks/{studio.task_id}/reviews/qc2", headers=pm,
                           json={"decision": "reject", "comment": "hold longer", "timecode": "00:00:02:05"})
    assert rejected.status_code == 200 and rejected.json()["timecode"] == "00:00:02:05"
    task = client.get(f"/studio/tasks/{studio.task_id}", headers=pm).json()
    assert (task["status"], task["rework_loops"]) == ("rework", 1)
    grid = client.get(f"/studio/projects/{studio.project_id}/grid", params={"status": "rework"}, headers=pm).json()
    assert [r["code"] for r in grid["rows"]] == ["C001"]
    board = client.get(f"/studio/projects/{studio.project_id}/dashboard", headers=pm).json()
    assert board["rework_loops"] == 1
    late_csv = client.get(f"/studio/projects/{studio.project_id}/dashboard",
                          params={"part": "progress", "format": "csv"}, headers=pm)
    assert late_csv.status_code == 200 and "Key animation" in late_csv.text
    download = client.get(f"/studio/files/{file_id}", headers=artist)
    assert download.status_code == 200 and download.content.startswith(b"\x89PNG")
    assert client.get(f"/studio/files/{file_id}", params={"thumbnail": True}, headers=artist).status_code == 200
    assert_error(client.get(f"/studio/files/{file_id}", headers=as_user("admin.b")), 404, "not_found")
    assert_error(client.get(f"/studio/files/{file_id}", headers=as_user("vendor.user")), 404, "not_found")
    feed = client.get(f"/studio/activity/task/{studio.task_id}", headers=pm).json()
    assert {"version_submitted", "qc1_approved", "qc2_rejected"} <= {a["action"] for a in feed}


def test_uploads_are_checked_and_vendors_see_only_their_tasks(client, world, session, as_user, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    studio = make_studio(session, world)
    vendor = as_user("vendor.user")
    assert [t["id"] for t in client.get("/studio/tasks", headers=vendor).json()] == [studio.vendor_task_id]
    assert_error(client.get(f"/studio/tasks/{studio.task_id}", headers=vendor), 404, "not_found")
    assert_error(client.get(f"/studio/projects/{studio.project_id}/grid", headers=vendor), 403, "forbidden")
    assert_error(_upload(client, vendor, studio.vendor_task_id, data=b"MZ not an image"), 422, "invalid", files="")
    assert_error(_upload(client, vendor, studio.vendor_task_id, content_type="application/x-msdownload"),
                 422, "invalid", files="")
    assert _upload(client, vendor, studio.vendor_task_id).status_code == 201
    assert client.get("/studio/shared-reviews", headers=as_user("client.user")).json() == []


def test_projects_and_bulk_breakdown_over_http(client, world, as_user):
    admin = as_user("admin.a")
    template = next(t for t in client.get("/studio/templates", headers=admin).json() if t["name"] == "TV series (2D)")
    created = client.post("/studio/projects", headers=admin, json={
        "name": "Moon Harbor", "name2": "月の港", "template_id": template["id"], "budget": "1500000.00"})
    assert created.status_code == 201, created.text
    project = created.json()
    assert project["number"] == "PRJ-000001" and project["budget"] == "1500000.00"
    bulk = client.post(f"/studio/projects/{project['id']}/bulk", headers=admin,
                       json={"episode_from": 1, "episode_to": 2, "cut_from": 1, "cut_to": 5})
    assert bulk.json() == {"episodes": 2, "cuts": 10, "tasks": 80}
    assert_error(client.post(f"/studio/projects/{project['id']}/bulk", headers=as_user("op.one"), json={}),
                 403, "forbidden")
    export = client.get("/studio/projects", params={"format": "csv"}, headers=admin)
    assert export.status_code == 200 and "Moon Harbor" in export.text
    export_ko = client.get("/studio/projects", params={"format": "csv"}, headers={**admin, "Accept-Language": "ko"})
    assert export_ko.text.lstrip("\ufeff").startswith("번호,이름,이름(제2 언어),") and "Moon Harbor" in export_ko.text
    assert_error(client.get(f"/studio/projects/{project['id']}", headers=as_user("admin.b")), 404, "not_found")
    report = client.post(f"/studio/projects/{project['id']}/import", headers=admin,
                         files={"file": ("cuts.csv", b"episode,cut,frame_in,frame_out\n3,C001,1,48\n3,C001,1,2\n",
                                         "text/csv")}).json()
    assert (report["imported"], report["error_rows"]) == (False, 1)
    report = client.post(f"/studio/projects/{project['id']}/import", headers=admin,
                         files={"file": ("cuts.csv", b"episode,cut,frame_in,frame_out\n3,C001,1,48\n", "text/csv")}).json()
    assert (report["imported"], report["cuts"], report["tasks"]) == (True, 1, 8)
    credits = client.get(f"/studio/projects/{project['id']}/credits", params={"format": "pdf"}, headers=admin)
    assert credits.status_code == 200 and credits.content.startswith(b"%PDF")


def test_files_in_s3_storage_over_http(client, world, session, as_user, s3_bucket, tmp_path):
    studio = make_studio(session, world)
    artist = as_user("artist")
    uploaded = _upload(client, artist, studio.task_id)
    assert uploaded.status_code == 201, uploaded.text
    file_id = uploaded.json()["files"][0]["id"]
    assert len(s3_bucket.objects()) == 2 and not (tmp_path / "files").exists()     # file and thumbnail
    download = client.get(f"/studio/files/{file_id}", headers=artist)
    assert download.status_code == 200 and download.content == png_bytes()
    assert download.headers["content-type"] == "image/png"
    assert client.get(f"/studio/files/{file_id}", params={"thumbnail": True}, headers=artist).status_code == 200
    assert_error(client.get(f"/studio/files/{file_id}", headers=as_user("admin.b")), 404, "not_found")
    assert_error(client.get(f"/studio/files/{file_id}", headers=as_user("vendor.user")), 404, "not_found")


def test_partner_changes_and_linkable_people_over_http(client, world, session, as_user):
    studio = make_studio(session, world)
    pm = as_user("prod.manager")
    changed = client.patch(f"/studio/partners/{studio.vendor_id}", headers=pm,
                           json={"business_number": "123-45", "contacts": [{"name": "Kim", "phone": "010"}]})
    assert changed.status_code == 200 and changed.json()["contacts"] == [{"name": "Kim", "email": "", "phone": "010"}]
    assert_error(client.patch(f"/studio/partners/{studio.vendor_id}", headers=pm, json={"bank_account": "X1"}),
                 403, "forbidden")
    assert client.patch(f"/studio/partners/{studio.vendor_id}", headers=as_user("admin.a"),
                        json={"bank_account": "X1234"}).json()["bank_account"] == "X1234"
    people = client.get("/studio/linkable-users", headers=pm).json()
    assert "artist" in [p["label"] for p in people]
    assert_error(client.get("/studio/linkable-users", headers=as_user("artist")), 403, "forbidden")
    accounts = client.get("/studio/partner-accounts", headers=pm).json()
    assert {(a["username"], a["kind"]) for a in accounts} >= {("vendor.user", "vendor"), ("client.user", "client")}
    assert client.get("/studio/partner-accounts", params={"candidates": True}, headers=pm).json() == []


def test_a_drawn_annotation_over_http(client, world, session, as_user, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    studio = make_studio(session, world)
    artist, lead = as_user("artist"), as_user("lead")
    file_id = _upload(client, artist, studio.task_id).json()["files"][0]["id"]
    drawing = {"file_id": file_id, "strokes": [{"color": "#ff0000", "width": 3, "points": [[0.1, 0.1], [0.5, 0.6]]}]}
    bad = {"file_id": file_id, "strokes": [{"points": [[0.1, 0.1], [2, 0.6]]}]}
    assert_error(client.post(f"/studio/tasks/{studio.task_id}/reviews/qc1", headers=lead,
                             json={"decision": "reject", "comment": "hand", "annotation": bad}),
                 422, "invalid", annotation="")
    decided = client.post(f"/studio/tasks/{studio.task_id}/reviews/qc1", headers=lead,
                          json={"decision": "reject", "comment": "hand", "annotation": drawing})
    assert decided.status_code == 200, decided.text
    seen = client.get(f"/studio/tasks/{studio.task_id}/reviews", headers=artist).json()
    assert [r["annotation"] for r in seen] == [drawing]


def test_an_asset_is_changed_over_http(client, world, session, as_user, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    studio = make_studio(session, world)
    admin = as_user("admin.a")
    created = client.post(f"/studio/projects/{studio.project_id}/assets", headers=admin,
                          json={"code": "PR01", "name": "Lamp"})
    assert created.status_code == 201, created.text
    asset_id = created.json()["id"]
    changed = client.patch(f"/studio/assets/{asset_id}", headers=admin, json={"name": "Old lamp"})
    assert changed.status_code == 200 and changed.json()["name"] == "Old lamp"
    assert_error(client.patch(f"/studio/assets/{asset_id}", headers=admin, json={"name": ""}), 422, "invalid")
    assert_error(client.patch(f"/studio/assets/{asset_id}", headers=as_user("admin.b"), json={"name": "X"}),
                 404, "not_found")
