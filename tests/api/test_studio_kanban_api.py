"""The kanban, the review queue and timesheets over REST: a step's columns with filters, a card moved and a refused move in
the one error shape, one's week, an entry taken back, and the lead's week by member."""
from __future__ import annotations

from services.core.db import transaction
from services.studio import reviews
from tests.api.conftest import assert_error
from tests.conftest import T0
from tests.factories.studio import actor, make_studio, png


def test_kanban_over_http(client, world, session, as_user):
    studio = make_studio(session, world)
    artist, lead = as_user("artist"), as_user("lead")
    step = next(s["id"] for s in client.get(f"/studio/projects/{studio.project_id}/steps", headers=lead).json()
                if s["key"] == "key_animation")
    board = client.get(f"/studio/projects/{studio.project_id}/kanban/{step}", headers=lead).json()
    assert board["step_name"] == "Key animation" and board["columns"][0]["status"] == "todo"
    assert [c["task"]["id"] for c in board["columns"][0]["cards"]] == [studio.task_id]
    moved = client.post(f"/studio/tasks/{studio.task_id}/move", json={"to_status": "in_progress"}, headers=artist)
    assert moved.status_code == 200 and moved.json()["status"] == "in_progress"
    refused = client.post(f"/studio/tasks/{studio.task_id}/move", json={"to_status": "waiting_review"}, headers=artist)
    assert_error(refused, 409, "conflict")
    assert "Submit a version" in refused.json()["error"]["message"]
    filtered = client.get(f"/studio/projects/{studio.project_id}/kanban/{step}", headers=lead,
                          params={"assignee_member_id": 999999}).json()
    assert all(not c["cards"] for c in filtered["columns"])
    assert_error(client.get(f"/studio/projects/{studio.project_id}/kanban/{step}", headers=as_user("admin.b")),
                 404, "not_found")


def test_timesheets_over_http(client, world, session, as_user):
    studio = make_studio(session, world)
    artist, lead = as_user("artist"), as_user("lead")
    logged = client.post(f"/studio/tasks/{studio.task_id}/time", json={"day": "2026-03-03", "minutes": 90},
                         headers=artist)
    assert logged.status_code == 200 and logged.json()["spent_minutes"] == 90
    week = client.get("/studio/timesheets/mine", params={"day": "2026-03-05"}, headers=artist).json()
    assert week["week_start"] == "2026-03-02" and week["rows"][0]["minutes"][1] == 90 and week["total"] == 90
    team = client.get(f"/studio/projects/{studio.project_id}/timesheets", params={"day": "2026-03-02"},
                      headers=lead).json()
    assert [(r["label"], r["total"]) for r in team["rows"]] == [("artist", 90)]
    assert_error(client.get(f"/studio/projects/{studio.project_id}/timesheets", headers=artist), 403, "forbidden")
    entry = week["entries"][0]["id"]
    assert_error(client.delete(f"/studio/time-entries/{entry}", headers=lead), 403, "forbidden")
    taken_back = client.delete(f"/studio/time-entries/{entry}", headers=artist)
    assert taken_back.status_code == 200 and taken_back.json()["spent_minutes"] == 0


def test_review_queue_over_http(client, world, session, as_user, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    studio = make_studio(session, world)
    with transaction(session):
        reviews.submit_version(session, actor(session, studio.artist), studio.task_id, [png()], comment="v", now=T0)
    lead, pm = as_user("lead"), as_user("prod.manager")
    queued = client.get("/studio/reviews/qc1", headers=lead).json()
    assert [(q["task"]["id"], q["version"]) for q in queued] == [(studio.task_id, 1)]
    assert_error(client.get("/studio/reviews/qc2", headers=lead), 403, "forbidden")
    assert_error(client.get("/studio/reviews/qc3", headers=lead), 422, "invalid")
    refused = client.post("/studio/reviews/qc2/approve", json={"task_ids": [studio.task_id]}, headers=pm)
    assert_error(refused, 409, "conflict")
    assert_error(client.post("/studio/reviews/qc1/approve", json={"task_ids": []}, headers=lead), 422, "invalid")
    approved = client.post("/studio/reviews/qc1/approve", json={"task_ids": [studio.task_id], "comment": "ok"},
                           headers=lead)
    assert approved.status_code == 200 and approved.json() == {"approved": 1}
    assert [q["task"]["id"] for q in client.get("/studio/reviews/qc2", headers=pm).json()] == [studio.task_id]
    assert client.get("/studio/reviews/qc1", headers=as_user("admin.b")).json() == []
