"""Quality pages through their states, without a browser: the control chart page (record a point,
see the alert, acknowledge, choose a baseline), the phone inspect page, inspection plans, rejects
with disposition and approval, the quality dashboard; and another organization sees nothing."""
from __future__ import annotations

import pytest

from models.shopfloor import EventKind, ProductionEvent
from models.user import User
from rxapp import routes
from rxapp.state.quality.dashboard import QualityDashboardState
from rxapp.state.quality.inspect import InspectState
from rxapp.state.quality.inspection_plans import PlansState
from rxapp.state.quality.rejects import RejectDetailState, RejectsState
from rxapp.state.quality.spc import SpcState
from rxapp.state.shopfloor.operator import OperatorMachineState
from services.core.db import transaction
from services.org import roles
from tests.conftest import T0
from tests.factories.org import make_user
from tests.factories.production import add, make_line, make_work_order
from tests.factories.quality import baseline, make_plan, measure
from tests.ui.conftest import download_bytes, redirects, run, signed_in, toasts


@pytest.fixture
def spc(session, world):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    quality = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1], username="q.ui"))
    make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1], username="m.ui")
    _, cid = make_plan(session, quality, world.plant1, line.product_id)
    for minute, value in enumerate([10, 12, 11, 13, 14]):
        measure(session, quality, cid, minute, [value])
    baseline(session, quality, cid, 0, 4)
    return line, cid


async def test_control_chart_page_records_alerts_and_acknowledges(engine, session, world, spc):
    _, cid = spc
    state = await signed_in(engine, SpcState, "q.ui")
    await run(state.enter())
    assert state.characteristic_id == cid and len(state.options) == 1
    await run(state.load(), state)
    assert not state.loading and state.load_error == "" and state.point_count == 5
    assert {f.label: f.value for f in state.figures}["UCL"] == "15.99"
    assert len(state.figure.data) >= 4
    events = await run(state.record({"values": "16.5", "lot": "L1"}), state)
    assert toasts(events, "warning") and state.point_count == 6
    assert [a.acknowledged for a in state.alerts] == [False]
    await run(state.acknowledge(state.alerts[0].id), state)
    assert [a.acknowledged for a in state.alerts] == [True]
    events = await run(state.record({"values": "abc"}), state)
    assert toasts(events, "error") and "values.0" in state.errors


async def test_baseline_chooser(engine, session, world, spc):
    state = await signed_in(engine, SpcState, "q.ui")
    await run(state.enter())
    await run(state.load(), state)
    await run(state.set_baseline_start("2030-01-01T00:00"), state)
    await run(state.set_baseline_end("2030-01-02T00:00"), state)
    events = await run(state.use_baseline(), state)
    assert toasts(events, "error") and "start" in state.errors
    await run(state.set_baseline_start("2026-03-02T08:00"), state)
    await run(state.set_baseline_end("2026-03-02T08:03"), state)
    events = await run(state.use_baseline(), state)
    assert toasts(events, "success") and state.errors == {}
    assert {f.label: f.value for f in state.figures}["Baseline points"] == "4"


async def test_operator_inspects_on_the_phone_page(engine, session, world, spc):
    line, cid = spc
    state = await signed_in(engine, InspectState, "op.one")
    await run(state.enter(), state)
    assert state.characteristic_id == cid and not state.is_attribute
    await run(state.send({"values": "12.1"}), state)
    assert state.result_ok and "in control" in state.result
    await run(state.send({"values": "20"}), state)
    assert not state.result_ok and "OUT OF CONTROL" in state.result


async def test_quality_inspects_on_the_phone_page_without_run_jobs(engine, session, world, spc):
    """Issue 18: the inspect page is guarded by INSPECT, not RUN_JOBS: quality (no run-jobs) opens it and
    records; an operator whose organization took INSPECT from the operator role is sent away and refused."""
    _, cid = spc
    state = await signed_in(engine, InspectState, "q.ui")
    assert "run_jobs" not in state.permissions
    assert redirects(await run(state.require("inspect"), state)) == []
    await run(state.enter(), state)
    await run(state.send({"values": "12.2"}), state)
    assert state.characteristic_id == cid and state.result_ok and "in control" in state.result
    operator_role = next(r.id for r in roles.list_roles(session, world.actor(world.admin_a)) if r.key == "operator")
    assert routes.nav_item(routes.QUALITY_INSPECT).permission == "inspect"
    assert routes.QUALITY_INSPECT in {i.path for i in routes.nav_for(state.permissions)}
    machine_page = await signed_in(engine, OperatorMachineState, "op.one")
    assert machine_page.can_inspect
    with transaction(session):
        roles.set_role_permission(session, world.actor(world.admin_a), operator_role, "inspect", False, now=T0)
    machine_page = await signed_in(engine, OperatorMachineState, "op.one")
    assert not machine_page.can_inspect
    state = await signed_in(engine, InspectState, "op.one")
    assert "run_jobs" in state.permissions and "inspect" not in state.permissions
    assert routes.QUALITY_INSPECT not in {i.path for i in routes.nav_for(state.permissions)}
    assert redirects(await run(state.require("inspect"), state)) == ["/not-allowed"]
    state.characteristic_id = cid
    events = await run(state.send({"values": "12.2"}), state)
    assert toasts(events, "error") and state.result == ""


async def test_inspection_plans_page(engine, session, world, spc):
    line, _ = spc
    state = await signed_in(engine, PlansState, "q.ui")
    await run(state.enter(), state)
    assert [p.name for p in state.plans] == ["Shaft checks"] and len(state.characteristics) == 1
    await run(state.open_plan_form(), state)
    await run(state.product_chosen(str(line.product_id)), state)
    assert [o.label for o in state.step_options] == ["10 Cut", "20 Drill"]
    events = await run(state.save_plan({"plant_id": str(world.plant1), "product_id": str(line.product_id),
                                        "routing_step_id": state.step_options[1].value, "name": "Bore"}), state)
    assert toasts(events, "success") and len(state.plans) == 2 and state.characteristics == []
    await run(state.add_characteristic({"name": "Bore", "lsl": "10", "usl": "9", "chart_type": "xbar_r",
                                        "subgroup_size": "5"}), state)
    assert "usl" in state.char_errors
    await run(state.add_characteristic({"name": "Bore", "lsl": "9", "usl": "10", "nominal": "9.5",
                                        "chart_type": "xbar_r", "subgroup_size": "5"}), state)
    assert state.char_errors == {} and [c.name for c in state.characteristics] == ["Bore"]


async def test_rejects_from_scrap_to_rework(engine, session, world, spc):
    line, _ = spc
    wo_id, op_ids = make_work_order(session, world.org_a, world.plant1, line, quantity=10)
    with transaction(session):
        add(session, ProductionEvent(organization_id=world.org_a, plant_id=world.plant1, machine_id=line.machine_ids[0],
                                     operation_id=op_ids[0], kind=EventKind.COUNT, quantity_scrap=2, client_id="s-1",
                                     occurred_at=T0))
    state = await signed_in(engine, RejectsState, "q.ui")
    await run(state.enter(), state)
    assert len(state.scrap) == 1 and state.rows == []
    dim = next(o.value for o in state.defect_options if o.label.startswith("DIM"))
    events = await run(state.from_scrap({"event_id": str(state.scrap[0].event_id), "defect_code_id": dim}), state)
    path = redirects(events)[0]
    assert path.startswith("/quality/reject?kind=internal_reject&id=")
    detail = await signed_in(engine, RejectDetailState, "q.ui")
    detail.kind, detail.case_id = "internal_reject", int(path.rsplit("=", 1)[1])
    await run(detail.load(), detail)
    assert detail.number == "REJ-000001" and detail.status_name == "Reported" and detail.can_disposition
    await run(detail.save_disposition({"disposition": "rework", "note": ""}), detail)
    await run(detail.move("dispose"), detail)
    assert detail.pending == "Disposition" and not detail.can_approve
    manager = await signed_in(engine, RejectDetailState, "m.ui")
    manager.kind, manager.case_id = detail.kind, detail.case_id
    await run(manager.load(), manager)
    assert manager.can_approve and not manager.can_disposition          # approves, but sets no disposition
    await run(manager.answer(True), manager)
    assert manager.is_closed and manager.rework_operation != ""


async def test_quality_dashboard_page(engine, session, world, spc):
    _, cid = spc
    state = await signed_in(engine, QualityDashboardState, "q.ui")
    await run(state.enter(), state)
    assert state.load_error == "" and [t.label for t in state.tiles][0] == "Open SPC alerts"
    measure(session, world.actor(world.admin_a), cid, 100, [30])
    await run(state.load(), state)
    assert state.tiles[0].value == "2" and len(state.alerts) == 2     # the value and its moving range


async def test_another_organization_sees_nothing(engine, session, world, spc):
    _, cid = spc
    state = await signed_in(engine, SpcState, "admin.b")
    await run(state.enter())
    assert state.options == [] and state.characteristic_id == 0
    state.characteristic_id = cid
    await run(state.load(), state)
    assert state.load_error == "Characteristic not found."
    rejects = await signed_in(engine, RejectsState, "admin.b")
    await run(rejects.enter(), rejects)
    assert rejects.rows == [] and rejects.scrap == []


async def test_the_reject_export_has_headers_in_the_persons_language(engine, session, world):
    with transaction(session):
        session.get(User, world.admin_a).language = "ja"
    state = await signed_in(engine, RejectsState, "admin.a")
    await run(state.enter(), state)
    header = download_bytes(await run(state.export("csv"), state)).decode("utf-8-sig").splitlines()[0]
    assert header.startswith("番号,製品,数量,不良,")
