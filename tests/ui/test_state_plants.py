"""Plants admin state: plants and departments, field errors, and isolation between organizations
and between plants."""
from __future__ import annotations

from sqlmodel import Session, select

from models.organization import Department, Plant
from rxapp.state.org.auth import AuthState
from rxapp.state.org.plants import PlantsState
from tests.ui.conftest import asks_to_log_in, new_tab, run, signed_in, toasts


def _plant(engine, plant_id: int) -> dict:
    with Session(engine) as s:
        return s.get(Plant, plant_id).model_dump(exclude={"updated_at", "created_at"})


def _dept(engine, dept_id: int) -> dict:
    with Session(engine) as s:
        return s.get(Department, dept_id).model_dump(exclude={"updated_at", "created_at"})


async def test_admin_sees_plants_with_departments(engine, world):
    state = await signed_in(engine, PlantsState, "admin.a")
    await run(state.enter(), state)
    assert [(p.code, [d.code for d in p.departments]) for p in state.rows] == [("P1", ["MACH"]), ("P2", ["ASSY"])]
    assert not state.loading and state.load_error == ""


async def test_create_plant_with_field_errors_then_success(engine, world):
    state = await signed_in(engine, PlantsState, "admin.a")
    await run(state.open_new_plant(), state)
    events = await run(state.save_plant({"code": "", "name": "", "timezone": "Mars/Olympus"}), state)
    assert set(state.plant_errors) == {"code", "name", "timezone"}
    assert state.plant_errors["timezone"].startswith("Unknown time zone 'Mars/Olympus'")
    assert toasts(events, "error") == ["Some fields are not valid."] and state.plant_open
    events = await run(state.save_plant({"code": "p1", "name": "Dup", "timezone": "UTC"}), state)
    assert state.plant_errors == {"code": "Already used."}
    events = await run(state.save_plant({"code": "osa", "name": "Osaka", "timezone": "Asia/Tokyo"}), state)
    assert toasts(events, "success") == ["Plant saved: OSA"] and not state.plant_open
    assert ("OSA", "Osaka", "Asia/Tokyo") in [(p.code, p.name, p.timezone) for p in state.rows]


async def test_rename_change_zone_and_deactivate_a_plant(engine, world):
    state = await signed_in(engine, PlantsState, "admin.a")
    await run(state.open_edit_plant(world.plant2), state)
    assert (state.plant_mode, state.plant_code, state.plant_timezone) == ("edit", "P2", "UTC")
    await run(state.save_plant({"name": "Porto", "timezone": "Europe/Lisbon"}), state)
    assert (_plant(engine, world.plant2)["name"], _plant(engine, world.plant2)["timezone"]) == ("Porto", "Europe/Lisbon")
    events = await run(state.set_plant_active(world.plant2, False), state)
    assert toasts(events, "success") == ["Deactivated: P2"]
    assert not _plant(engine, world.plant2)["is_active"]
    assert [p.is_active for p in state.rows if p.code == "P2"] == [False]


async def test_departments_create_rename_deactivate(engine, world):
    state = await signed_in(engine, PlantsState, "admin.a")
    await run(state.open_new_department(world.plant1, "P1 · Plant"), state)
    await run(state.save_department({"code": "mach", "name": "Again"}), state)
    assert state.dept_errors == {"code": "Already used."}
    events = await run(state.save_department({"code": "fin", "name": "Finishing"}), state)
    assert toasts(events, "success") == ["Department saved: FIN"]
    await run(state.open_rename_department(world.dept1, "MACH", "Dept"), state)
    await run(state.save_department({"name": "  "}), state)
    assert state.dept_errors == {"name": "Required."}
    await run(state.save_department({"name": "Machining"}), state)
    await run(state.set_department_active(world.dept1, False), state)
    assert (_dept(engine, world.dept1)["name"], _dept(engine, world.dept1)["is_active"]) == ("Machining", False)
    p1 = next(p for p in state.rows if p.code == "P1")
    assert [(d.code, d.name, d.is_active) for d in p1.departments] == [("FIN", "Finishing", True),
                                                                        ("MACH", "Machining", False)]


async def test_another_organization_cannot_touch_these_plants(engine, world):
    """Admin of org B sends org A's plant and department ids to every plants-admin handler."""
    state = await signed_in(engine, PlantsState, "admin.b")
    plant_before, dept_before = _plant(engine, world.plant1), _dept(engine, world.dept1)

    assert toasts(await run(state.open_edit_plant(world.plant1), state), "error") == ["Plant not found."]
    assert not state.plant_open and state.plant_name == ""
    assert toasts(await run(state.set_plant_active(world.plant1, False), state), "error") == ["Plant not found."]
    state.plant_mode, state._plant_id = "edit", world.plant1           # a forged edit
    assert toasts(await run(state.save_plant({"name": "Pwned", "timezone": "UTC"}), state), "error") == [
        "Plant not found."]
    await run(state.open_new_department(world.plant1, "P1"), state)
    assert toasts(await run(state.save_department({"code": "X", "name": "X"}), state), "error") == [
        "Plant not found."]
    assert toasts(await run(state.set_department_active(world.dept1, False), state), "error") == [
        "Department not found."]
    await run(state.open_rename_department(world.dept1, "MACH", "x"), state)
    assert toasts(await run(state.save_department({"name": "Pwned"}), state), "error") == ["Department not found."]

    assert _plant(engine, world.plant1) == plant_before and _dept(engine, world.dept1) == dept_before
    with Session(engine) as s:
        assert [d.code for d in s.exec(select(Department).where(Department.plant_id == world.plant1)).all()] == ["MACH"]
    await run(state.load(), state)
    assert [p.code for p in state.rows] == ["PB"]


async def test_an_operator_of_plant_1_cannot_load_plant_2(engine, world):
    state = await signed_in(engine, PlantsState, "op.one")
    auth = await state.get_state(AuthState)
    assert [p.code for p in auth.plants] == ["P1"]                     # the home page's data
    events = await run(state.enter(), state)
    assert state.rows == [] and state.load_error.startswith("You are not allowed to do this") and toasts(events) == []
    events = await run(state.open_edit_plant(world.plant2), state)
    assert toasts(events, "error") == ["You are not allowed to do this: it needs the 'manage_plants' permission."]
    assert state.plant_name == "" and state.plant_timezone == "UTC" and not state.plant_open
    assert toasts(await run(state.set_plant_active(world.plant2, False), state), "error") == [
        "You are not allowed to do this: it needs the 'manage_plants' permission."]
    assert _plant(engine, world.plant2)["is_active"]


async def test_without_a_session_plants_handlers_ask_to_log_in(engine, world):
    state = await new_tab(PlantsState)
    before = _plant(engine, world.plant1)
    for events in (await run(state.load(), state), await run(state.set_plant_active(world.plant1, False), state),
                   await run(state.open_edit_plant(world.plant1), state)):
        assert asks_to_log_in(events)
    await run(state.open_new_department(world.plant1, "P1"), state)
    assert asks_to_log_in(await run(state.save_department({"code": "X", "name": "X"}), state))
    assert _plant(engine, world.plant1) == before and state.rows == []
