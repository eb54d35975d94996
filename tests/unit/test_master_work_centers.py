
"""Work centers, machines and per-product cycle-time overrides: plant rules and isolation."""
from decimal import Decimal

import pytest

from models.audit import AuditEntry
from models.base import utcnow
from models.resources import Machine
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.master import products
from services.master import work_centers as wcs
from services.master.products import ProductCreate
from services.master.work_centers import (
    MachineCreate,
    MachineRateInput,
    MachineUpdate,
    WorkCenterCreate,
    WorkCenterUpdate,
)
from tests.factories.db import committed, count, fetch
from tests.factories.org import make_department


@pytest.fixture
def planner(world):
    return world.actor(world.planner1)


def _wc(session, actor, plant, dept, code="CNC"):
    return committed(session, wcs.create_work_center, actor, WorkCenterCreate(plant_id=plant, department_id=dept,
                                                                              code=code, name=f"{code} cell"), now=utcnow())


def _machine(session, actor, wc_id, code="M1", **kw):
    return committed(session, wcs.create_machine, actor, MachineCreate(work_center_id=wc_id, code=code, name=code, **kw), now=utcnow())


def test_work_center_and_machine_belong_to_plant_and_department(world, session, engine, planner, captured_events):
    wc = _wc(session, planner, world.plant1, world.dept1, "cnc")
    assert (wc.code, wc.plant_code, wc.department_code, wc.machine_count) == ("CNC", "P1", "MACH", 0)
    m = _machine(session, planner, wc.id, "m-01")
    assert (m.code, m.plant_id, m.department_id, m.work_center_code) == ("M-01", world.plant1, world.dept1, "CNC")
    assert wcs.get_work_center(session, planner, wc.id).machine_count == 1
    assert [e.name for e in captured_events] == ["work_center.created", "machine.created"]
    assert captured_events[-1].plant_id == world.plant1
    entries = fetch(engine, AuditEntry, AuditEntry.entity.in_(["work_center", "machine"]), order_by=AuditEntry.id)
    assert [(e.entity, e.action, e.plant_id, e.user_id) for e in entries] == [
        ("work_center", "create", world.plant1, world.planner1), ("machine", "create", world.plant1, world.planner1)]


def test_department_must_be_of_the_same_plant(world, session):
    admin = world.actor(world.admin_a)
    with pytest.raises(Invalid) as exc:
        _wc(session, admin, world.plant1, world.dept2)
    assert exc.value.fields == {"department_id": "Pick a department of this plant."}
    wc = _wc(session, admin, world.plant1, world.dept1)
    with pytest.raises(Invalid):
        _machine(session, admin, wc.id, department_id=world.dept2)
    other = make_department(session, world.org_a, world.plant1, "PAINT")
    assert _machine(session, admin, wc.id, department_id=other).department_code == "PAINT"


def test_codes_unique_per_plant(world, session):
    admin = world.actor(world.admin_a)
    _wc(session, admin, world.plant1, world.dept1, "CNC")
    with pytest.raises(Conflict):
        _wc(session, admin, world.plant1, world.dept1, "cnc")
    session.rollback()
    assert _wc(session, admin, world.plant2, world.dept2, "CNC").plant_code == "P2"


def test_deactivation_rules(world, session, planner):
    wc = _wc(session, planner, world.plant1, world.dept1)
    m = _machine(session, planner, wc.id)
    with pytest.raises(Conflict) as exc:
        wcs.set_work_center_active(session, planner, wc.id, False, now=utcnow())
    assert "M1" in exc.value.message
    committed(session, wcs.set_machine_active, planner, m.id, False, now=utcnow())
    assert committed(session, wcs.set_work_center_active, planner, wc.id, False, now=utcnow()).is_active is False
    with pytest.raises(Conflict):
        wcs.set_machine_active(session, planner, m.id, True, now=utcnow())
    session.rollback()
    assert [x.code for x in wcs.list_machines(session, planner, active=None)] == ["M1"]
    assert wcs.list_machines(session, planner) == []
    with pytest.raises(Invalid) as exc:
        _machine(session, planner, wc.id, "M2")
    assert "inactive" in exc.value.fields["work_center_id"]


def test_move_machine_within_its_plant_only(world, session):
    admin = world.actor(world.admin_a)
    wc1 = _wc(session, admin, world.plant1, world.dept1, "A")
    wc1b = _wc(session, admin, world.plant1, world.dept1, "B")
    wc2 = _wc(session, admin, world.plant2, world.dept2, "C")
    m = _machine(session, admin, wc1.id)
    moved = committed(session, wcs.update_machine, admin, m.id, MachineUpdate(work_center_id=wc1b.id, name="Lathe"), now=utcnow())
    assert (moved.work_center_code, moved.name) == ("B", "Lathe")
    with pytest.raises(Invalid) as exc:
        wcs.update_machine(session, admin, m.id, MachineUpdate(work_center_id=wc2.id), now=utcnow())
    assert "work_center_id" in exc.value.fields
    renamed = committed(session, wcs.update_work_center, admin, wc1.id, WorkCenterUpdate(name="Saws"), now=utcnow())
    assert renamed.name == "Saws"


def test_search_and_filters(world, session):
    admin = world.actor(world.admin_a)
    wc1 = _wc(session, admin, world.plant1, world.dept1, "CNC")
    wc2 = _wc(session, admin, world.plant2, world.dept2, "ASSY")
    _machine(session, admin, wc1.id, "LATHE-1")
    _machine(session, admin, wc1.id, "MILL-1")
    _machine(session, admin, wc2.id, "PRESS-1")
    codes = lambda **kw: [m.code for m in wcs.list_machines(session, admin, **kw)]  # noqa: E731
    assert codes() == ["LATHE-1", "MILL-1", "PRESS-1"]
    assert codes(plant_id=world.plant2) == ["PRESS-1"]
    assert codes(work_center_id=wc1.id, search="mill") == ["MILL-1"]
    assert [w.code for w in wcs.list_work_centers(session, admin, search="ass")] == ["ASSY"]


def test_cycle_time_override_per_machine_and_product(world, session, planner, captured_events):
    wc = _wc(session, planner, world.plant1, world.dept1)
    m1, m2 = _machine(session, planner, wc.id, "M1"), _machine(session, planner, wc.id, "M2")
    p = committed(session, products.create_product, planner, ProductCreate(code="FG", name="FG"), now=utcnow()).id
    rate = committed(session, wcs.set_machine_rate, planner, m1.id, MachineRateInput(product_id=p, ideal_cycle_seconds="22.5"),
                     now=utcnow())
    assert (rate.product_code, rate.ideal_cycle_seconds) == ("FG", Decimal("22.500"))
    assert wcs.effective_cycle_seconds(session, m1.id, p, Decimal("30")) == Decimal("22.5")
    assert wcs.effective_cycle_seconds(session, m2.id, p, Decimal("30")) == Decimal("30")
    again = committed(session, wcs.set_machine_rate, planner, m1.id, MachineRateInput(product_id=p, ideal_cycle_seconds="20"), now=utcnow())
    assert again.id == rate.id and wcs.effective_cycle_seconds(session, m1.id, p, Decimal("30")) == Decimal("20")
    for bad in ("0", "-1", "1.2345"):
        with pytest.raises(Invalid) as exc:
            wcs.set_machine_rate(session, planner, m1.id, MachineRateInput(product_id=p, ideal_cycle_seconds=bad), now=utcnow())
        assert list(exc.value.fields) == ["ideal_cycle_seconds"]
    committed(session, wcs.remove_machine_rate, planner, rate.id, now=utcnow())
    assert wcs.list_machine_rates(session, planner, m1.id) == []
    assert [e.name for e in captured_events if e.name.startswith("machine_rate")] == \
        ["machine_rate.created", "machine_rate.updated", "machine_rate.deleted"]


def test_plant_two_is_invisible_to_a_plant_one_planner(world, session, engine, planner):
    admin = world.actor(world.admin_a)
    wc2 = _wc(session, admin, world.plant2, world.dept2, "ASSY")
    m2 = _machine(session, admin, wc2.id, "P2-M")
    assert wcs.list_work_centers(session, planner) == [] and wcs.list_machines(session, planner) == []
    for call in (lambda: wcs.get_machine(session, planner, m2.id), lambda: wcs.get_work_center(session, planner, wc2.id),
                 lambda: wcs.set_machine_active(session, planner, m2.id, False, now=utcnow()),
                 lambda: wcs.list_machine_rates(session, planner, m2.id),
                 lambda: _wc(session, planner, world.plant2, world.dept2, "NEW")):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(Invalid) as exc:
        _machine(session, planner, wc2.id, "SNEAK")
    assert exc.value.fields == {"work_center_id": "Unknown work center."}
    session.rollback()
    assert count(engine, Machine) == 1


def test_other_organization_and_operators_cannot_write(world, session, planner):
    wc = _wc(session, planner, world.plant1, world.dept1)
    m = _machine(session, planner, wc.id)
    admin_b = world.actor(world.admin_b)
    assert wcs.list_machines(session, admin_b) == []
    with pytest.raises(NotFound):
        wcs.update_machine(session, admin_b, m.id, MachineUpdate(name="Mine"), now=utcnow())
    with pytest.raises(NotFound):
        _wc(session, admin_b, world.plant1, world.dept1, "X")
    operator = world.actor(world.operator1)
    assert [x.code for x in wcs.list_machines(session, operator)] == ["M1"]
    with pytest.raises(Forbidden):
        wcs.update_machine(session, operator, m.id, MachineUpdate(name="Mine"), now=utcnow())
