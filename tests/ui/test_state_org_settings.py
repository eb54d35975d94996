"""The organization settings page (OrgSettingsState): an admin changes the numbering pattern, the default time zone,
retention and a plant's KPI conventions; bad input is marked at its field; a planner cannot change anything."""
from __future__ import annotations

from sqlmodel import Session

from rxapp.state.org.settings import OrgSettingsState
from services.core import numbering
from services.core.db import transaction
from services.kpi.settings import conventions
from services.org import settings
from tests.ui.conftest import run, signed_in, toasts


async def test_an_admin_changes_numbering_time_zone_retention_and_kpi_conventions(engine, world):
    state = await signed_in(engine, OrgSettingsState, "admin.a")
    await run(state.load(), state)
    assert state.values["timezone"] == "UTC" and state.values["activity_retention_days"] == "7"
    wo = next(r for r in state.numbering if r.key == "WO")
    assert (wo.pattern, wo.example) == ("WO-{seq:06}", "WO-000042")
    await run(state.set_pattern("WO", "W{yy}-{seq:05}"), state)
    await run(state.set_value("timezone", "Asia/Tokyo"), state)
    await run(state.set_value("audit_retention_days", "365"), state)
    await run(state.set_value("activity_retention_days", "30"), state)
    events = await run(state.save(), state)
    assert toasts(events, "success") == ["Settings saved"]
    assert next(r for r in state.numbering if r.key == "WO").example.endswith("-00042")
    assert [h.who for h in state.history] == ["admin.a"]
    with Session(engine) as s, transaction(s):
        read = settings.settings_for(s, world.org_a)
        assert (read.timezone, read.audit_retention_days) == ("Asia/Tokyo", 365)
        assert numbering.next_number(s, world.org_a, "WO").startswith("W") and numbering.next_number(
            s, world.org_a, "WO").endswith("-00002")
    assert state.values["activity_retention_days"] == "30"

    row = next(r for r in state.plant_kpis if r.plant_id == world.plant1)
    await run(state.set_kpi(world.plant1, "idle_convention", "not_scheduled"), state)
    await run(state.set_kpi(world.plant1, "tolerance", "12"), state)
    await run(state.save_kpi(world.plant1), state)
    with Session(engine) as s:
        kpi = conventions(s, world.plant1)
    assert (kpi.idle_convention.value, kpi.overproduction_tolerance_percent, row.plant) == ("not_scheduled", 12, "P1")


async def test_bad_settings_are_marked_and_a_planner_changes_nothing(engine, world):
    state = await signed_in(engine, OrgSettingsState, "admin.a")
    await run(state.load(), state)
    await run(state.set_pattern("NCR", "NCR-{seq}-{seq}"), state)
    await run(state.set_value("timezone", "Mars/Base"), state)
    await run(state.set_value("week_start", "Sunday"), state)
    await run(state.save(), state)
    assert set(state.errors) == {"week_start"}
    await run(state.set_value("week_start", "6"), state)
    events = await run(state.save(), state)
    assert set(state.errors) == {"timezone", "numbering.NCR"} and toasts(events, "error")

    planner = await signed_in(engine, OrgSettingsState, "planner.one")
    await run(planner.load(), planner)
    assert planner.values == {} and planner.load_error != ""
    planner.values = {"currency": "USD"}
    await run(planner.save(), planner)
    with Session(engine) as s:
        assert settings.settings_for(s, world.org_a).currency == "EUR"


async def test_an_admin_saves_the_log_in_policy_and_a_bad_one_is_marked(engine, world):
    state = await signed_in(engine, OrgSettingsState, "admin.a")
    await run(state.load(), state)
    assert (state.values["session_idle_minutes"], state.values["session_max_hours"],
            state.values["password_min_length"], state.values["password_refuse_personal"]) == ("720", "168", "10", "true")
    await run(state.set_value("session_idle_minutes", "5"), state)
    await run(state.set_value("password_min_length", "twelve"), state)
    await run(state.save(), state)
    assert set(state.errors) == {"password_min_length"}
    await run(state.set_value("password_min_length", "12"), state)
    events = await run(state.save(), state)
    assert set(state.errors) == {"session_idle_minutes"} and toasts(events, "error")

    await run(state.set_value("session_idle_minutes", "45"), state)
    await run(state.set_value("session_max_hours", "24"), state)
    await run(state.set_value("password_require_mixed_case", True), state)
    await run(state.set_value("password_refuse_personal", False), state)
    events = await run(state.save(), state)
    assert toasts(events, "success") == ["Settings saved"] and state.errors == {}
    with Session(engine) as s:
        read = settings.settings_for(s, world.org_a)
        policy = settings.password_policy(s, world.org_a)
    assert (read.session_idle_minutes, read.session_max_hours, read.password_min_length) == (45, 24, 12)
    assert (policy.require_mixed_case, policy.refuse_personal, policy.require_symbol) == (True, False, False)
    assert (state.values["password_require_mixed_case"], state.values["password_refuse_personal"]) == ("true", "false")
    assert "session_idle_minutes" in state.history[0].what
