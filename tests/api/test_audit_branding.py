"""The audit trail as pages and as CSV (the same rows a filter shows), and branding."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from models.base import utcnow
from tests.api.conftest import assert_error, row_counts


def test_audit_lists_what_services_recorded_with_filters(client, world, as_user):
    a = as_user("admin.a")
    start = utcnow()
    client.patch(f"/plants/{world.plant1}", headers=a, json={"name": "Main plant"})
    client.patch(f"/departments/{world.dept1}", headers=a, json={"name": "Machining"})

    plants = client.get("/audit", headers=a, params={"entity": "plant", "since": start.isoformat()}).json()
    assert plants["total"] == 1
    entry = plants["items"][0]
    assert (entry["entity"], entry["entity_id"], entry["action"], entry["username"]) == \
        ("plant", str(world.plant1), "update", "admin.a")
    assert entry["changes"]["name"] == {"before": "Plant", "after": "Main plant"}

    mine = client.get("/audit", headers=a, params={"user_id": world.admin_a, "since": start.isoformat()}).json()
    assert {(e["entity"], e["action"]) for e in mine["items"]} >= {("plant", "update"), ("department", "update")}
    page = client.get("/audit", headers=a, params={"limit": 2, "offset": 1}).json()
    assert len(page["items"]) == 2 and page["total"] > 2 and (page["limit"], page["offset"]) == (2, 1)
    future = client.get("/audit", headers=a, params={"until": (start - timedelta(days=365)).isoformat()}).json()
    assert future == {"items": [], "total": 0, "limit": 100, "offset": 0}


def test_audit_separates_people_from_machine_and_system_traffic(client, world, as_user):
    a = as_user("admin.a")
    client.patch(f"/plants/{world.plant1}", headers=a, json={"name": "Main plant"})
    everything = client.get("/audit", headers=a, params={"limit": 1000}).json()["items"]
    people = client.get("/audit", headers=a, params={"source": "people", "limit": 1000}).json()["items"]
    machines = client.get("/audit", headers=a, params={"source": "machines", "limit": 1000}).json()["items"]
    assert people and machines and len(people) + len(machines) == len(everything)
    assert all(e["user_id"] for e in people) and not any(e["user_id"] for e in machines)
    traffic = client.get("/audit/traffic", headers=a).json()
    assert sum(t["count"] for t in traffic) == len(machines)
    assert {(t["entity"], t["action"]) for t in traffic} == {(e["entity"], e["action"]) for e in machines}
    assert client.get("/audit", headers=a, params={"source": "robots"}).status_code == 422


def test_audit_csv_contains_the_rows_the_filter_shows(client, world, as_user):
    a = as_user("admin.a")
    for name in ("One", "Two", "Three"):
        client.patch(f"/plants/{world.plant2}", headers=a, json={"name": name})
    params = {"entity": "plant", "user_id": world.admin_a}
    shown = client.get("/audit", headers=a, params=params).json()
    response = client.get("/audit.csv", headers=a, params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert shown["total"] == len(rows) == 3
    assert [(r["entity"], r["entity_id"], r["action"], r["user"]) for r in rows] == \
        [(e["entity"], e["entity_id"], e["action"], e["username"]) for e in shown["items"]]
    assert '"after": "Three"' in rows[0]["changes"]


def test_audit_dates_need_a_time_zone(client, world, as_user):
    error = assert_error(client.get("/audit", headers=as_user("admin.a"), params={"since": "2026-03-02T08:00:00"}),
                         422, "invalid", since="")
    assert "timezone" in error["fields"]["since"].lower()


def test_everyone_reads_branding_and_admins_change_it(client, world, as_user):
    op, a = as_user("op.one"), as_user("admin.a")
    assert client.get("/branding", headers=op).json() == {
        "organization_id": world.org_a, "display_name": "Org A", "primary_color": "#2563eb", "logo_svg": None}
    changed = client.patch("/branding", headers=a, json={"display_name": "Acme Works", "primary_color": "#FF6600"})
    assert changed.status_code == 200
    assert (changed.json()["display_name"], changed.json()["primary_color"]) == ("Acme Works", "#ff6600")
    assert client.get("/me", headers=op).json()["branding"]["display_name"] == "Acme Works"
    assert client.get("/branding", headers=as_user("admin.b")).json()["display_name"] == "Org B"


def test_unsafe_logo_and_bad_colour_are_refused(client, world, as_user, engine):
    a = as_user("admin.a")
    before = row_counts(engine)
    response = client.patch("/branding", headers=a, json={
        "primary_color": "orange", "logo_svg": '<svg onload="alert(1)"></svg>'})
    assert_error(response, 422, "invalid", primary_color="", logo_svg="")
    assert row_counts(engine) == before
    assert client.get("/branding", headers=a).json()["primary_color"] == "#2563eb"
