"""Schedule exceptions: recorded with a reason, listed newest first, late ones detected once."""
from __future__ import annotations

from datetime import date

import pytest

from models.orders import ExceptionKind, WorkOrder
from models.resources import Machine
from services.core.errors import Forbidden, Invalid, NotFound
from services.production import scheduling
from tests.factories.db import committed
from tests.factories.production import make_line, make_work_order
from tests.factories.scheduling import floor, utc

T0 = utc(2026, 3, 2, 8, 0)


def test_a_short_exception_is_recorded_with_its_reason(session, world, captured_events):
    f = floor(session, world)
    wo, cut, _drill = f.work_order(session)
    committed(session, scheduling.assign_operation, f.planner, cut, f.m1, now=T0)
    got = committed(session, scheduling.record_exception, f.planner, cut, kind="short",
                    reason="Only 96 good: material ran out", details={"good": 96}, now=T0)
    assert (got.kind, got.reason, got.details, got.username) == (ExceptionKind.SHORT, "Only 96 good: material ran out",
                                                                {"good": 96}, "planner.one")
    assert (got.work_order_number, got.operation_name, got.sequence) == (session.get(WorkOrder, wo).number, "Cut", 10)
    assert got.machine_code == session.get(Machine, f.m1).code
    assert captured_events[-1].name == "schedule.exception_recorded"


@pytest.mark.parametrize("kind, reason, field", [("broken", "x", "kind"), ("late", "   ", "reason"),
                                                 ("late", "x" * 501, "reason")])
def test_an_exception_needs_a_known_kind_and_a_reason(session, world, kind, reason, field):
    f = floor(session, world)
    _wo, cut, _drill = f.work_order(session)
    with pytest.raises(Invalid) as caught:
        committed(session, scheduling.record_exception, f.planner, cut, kind=kind, reason=reason, now=T0)
    assert field in caught.value.fields


def test_exceptions_are_listed_newest_first_and_filtered(session, world):
    f = floor(session, world)
    _wo, cut, drill = f.work_order(session)
    committed(session, scheduling.record_exception, f.planner, cut, kind="late", reason="first", now=T0)
    committed(session, scheduling.record_exception, f.planner, drill, kind="short", reason="second",
              now=utc(2026, 3, 2, 9, 0))
    listed = committed(session, scheduling.list_exceptions, f.planner, f.plant_id)
    assert [e.reason for e in listed] == ["second", "first"]
    assert [e.reason for e in committed(session, scheduling.list_exceptions, f.planner, f.plant_id, kind="late")] == [
        "first"]
    assert [e.reason for e in committed(session, scheduling.list_exceptions, f.planner, f.plant_id,
                                        since=utc(2026, 3, 2, 8, 30))] == ["second"]


def test_late_operations_are_detected_once_each(session, world, captured_events):
    f = floor(session, world, zone="Europe/Berlin")
    _a, late, _x = f.work_order(session, quantity=1700, due=date(2026, 3, 2))     # ends Tuesday 08:35 Berlin
    _b, fine, _y = f.work_order(session, quantity=10, due=date(2026, 3, 2))
    committed(session, scheduling.assign_operation, f.planner, late, f.m1, now=T0)
    committed(session, scheduling.assign_operation, f.planner, fine, f.m2, now=T0)
    found = committed(session, scheduling.detect_late, f.planner, f.plant_id, now=T0)
    assert [(e.operation_id, e.kind) for e in found] == [(late, ExceptionKind.LATE)]
    assert found[0].reason.startswith("Planned to end 2026-03-03 08:35, after its due date 2026-03-02")
    assert captured_events[-1].name == "schedule.late_detected"
    assert committed(session, scheduling.detect_late, f.planner, f.plant_id, now=T0) == []
    committed(session, scheduling.move_operation, f.planner, fine, position=1, machine_id=f.m1, reason="Rush",
              now=T0)                                    # `late` ends later still: no second exception
    assert committed(session, scheduling.detect_late, f.planner, f.plant_id, now=T0) == []
    assert len(committed(session, scheduling.list_exceptions, f.planner, f.plant_id, kind="late")) == 1


def test_exceptions_of_other_plants_and_by_operators_are_refused(session, world):
    f = floor(session, world)
    line2 = make_line(session, world.org_a, world.plant2, world.dept2)
    _wo, (op2, _d) = make_work_order(session, world.org_a, world.plant2, line2)
    with pytest.raises(NotFound):
        committed(session, scheduling.record_exception, f.planner, op2, kind="late", reason="x", now=T0)
    with pytest.raises(NotFound):
        committed(session, scheduling.list_exceptions, f.planner, world.plant2)
    with pytest.raises(NotFound):
        committed(session, scheduling.detect_late, f.planner, world.plant2, now=T0)
    _wo, cut, _drill = f.work_order(session)
    with pytest.raises(Forbidden):
        committed(session, scheduling.record_exception, world.actor(world.operator1), cut, kind="late", reason="x",
                  now=T0)
