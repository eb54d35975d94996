"""Reading the audit trail: filters, organization scope, CSV export, permission (services/core/audit.py)."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import pytest

from models.audit import AuditEntry
from services.core import audit
from services.core.audit import AuditFilter
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid
from services.org import plants, users
from services.org.plants import PlantUpdate
from services.org.users import UserUpdate
from tests.factories.db import count

HOUR = timedelta(hours=1)


@pytest.fixture
def trail(session, world, now):
    """Org A: admin.a renames plant 1 at T0 and T0+1h and edits op.one at T0+2h; org B: admin.b renames its plant at T0+1h."""
    admin_a, admin_b = world.actor(world.admin_a), world.actor(world.admin_b)
    with transaction(session):
        plants.update_plant(session, admin_a, world.plant1, PlantUpdate(name="Berlin"), now=now)
    with transaction(session):
        plants.update_plant(session, admin_a, world.plant1, PlantUpdate(name="Berlin Works"), now=now + HOUR)
    with transaction(session):
        users.update_user(session, admin_a, world.operator1, UserUpdate(full_name="Olga"), now=now + 2 * HOUR)
    with transaction(session):
        plants.update_plant(session, admin_b, world.plant_b, PlantUpdate(name="Osaka"), now=now + HOUR)
    return admin_a


def listed(session, actor, **flt):
    entries, total = audit.list_audit(session, actor, AuditFilter(**flt))
    assert total == len(entries)
    return entries


def test_entries_come_newest_first_with_who_what_and_the_changes(session, world, now, trail):
    entries = listed(session, trail, user_id=world.admin_a)

    assert [(e.at, e.username, e.entity, e.entity_id, e.action) for e in entries] == [
        (now + 2 * HOUR, "admin.a", "user", str(world.operator1), "update"),
        (now + HOUR, "admin.a", "plant", str(world.plant1), "update"),
        (now, "admin.a", "plant", str(world.plant1), "update"),
    ]
    assert entries[1].changes == {"name": {"before": "Berlin", "after": "Berlin Works"}}


def test_filter_by_entity(session, world, trail):
    assert {(e.entity, e.user_id) for e in listed(session, trail, entity="plant", user_id=world.admin_a)} == {
        ("plant", world.admin_a)}
    assert [e.entity_id for e in listed(session, trail, entity="user", user_id=world.admin_a)] == [str(world.operator1)]


def test_filter_by_date_range_includes_since_and_excludes_until(session, world, now, trail):
    entries = listed(session, trail, since=now + HOUR, until=now + 2 * HOUR)

    assert [(e.at, e.entity, e.changes["name"]["after"]) for e in entries] == [(now + HOUR, "plant", "Berlin Works")]
    assert [e.at for e in listed(session, trail, since=now + 2 * HOUR, until=now + 3 * HOUR)] == [now + 2 * HOUR]


def test_date_filters_in_another_time_zone_mean_the_same_instant(session, now, trail):
    from zoneinfo import ZoneInfo
    tokyo = (now + HOUR).astimezone(ZoneInfo("Asia/Tokyo"))

    assert [e.at for e in listed(session, trail, since=tokyo, until=tokyo + timedelta(minutes=1))] == [now + HOUR]


def test_a_date_filter_without_a_time_zone_is_refused(session, trail):
    with pytest.raises(Invalid) as refused:
        audit.list_audit(session, trail, AuditFilter(since=datetime(2026, 3, 2, 9, 0)))
    assert refused.value.fields == {"since": "Give a time with a time zone (the trail is kept in UTC)."}


def test_each_organization_sees_only_its_own_trail(session, engine, world, trail):
    in_a, total_a = audit.list_audit(session, trail)
    in_b, total_b = audit.list_audit(session, world.actor(world.admin_b))

    assert total_a == count(engine, AuditEntry, AuditEntry.organization_id == world.org_a)
    assert total_b == count(engine, AuditEntry, AuditEntry.organization_id == world.org_b)
    assert {e.id for e in in_a}.isdisjoint({e.id for e in in_b})
    assert [e.changes for e in in_b if e.entity == "plant" and e.action == "update"] == [
        {"name": {"before": "Plant", "after": "Osaka"}}]
    assert listed(session, world.actor(world.admin_b), user_id=world.admin_a) == []


def test_paging_keeps_the_total(session, world, trail):
    page, total = audit.list_audit(session, trail, AuditFilter(user_id=world.admin_a), limit=2, offset=1)
    assert total == 3
    assert [e.entity for e in page] == ["plant", "plant"]


def test_entities_and_people_for_the_filter_lists(session, world, trail):
    assert audit.audit_entities(session, trail) == ["department", "organization", "plant", "user"]
    assert audit.audit_entities(session, world.actor(world.admin_b)) == ["department", "organization", "plant", "user"]


def test_csv_has_a_header_and_one_row_per_entry(session, world, now, trail):
    flt = AuditFilter(user_id=world.admin_a)

    rows = list(csv.reader(io.StringIO(audit.audit_csv(session, trail, flt))))

    assert rows[0] == ["at_utc", "user", "entity", "entity_id", "action", "changes"]
    entries = listed(session, trail, user_id=world.admin_a)
    assert len(rows) == 1 + len(entries) == 4
    assert rows[1] == [(now + 2 * HOUR).isoformat(), "admin.a", "user", str(world.operator1), "update",
                       json.dumps({"full_name": {"before": "", "after": "Olga"}}, sort_keys=True)]
    assert [datetime.fromisoformat(r[0]) for r in rows[1:]] == [e.at for e in entries]


def test_csv_of_everything_matches_the_list(session, trail):
    rows = list(csv.reader(io.StringIO(audit.audit_csv(session, trail))))
    entries, total = audit.list_audit(session, trail)
    assert len(rows) - 1 == total
    assert [r[4] for r in rows[1:]] == [e.action for e in entries]


@pytest.mark.parametrize("who", ["operator1", "planner1"])
def test_reading_the_trail_needs_view_audit(session, world, trail, who):
    actor = world.actor(getattr(world, who))
    message = "You are not allowed to do this: it needs the 'view_audit' permission."
    for read in (audit.list_audit, audit.audit_csv, audit.audit_entities):
        with pytest.raises(Forbidden) as refused:
            read(session, actor)
        assert str(refused.value) == message


def test_a_manager_may_read_the_trail(session, world, trail):
    from tests.factories.org import make_user
    manager = world.actor(make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1]))
    assert audit.list_audit(session, manager)[1] == audit.list_audit(session, trail)[1]
