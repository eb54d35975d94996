"""Traceability and studio answers over HTTP in the request's Accept-Language: a station's scan of an unknown
label, a studio refusal and a breakdown import's row report."""
from __future__ import annotations

import uuid

from tests.api.conftest import assert_error, bearer
from tests.factories.studio import make_studio
from tests.factories.trace import make_trace_world


def test_a_station_scanning_an_unknown_label_is_answered_in_japanese(client, as_user, session):
    tw = make_trace_world(session)
    token = client.post("/api-tokens", headers=as_user("admin.a"), json={
        "plant_id": tw.world.plant1, "name": f"Dock {uuid.uuid4().hex[:6]}", "kind": "station"}).json()["token"]
    body = {"mode": "move", "raw": "TAKT1|LOT|org-a|LOT-999999"}
    japanese = client.post("/scans", headers={**bearer(token), "Accept-Language": "ja-JP,ja;q=0.9"}, json=body)
    assert japanese.status_code == 201, japanese.text
    answer = japanese.json()
    assert (answer["ok"], answer["reason"]) == (False, "unknown_label")
    assert answer["message"] == "不明なラベルです: あなたの工場にロット LOT-999999 はありません。"
    english = client.post("/scans", headers=bearer(token), json=body).json()
    assert (english["reason"], english["message"]) == ("unknown_label", "Unknown label: no lot LOT-999999 in your plants.")


def test_a_studio_refusal_and_an_import_report_in_the_requests_language(client, world, session, as_user, tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    studio = make_studio(session, world)
    pm = as_user("prod.manager")
    error = assert_error(client.post(f"/studio/projects/{studio.project_id}/cuts", headers={**pm, "Accept-Language": "ja"},
                                     json={"code": "C001", "episode_id": studio.episode_id}), 409, "conflict")
    assert error["message"] == "カット C001 はすでに存在します。"
    report = client.post(f"/studio/projects/{studio.project_id}/import", headers={**pm, "Accept-Language": "ko"},
                         files={"file": ("cuts.csv", b"episode,cut,frame_in,frame_out\n1,C001,1,2\n2,C020,9,3\n",
                                         "text/csv")})
    assert report.status_code == 200, report.text
    rows = {r["row"]: r["problems"] for r in report.json()["rows"]}
    assert rows == {2: ["컷 C001이(가) 이 프로젝트에 이미 있습니다."], 3: ["frame_out이 frame_in보다 앞입니다."]}
