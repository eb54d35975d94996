"""Work centers & machines page state and the cycle-time dialog: create with field errors, move,
deactivate rules, overrides, exports, and isolation between plants and organizations."""
from __future__ import annotations

import csv
import io

from sqlmodel import Session, select

from models.resources import Machine, MachineProductRate, WorkCenter
from rxapp.state.master.machine_rates import RatesState
from rxapp.state.master.products import ProductsState
from rxapp.state.master.work_centers import ResourcesState
from tests.ui.conftest import download_bytes, run, signed_in, toasts


def _machines(engine) -> dict[str, Machine]:
    with Session(engine) as s:
        return {m.code: m for m in s.exec(select(Machine)).all()}


def _centers(engine) -> dict[str, WorkCenter]:
    with Session(engine) as s:
        return {w.code: w for w in s.exec(select(WorkCenter)).all()}


async def _work_center(state, plant_id, dept_id, code):
    await run(state.open_new_wc(), state)
    return await run(state.save_wc({"plant_id": str(plant_id), "department_id": str(dept_id), "code": code,
                                    "name": f"{code} cell"}), state)


async def _machine(state, wc_id, code, dept_id=""):
    await run(state.open_new(), state)
    return await run(state.save({"work_center_id": str(wc_id), "department_id": str(dept_id), "code": code,
                                 "name": code}), state)


async def test_planner_builds_work_centers_and_machines(engine, world):
    state = await signed_in(engine, ResourcesState, "planner.one")
    await run(state.enter(), state)
    assert state.rows == [] and state.work_centers == [] and not state.loading
    assert [o.label for o in state.plant_options] == ["P1 · Plant"]
    assert [o.label for o in state.department_options] == ["P1 · MACH · Dept"]
    await _work_center(state, world.plant1, world.dept2, "CNC")
    assert state.wc_errors == {"department_id": "Pick a department of this plant."} and state.wc_open
    events = await _work_center(state, world.plant1, world.dept1, "cnc")
    assert toasts(events, "success") == ["Work center saved: CNC"] and not state.wc_open
    assert [o.label for o in state.work_center_options] == ["P1 · CNC · cnc cell"]
    wc = _centers(engine)["CNC"]
    await _machine(state, wc.id, "")
    assert state.form_errors == {"code": "Use 1 to 32 letters, digits, dot, dash or underscore.", "name": "Required."}
    events = await _machine(state, wc.id, "lathe-1")
    assert toasts(events, "success") == ["Machine saved: LATHE-1"]
    assert [(m.code, m.work_center_code, m.department_code) for m in state.rows] == [("LATHE-1", "CNC", "MACH")]
    assert [(w.code, w.machine_count) for w in state.work_centers] == [("CNC", 1)]
    events = await run(state.set_wc_active(wc.id, False), state)
    assert "still has active machines (LATHE-1)" in toasts(events, "error")[0]
    machine = _machines(engine)["LATHE-1"]
    await run(state.open_edit(machine.id), state)
    assert (state.editing.code, state.editing.work_center_id) == ("LATHE-1", wc.id)
    await run(state.save({"work_center_id": str(wc.id), "department_id": "", "code": "LATHE-1", "name": "Big lathe"}),
              state)
    assert _machines(engine)["LATHE-1"].name == "Big lathe"
    await run(state.set_active(machine.id, False), state)
    assert state.rows == []
    await run(state.set_status("all"), state)
    rows = list(csv.DictReader(io.StringIO(download_bytes(await run(state.export("csv"), state)).decode("utf-8-sig"))))
    assert [(r["Code"], r["Name"], r["Active"]) for r in rows] == [("LATHE-1", "Big lathe", "no")]


async def test_cycle_time_overrides_through_the_dialog(engine, world):
    products = await signed_in(engine, ProductsState, "planner.one")
    await run(products.open_new(), products)
    await run(products.save({"code": "FG", "name": "Frame", "type": "finished", "unit": "pcs", "standard_cost": "",
                             "description": ""}), products)
    state = await products.get_state(ResourcesState)
    await _work_center(state, world.plant1, world.dept1, "CNC")
    await _machine(state, _centers(engine)["CNC"].id, "M1")
    rates = await state.get_state(RatesState)
    await run(rates.open_for(_machines(engine)["M1"].id), rates)
    assert rates.open and rates.machine_label == "M1 · M1" and [o.label for o in rates.product_options] == ["FG · Frame"]
    fg = rates.product_options[0].value
    await run(rates.save({"product_id": fg, "ideal_cycle_seconds": "0"}), rates)
    assert rates.errors == {"ideal_cycle_seconds": "Must be more than 0."}
    events = await run(rates.save({"product_id": fg, "ideal_cycle_seconds": "22.5"}), rates)
    assert toasts(events, "success") == ["Cycle time saved: FG"] and rates.errors == {}
    assert [(r.product_code, r.seconds) for r in rates.rates] == [("FG", "22.5")]
    await run(rates.remove(rates.rates[0].id), rates)
    assert rates.rates == []


async def test_plant_two_and_other_organization_stay_out_of_reach(engine, world):
    admin = await signed_in(engine, ResourcesState, "admin.a")
    await _work_center(admin, world.plant2, world.dept2, "ASSY")
    await _machine(admin, _centers(engine)["ASSY"].id, "P2-M")
    m2, wc2 = _machines(engine)["P2-M"], _centers(engine)["ASSY"]
    with Session(engine) as s:
        s.add(MachineProductRate(organization_id=world.org_a, machine_id=m2.id, product_id=_any_product(s, world),
                                 ideal_cycle_seconds=5))
        s.commit()
    planner = await signed_in(engine, ResourcesState, "planner.one")
    await run(planner.enter(), planner)
    assert planner.rows == [] and planner.work_centers == []
    assert "P2" not in " ".join(o.label for o in planner.plant_options + planner.department_options)
    assert toasts(await run(planner.open_edit(m2.id), planner), "error") == ["Machine not found."]
    assert not planner.form_open and planner.editing.code == ""
    assert toasts(await run(planner.set_active(m2.id, False), planner), "error") == ["Machine not found."]
    assert toasts(await run(planner.open_edit_wc(wc2.id), planner), "error") == ["Work center not found."]
    await _machine(planner, wc2.id, "SNEAK")
    assert planner.form_errors == {"work_center_id": "Unknown work center."}
    await _work_center(planner, world.plant2, world.dept2, "SNEAK")
    assert toasts(await run(planner.save_wc({"plant_id": str(world.plant2), "department_id": str(world.dept2),
                                             "code": "X", "name": "X"}), planner), "error") == ["Plant not found."]
    rates = await planner.get_state(RatesState)
    assert toasts(await run(rates.open_for(m2.id), rates), "error") == ["Machine not found."]
    assert not rates.open and rates.rates == []
    other = await signed_in(engine, ResourcesState, "admin.b")
    assert toasts(await run(other.set_active(m2.id, False), other), "error") == ["Machine not found."]
    assert _machines(engine)["P2-M"].is_active and set(_machines(engine)) == {"P2-M"}


def _any_product(session, world) -> int:
    from models.catalog import Product
    product = Product(organization_id=world.org_a, code="FG-X", name="X")
    session.add(product)
    session.flush()
    return product.id
