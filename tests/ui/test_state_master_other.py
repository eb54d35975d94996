"""Routings, shift calendars, reason codes and customers page states: the handlers' happy paths,
field errors shown next to fields, and refusals for other plants and organizations."""
from __future__ import annotations

from sqlmodel import Session, select

from models.calendar import ShiftCalendar
from models.catalog import Customer
from models.user import User
from rxapp.state.master.calendar_detail import CalendarDetailState, clock_minutes
from rxapp.state.master.calendars import CalendarsState
from rxapp.state.master.customers import CustomersState
from rxapp.state.master.reason_codes import ReasonCodesState
from rxapp.state.master.routings import RoutingsState
from services.core.db import transaction
from services.core.errors import Invalid
from tests.factories.production import make_line
from tests.ui.conftest import download_bytes, run, signed_in, toasts


async def test_routing_steps_add_move_and_remove(engine, session, world):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    state = await signed_in(engine, RoutingsState, "planner.one")
    await run(state.enter(), state)
    assert [(r.product_code, r.step_count, r.is_active) for r in state.rows] == [(state.rows[0].product_code, 2, True)]
    await run(state.select(line.routing_id), state)
    assert [(s.sequence, s.name) for s in state.steps] == [(10, "Cut"), (20, "Drill")]
    await run(state.open_new_step(), state)
    await run(state.save_step({"name": "Paint", "work_center_id": str(line.work_center_id), "setup_seconds": "x",
                               "ideal_cycle_seconds": "5"}), state)
    assert state.step_errors == {"setup_seconds": "Enter whole seconds."}
    await run(state.save_step({"name": "Paint", "work_center_id": str(line.work_center_id), "setup_seconds": "60",
                               "ideal_cycle_seconds": "0"}), state)
    assert set(state.step_errors) == {"ideal_cycle_seconds"} and state.step_open
    await run(state.save_step({"name": "Paint", "work_center_id": str(line.work_center_id), "setup_seconds": "60",
                               "ideal_cycle_seconds": "40.5"}), state)
    assert not state.step_open and [s.name for s in state.steps] == ["Cut", "Drill", "Paint"]
    await run(state.move_step(state.steps[2].id, -1), state)
    assert [(s.sequence, s.name) for s in state.steps] == [(10, "Cut"), (20, "Paint"), (30, "Drill")]
    await run(state.remove_step(state.steps[0].id), state)
    assert [s.name for s in state.steps] == ["Paint", "Drill"]
    await run(state.open_new(), state)
    events = await run(state.save({"product_id": "", "name": "X"}), state)
    assert state.form_errors == {"product_id": "Unknown product."} and toasts(events, "error")
    other = await signed_in(engine, RoutingsState, "admin.b")
    assert toasts(await run(other.select(line.routing_id), other), "error") == ["Routing not found."]
    assert other.steps == [] and other.selected.id == 0


async def test_calendar_shifts_breaks_holidays_and_week_view(engine, world):
    state = await signed_in(engine, CalendarsState, "planner.one")
    await run(state.enter(), state)
    await run(state.open_new(), state)
    await run(state.save({"plant_id": str(world.plant1), "name": "", "is_default": "on"}), state)
    assert state.form_errors == {"name": "Required."}
    await run(state.save({"plant_id": str(world.plant1), "name": "Two shifts", "is_default": "on"}), state)
    assert [(c.plant_code, c.name, c.is_default) for c in state.rows] == [("P1", "Two shifts", True)]
    detail = await state.get_state(CalendarDetailState)
    await run(detail.show(state.rows[0].id), detail)
    await run(detail.open_new_shift(), detail)
    await run(detail.save_shift({"name": "Early", "start": "6:00", "end": "25:00", "day1": "on"}), detail)
    assert detail.shift_errors == {"end_minute": "Enter a time like 06:00."} and detail.shift_open
    form = {"name": "Early", "start": "06:00", "end": "14:00", **{f"day{d}": "on" for d in "12345"}}
    await run(detail.save_shift(form), detail)
    assert not detail.shift_open and [(s.name, s.start, s.end, s.days) for s in detail.shifts] == [
        ("Early", "06:00", "14:00", "Mon, Tue, Wed, Thu, Fri")]
    await run(detail.open_new_shift(), detail)
    await run(detail.save_shift({**form, "name": "Overlap", "start": "13:00", "end": "15:00"}), detail)
    assert "Overlaps 'Early'." in detail.shift_errors.values() and detail.shift_open
    await run(detail.open_new_break(detail.shifts[0].id), detail)
    await run(detail.save_break({"name": "Lunch", "start": "15:00", "end": "15:30"}), detail)
    assert set(detail.break_errors) == {"start_minute", "end_minute"}
    await run(detail.save_break({"name": "Lunch", "start": "12:00", "end": "12:30"}), detail)
    assert [(b.name, b.start, b.end) for b in detail.shifts[0].breaks] == [("Lunch", "12:00", "12:30")]
    await run(detail.add_holiday({"day": "", "name": ""}), detail)
    assert detail.holiday_errors == {"day": "Pick a date."}
    await run(detail.add_holiday({"day": "2026-12-25", "name": "Christmas"}), detail)
    assert [(h.day, h.name) for h in detail.holidays] == [("2026-12-25", "Christmas")]
    bars = detail.figure.data[0]
    assert len(bars.y) == 10 and set(bars.base) == {6.0, 12.5}           # five days, lunch splits each in two
    assert len(detail.figure.data[1].y) == 7                           # every weekday keeps its row
    assert state.rows[0].shift_count == 1
    other = await signed_in(engine, CalendarDetailState, "admin.b")
    assert toasts(await run(other.show(detail.calendar_id), other), "error") == ["Shift calendar not found."]
    with Session(engine) as s:
        assert len(s.exec(select(ShiftCalendar)).all()) == 1


def test_clock_parsing():
    assert clock_minutes("06:30", "x") == 390 and clock_minutes("24:00", "x", allow_24=True) == 1440
    for bad in ("24:00", "7", "12:60", "ab:cd", ""):
        try:
            clock_minutes(bad, "x")
        except Invalid as error:
            assert error.fields == {"x": "Enter a time like 06:00."}
        else:
            raise AssertionError(bad)


async def test_reason_codes_and_customers(engine, world):
    reasons = await signed_in(engine, ReasonCodesState, "planner.one")
    await run(reasons.open_new(), reasons)
    await run(reasons.save({"kind": "scrap", "code": "DIM", "name": "Dimension", "loss_category": "breakdown",
                            "position": "10"}), reasons)
    assert set(reasons.form_errors) == {"loss_category"}
    await run(reasons.save({"kind": "downtime", "code": "pm", "name": "Maintenance", "planned": "on",
                            "loss_category": "", "position": "10"}), reasons)
    assert [(r.code, r.kind_label, r.planned, r.loss_label) for r in reasons.rows] == [
        ("PM", "Downtime", True, "Planned stop")]
    events = await run(reasons.delete(reasons.rows[0].id), reasons)
    assert toasts(events, "success") == ["Reason code deleted"] and reasons.rows == []
    customers = await signed_in(engine, CustomersState, "planner.one")
    await run(customers.open_new(), customers)
    await run(customers.save({"code": "acme", "name": "Acme", "email": "nope", "phone": "", "address": ""}), customers)
    assert customers.form_errors == {"email": "This is not an email address."}
    await run(customers.save({"code": "acme", "name": "Acme", "email": "buy@acme.example", "phone": "",
                              "address": ""}), customers)
    assert [(c.code, c.email) for c in customers.rows] == [("ACME", "buy@acme.example")]
    other = await signed_in(engine, CustomersState, "admin.b")
    assert toasts(await run(other.open_edit(customers.rows[0].id), other), "error") == ["Customer not found."]
    with Session(engine) as s:
        assert [c.name for c in s.exec(select(Customer)).all()] == ["Acme"]


async def test_the_calendar_export_has_headers_in_the_persons_language(engine, session, world):
    with transaction(session):
        session.get(User, world.planner1).language = "ja"
    state = await signed_in(engine, CalendarsState, "planner.one")
    await run(state.enter(), state)
    header = download_bytes(await run(state.export("csv"), state)).decode("utf-8-sig").splitlines()[0]
    assert header == "工場,名前,既定,シフト,有効"
