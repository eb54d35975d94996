"""Organization settings through the API: read, change (numbering the next order uses, time zone of new plants),
history, validation and tenancy."""
from __future__ import annotations

from tests.api.conftest import assert_error


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
