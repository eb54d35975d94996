
"""Reason codes: kinds, planned flag with the six-big-loss category, never deleting one in use."""
from datetime import timedelta

import pytest

from models.base import utcnow
from models.resources import LossCategory, ReasonCode
from models.shopfloor import EventKind, ProductionEvent
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.master import reason_codes as rc
from services.master.reason_codes import ReasonCodeCreate, ReasonCodeUpdate
from tests.factories.db import committed, count
from tests.factories.production import make_line


@pytest.fixture
def planner(world):
    return world.actor(world.planner1)


def _reason(session, actor, kind, code, **kw):
    return committed(session, rc.create_reason_code, actor, ReasonCodeCreate(kind=kind, code=code, name=f"{code} reason", **kw),
                     now=utcnow())


def test_create_reason_codes_of_each_kind(world, session, planner, captured_events):
    brk = _reason(session, planner, "downtime", "brk", loss_category="breakdown")
    pm = _reason(session, planner, "downtime", "PM", planned=True)
    dim = _reason(session, planner, "scrap", "DIM", loss_category="production_reject")
    late = _reason(session, planner, "exception", "LATE")
    assert (brk.code, brk.planned, brk.loss_category) == ("BRK", False, LossCategory.BREAKDOWN)
    assert (pm.planned, pm.loss_category) == (True, LossCategory.PLANNED_STOP)
    assert (dim.kind.value, late.loss_category) == ("scrap", None)
    assert [r.code for r in rc.list_reason_codes(session, planner, kind="downtime")] == ["BRK", "PM"]
    assert [r.code for r in rc.list_reason_codes(session, planner, search="dim")] == ["DIM"]
    assert sum(e.name == "reason_code.created" for e in captured_events) == 4


@pytest.mark.parametrize("kind, planned, category, field", [
    ("scrap", False, "breakdown", "loss_category"),
    ("downtime", False, "production_reject", "loss_category"),
    ("exception", False, "minor_stop", "loss_category"),
    ("scrap", True, None, "planned"),
    ("downtime", False, "planned_stop", "planned"),
    ("downtime", True, "breakdown", "loss_category"),
    ("downtime", False, "sabotage", "loss_category"),
    ("weather", False, None, "kind"),
])
def test_category_must_fit_kind_and_planned_flag(world, session, planner, kind, planned, category, field):
    with pytest.raises(Invalid) as exc:
        rc.create_reason_code(session, planner, ReasonCodeCreate(kind=kind, code="X", name="X", planned=planned,
                                                                 loss_category=category), now=utcnow())
    assert field in exc.value.fields


def test_codes_unique_per_kind(world, session, planner):
    _reason(session, planner, "downtime", "MAT", loss_category="minor_stop")
    assert _reason(session, planner, "pause", "MAT").kind.value == "pause"
    with pytest.raises(Conflict):
        _reason(session, planner, "downtime", "mat")


def test_update_and_clear_category(world, session, planner):
    r = _reason(session, planner, "downtime", "SET", loss_category="setup_adjustment")
    r = committed(session, rc.update_reason_code, planner, r.id, ReasonCodeUpdate(name="Changeover", position=5), now=utcnow())
    assert (r.name, r.position, r.loss_category) == ("Changeover", 5, LossCategory.SETUP_ADJUSTMENT)
    r = committed(session, rc.update_reason_code, planner, r.id, ReasonCodeUpdate(loss_category=""), now=utcnow())
    assert r.loss_category is None
    r = committed(session, rc.update_reason_code, planner, r.id, ReasonCodeUpdate(planned=True), now=utcnow())
    assert (r.planned, r.loss_category) == (True, LossCategory.PLANNED_STOP)


def test_a_used_reason_is_never_deleted_only_deactivated(world, session, engine, planner, now):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    unused = _reason(session, planner, "scrap", "BURR", loss_category="startup_reject")
    with transaction(session):
        session.add(ProductionEvent(organization_id=world.org_a, plant_id=world.plant1, machine_id=line.machine_ids[0],
                                    kind=EventKind.COUNT, quantity_scrap=1, reason_code_id=line.scrap_reason_id,
                                    client_id="c-1", occurred_at=now, recorded_at=now + timedelta(seconds=1)))
    with pytest.raises(Conflict) as exc:
        rc.delete_reason_code(session, planner, line.scrap_reason_id, now=now)
    assert "deactivate it instead" in exc.value.message
    session.rollback()
    assert committed(session, rc.set_reason_code_active, planner, line.scrap_reason_id, False, now=now).is_active is False
    committed(session, rc.delete_reason_code, planner, unused.id, now=now)
    assert count(engine, ReasonCode, ReasonCode.id == unused.id) == 0
    assert count(engine, ReasonCode, ReasonCode.id == line.scrap_reason_id) == 1


def test_permissions_and_isolation(world, session, planner):
    r = _reason(session, planner, "downtime", "BRK", loss_category="breakdown")
    operator = world.actor(world.operator1)
    assert [x.code for x in rc.list_reason_codes(session, operator)] == ["BRK"]
    with pytest.raises(Forbidden):
        rc.set_reason_code_active(session, operator, r.id, False, now=utcnow())
    admin_b = world.actor(world.admin_b)
    assert rc.list_reason_codes(session, admin_b) == []
    with pytest.raises(NotFound):
        rc.update_reason_code(session, admin_b, r.id, ReasonCodeUpdate(name="Mine"), now=utcnow())
    with pytest.raises(NotFound):
        rc.delete_reason_code(session, admin_b, r.id, now=utcnow())
