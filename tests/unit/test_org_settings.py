"""Organization settings: numbering patterns the numbering uses, the default time zone of new plants, retention
periods the purge job reads, validation, history and tenancy."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from models.audit import AuditEntry
from models.config import Notification
from models.organization import Plant
from services.core import numbering
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid
from services.kpi import reads as kpi
from services.org import plants, retention, settings
from services.org.plants import PlantCreate
from services.org.settings import SettingsUpdate
from services.production import scheduling
from services.quality import ncr as ncr_service
from tests.conftest import T0
from tests.factories.production import make_line


def _update(session, actor, **values):
    with transaction(session):
        return settings.update_settings(session, actor, SettingsUpdate(**values), now=T0)


def test_defaults_are_todays_behaviour(session, world):
    read = settings.get_settings(session, world.actor(world.operator1))
    assert read.timezone == "UTC" and read.week_start == 0 and read.audit_retention_days is None
    assert read.numbering["WO"] == "WO-{seq:06}" and read.numbering["NCR"] == "NCR-{seq:06}"
    with transaction(session):
        assert numbering.next_number(session, world.org_a, "WO") == "WO-000001"


def test_a_numbering_pattern_changes_the_numbers_documents_get(session, world):
    admin = world.actor(world.admin_a)
    with transaction(session):
        first = ncr_service.create_ncr(session, admin, ncr_service.NcrCreate(plant_id=world.plant1, title="Burr"), now=T0)
    assert first.number == "NCR-000001"
    _update(session, admin, numbering={"NCR": "Q{yyyy}-{seq:04}", "WO": "{yy}{mm}/{seq}"})
    with transaction(session):
        second = ncr_service.create_ncr(session, admin, ncr_service.NcrCreate(plant_id=world.plant1, title="Dent"), now=T0)
        assert numbering.next_number(session, world.org_a, "WO", at=datetime(2026, 3, 2, tzinfo=UTC)) == "2603/1"
    assert second.number == f"Q{datetime.now(UTC).year}-0002"          # the counter goes on: never a repeat
    with transaction(session):
        assert numbering.next_number(session, world.org_b, "NCR") == "NCR-000001"   # org B keeps its own
    _update(session, admin, numbering={"NCR": ""})
    assert settings.get_settings(session, admin).numbering["NCR"] == "NCR-{seq:06}"


def test_the_default_time_zone_is_where_new_plants_start(session, world):
    admin = world.actor(world.admin_a)
    _update(session, admin, timezone="Europe/Berlin", week_start=6)
    with transaction(session):
        berlin = plants.create_plant(session, admin, PlantCreate(code="BER", name="Berlin"), now=T0)
        tokyo = plants.create_plant(session, admin, PlantCreate(code="TYO", name="Tokyo", timezone="Asia/Tokyo"), now=T0)
    assert berlin.timezone == "Europe/Berlin" and tokyo.timezone == "Asia/Tokyo"
    with transaction(session):
        other = plants.create_plant(session, world.actor(world.admin_b), PlantCreate(code="NYC", name="NY"), now=T0)
    assert other.timezone == "UTC"
    assert session.get(Plant, berlin.id).timezone == "Europe/Berlin"


def test_bad_settings_are_refused_field_by_field(session, world):
    admin = world.actor(world.admin_a)
    with pytest.raises(Invalid) as bad:
        _update(session, admin, timezone="Mars/Olympus", week_start=7, language="xx", currency="EURO", units="cubits",
                audit_retention_days=-1, numbering={"WO": "WO-{seq}{seq}", "NOPE": "{seq}", "PO": "PO-{foo}{seq}"})
    assert set(bad.value.fields) == {"timezone", "week_start", "language", "currency", "units", "audit_retention_days",
                                     "numbering.WO", "numbering.NOPE", "numbering.PO"}
    with pytest.raises(Forbidden):
        _update(session, world.actor(world.planner1), currency="USD")


def test_every_change_is_in_the_history_of_its_organization_only(session, world):
    admin = world.actor(world.admin_a)
    _update(session, admin, currency="usd")
    _update(session, admin, currency="JPY", numbering={"WO": "W{seq:05}"})
    _update(session, admin, currency="JPY")                     # no change, no entry
    history = settings.settings_history(session, admin)
    assert [h.changes["currency"]["after"] for h in history] == ["JPY", "USD"]
    assert history[0].changes["numbering"] == {"before": {}, "after": {"WO": "W{seq:05}"}}
    assert history[0].username == "admin.a"
    assert settings.settings_history(session, world.actor(world.admin_b)) == []
    assert settings.get_settings(session, world.actor(world.admin_b)).currency == "EUR"


def test_the_purge_job_reads_the_retention_periods(session, world):
    admin = world.actor(world.admin_a)
    now = T0 + timedelta(days=100)
    with transaction(session):
        for org_id, user_id in ((world.org_a, world.admin_a), (world.org_b, world.admin_b)):
            session.add(AuditEntry(organization_id=org_id, user_id=user_id, entity="x", entity_id="1", action="old",
                                   changes={}, at=now - timedelta(days=40)))
            session.add(Notification(organization_id=org_id, user_id=user_id, title="old",
                                     created_at=now - timedelta(days=20)))
    with transaction(session):
        assert retention.purge_expired(session, now=now) == {"audit": 0, "notifications": 0}   # nothing set: kept
    _update(session, admin, audit_retention_days=30, notification_retention_days=10)
    with transaction(session):
        # org A's old entry and the settings change itself, written at T0 (100 days before `now`)
        assert retention.purge_expired(session, now=now) == {"audit": 2, "notifications": 1}
    left = session.exec(select(AuditEntry.organization_id).where(AuditEntry.action == "old")).all()
    assert left == [world.org_b]
    assert session.exec(select(Notification.organization_id).where(Notification.title == "old")).all() == [world.org_b]


def test_the_week_start_is_where_capacity_weeks_and_kpi_weeks_begin(session, world):
    make_line(session, world.org_a, world.plant1, world.dept1)
    planner, admin = world.actor(world.planner1), world.actor(world.admin_a)
    wednesday = date(2026, 3, 4)
    assert scheduling.utilisation(session, planner, world.plant1, period="week", start=wednesday).start == date(2026, 3, 2)
    monday_weeks = kpi.oee_trend(session, admin, plant_id=world.plant1, start=T0, end=T0 + timedelta(days=14),
                                 bucket="week", now=T0 + timedelta(days=14))
    assert monday_weeks.points[0].label == "2026-W10"
    _update(session, admin, week_start=6)
    assert scheduling.utilisation(session, planner, world.plant1, period="week", start=wednesday).start == date(2026, 3, 1)
    sunday_weeks = kpi.oee_trend(session, admin, plant_id=world.plant1, start=T0, end=T0 + timedelta(days=14),
                                 bucket="week", now=T0 + timedelta(days=14))
    assert [p.label for p in sunday_weeks.points][:2] == ["2026-03-01", "2026-03-08"]
