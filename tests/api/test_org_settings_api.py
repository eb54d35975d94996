"""Organization settings through the API: read, change (numbering the next order uses, time zone of new plants),
history, validation and tenancy."""
from __future__ import annotations

from tests.api.conftest import assert_error
from tests.factories.org import PASSWORD


def test_settings_change_numbering_and_the_time_zone_of_new_plants(client, world, as_user):
    admin, other = as_user("admin.a"), as_user("admin.b")
    assert client.get("/settings", headers=as_user("op.one")).json()["numbering"]["NCR"] == "NCR-{seq:06}"
    changed = client.patch("/settings", headers=admin, json={"timezone": "America/Chicago",
                                                             "numbering": {"NCR": "QN-{yyyy}-{seq:03}"}})
    assert changed.status_code == 200, changed.text
    assert changed.json()["numbering"]["NCR"] == "QN-{yyyy}-{seq:03}"
    ncr = client.post("/ncrs", headers=admin, json={"plant_id": world.plant1, "title": "Burr"})
    assert ncr.status_code == 201, ncr.text
    assert ncr.json()["number"].startswith("QN-") and ncr.json()["number"].endswith("-001")
    plant = client.post("/plants", headers=admin, json={"code": "CHI", "name": "Chicago"})
    assert plant.status_code == 201 and plant.json()["timezone"] == "America/Chicago"
    history = client.get("/settings/history", headers=admin).json()
    assert history[0]["username"] == "admin.a" and set(history[0]["changes"]) == {"timezone", "numbering"}
    assert client.get("/settings", headers=other).json()["timezone"] == "UTC"
    assert client.get("/settings/history", headers=other).json() == []


def test_bad_settings_and_missing_permission(client, world, as_user):
    admin = as_user("admin.a")
    assert_error(client.patch("/settings", headers=admin, json={"currency": "Euro", "numbering": {"WO": "{yyyy}"}}),
                 422, "invalid", currency="", **{"numbering.WO": ""})
    assert_error(client.patch("/settings", headers=as_user("planner.one"), json={"currency": "USD"}), 403, "forbidden")
    assert client.get("/settings", headers=admin).json()["currency"] == "EUR"


def test_the_log_in_policy_refuses_a_too_weak_password_in_the_persons_language(client, world, as_user):
    admin, operator = as_user("admin.a"), as_user("op.one")
    changed = client.patch("/settings", headers=admin, json={"password_min_length": 16, "password_require_symbol": True,
                                                             "session_idle_minutes": 30})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["password_min_length"], changed.json()["session_idle_minutes"]) == (16, 30)
    weak = {"current_password": PASSWORD, "new_password": "Horse-bat-42"}
    error = assert_error(client.post("/auth/password", headers=operator, json=weak), 422, "invalid", new_password="")
    assert error["fields"]["new_password"] == "Use at least 16 characters."
    error = assert_error(client.post("/auth/password", headers={**operator, "Accept-Language": "ja"}, json=weak),
                         422, "invalid", new_password="")
    assert error["fields"]["new_password"] == "16 文字以上にしてください。"
    strong = {"current_password": PASSWORD, "new_password": "Correcthorsebattery42"}
    error = assert_error(client.post("/auth/password", headers={**operator, "Accept-Language": "ko"}, json=strong),
                         422, "invalid", new_password="")
    assert error["fields"]["new_password"] == "!, ?, #, % 같은 기호를 하나 이상 넣으세요."
    assert client.post("/auth/password", headers=operator,
                       json={**strong, "new_password": "Correcthorsebattery42!"}).status_code == 204
    assert_error(client.patch("/settings", headers=admin, json={"session_idle_minutes": 5}), 422, "invalid",
                 session_idle_minutes="")
    history = client.get("/settings/history", headers=admin).json()
    assert set(history[0]["changes"]) == {"password_min_length", "password_require_symbol", "session_idle_minutes"}
