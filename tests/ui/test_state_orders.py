"""Orders, work orders and order import through their page states, without a browser: list and
filters, the order dialog with its lines and field errors, detail with release and cancel, bulk
complete, upload -> preview -> import; and isolation: a planner of plant 1 cannot open, change or
release a plant-2 order, and refusals change nothing."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import reflex as rx
from sqlmodel import Session

from models.base import utcnow
from models.catalog import ProductType
from models.orders import CustomerOrder, OrderStatus, WorkStatus
from rxapp import routes
from rxapp.state.production.order_form import OrderFormState
from rxapp.state.production.order_import import OrderImportState
from rxapp.state.production.orders import OrderDetailState, OrdersState
from rxapp.state.production.work_orders import WorkOrderDetailState, WorkOrdersState
from tests.factories.db import count, snapshot
from tests.factories.orders import customer, order, plain_product
from tests.factories.org import actor_of
from tests.factories.production import make_line, make_work_order
from tests.ui.conftest import redirects, run, signed_in, toasts

SESSION_TABLES = {"auth_session", "login_attempt"}      # signing in and sliding expiry write there


def data(engine) -> dict:
    """Every table but the log-in bookkeeping: what a refused handler must leave as it was."""
    return {name: rows for name, rows in snapshot(engine).items() if name not in SESSION_TABLES}

CSV_HEADER = "order_ref,customer_code,product_code,quantity,promised_date,unit_price,note\n"


@pytest.fixture
def lines(session, world):
    return (make_line(session, world.org_a, world.plant1, world.dept1),
            make_line(session, world.org_a, world.plant2, world.dept2))


def _order(session, world, line, plant, quantities=(5,), reference=""):
    admin = actor_of(session, world.admin_a)
    return order(session, admin, plant, line.customer_id, [(line.product_id, q) for q in quantities], now=utcnow(),
                 reference=reference)


def _status(engine, order_id: int) -> OrderStatus:
    with Session(engine) as s:
        return s.get(CustomerOrder, order_id).status


async def test_planner_sees_only_plant_1_orders_and_filters_them(engine, session, world, lines):
    line1, line2 = lines
    a = _order(session, world, line1, world.plant1, reference="PO-ALPHA")
    b = _order(session, world, line1, world.plant1, reference="PO-BETA")
    _order(session, world, line2, world.plant2)
    state = await signed_in(engine, OrdersState, "planner.one")
    await run(state.enter(), state)
    assert not state.loading and state.load_error == ""
    assert [r.number for r in state.rows] == [b.number, a.number]
    assert state.rows[0].status == "open" and state.page_label == "1–2 / 2"
    await run(state.apply_filters({"search": "alpha", "promised_from": "", "promised_to": ""}), state)
    assert [r.number for r in state.rows] == [a.number]
    await run(state.apply_filters({"search": "", "promised_from": "2030-01-01", "promised_to": ""}), state)
    assert state.rows == []
    await run(state.apply_filters({"search": "", "promised_from": "1.1.2030", "promised_to": ""}), state)
    assert state.load_error == "Write dates as YYYY-MM-DD."
    await run(state.apply_filters({"search": "", "promised_from": "", "promised_to": ""}), state)
    await run(state.set_filter("status_filter", "released"), state)
    assert state.rows == []


async def test_create_an_order_with_lines_through_the_dialog(engine, session, world, lines):
    line1, _ = lines
    form = await signed_in(engine, OrderFormState, "planner.one")
    await run(form.open_create(), form)
    assert form.form_open and form.plant_id == str(world.plant1) and len(form.drafts) == 1
    assert str(line1.product_id) in [o.id for o in form.product_options]
    await run(form.set_field("customer_id", str(line1.customer_id)), form)
    await run(form.set_field("reference", "PO-UI"), form)
    key = form.drafts[0].key
    await run(form.set_line(key, "product_id", str(line1.product_id)), form)
    await run(form.set_line(key, "quantity", "abc"), form)
    events = await run(form.save(), form)
    assert toasts(events, "error") == ["Some fields are not valid."]
    assert form.drafts[0].error == "Enter a whole number above 0."
    assert count(engine, CustomerOrder) == 0

    await run(form.set_line(key, "quantity", "12"), form)
    await run(form.set_line(key, "price", "3,50"), form)
    await run(form.add_line(), form)
    second = form.drafts[1].key
    await run(form.set_line(second, "product_id", str(line1.product_id)), form)
    await run(form.set_line(second, "quantity", "4"), form)
    events = await run(form.save(), form)
    assert toasts(events, "success") == ["Order created: SO-000001"]
    assert not form.form_open
    detail = await form.get_state(OrderDetailState)
    assert detail.detail_open and detail.number == "SO-000001" and detail.status == "open"
    assert [(ln.quantity, ln.price) for ln in detail.lines] == [(12, "3.50"), (4, "")]
    assert [h.change for h in detail.history] == ["Open"]
    listing = await form.get_state(OrdersState)
    assert [r.number for r in listing.rows] == ["SO-000001"]


async def test_service_field_errors_land_on_their_line(engine, session, world, lines):
    line1, _ = lines
    old = plain_product(session, world.org_a, code="OLD-9", type=ProductType.FINISHED, active=False)
    form = await signed_in(engine, OrderFormState, "planner.one")
    await run(form.open_create(), form)
    await run(form.set_field("customer_id", str(line1.customer_id)), form)
    key = form.drafts[0].key
    await run(form.set_line(key, "product_id", str(old)), form)
    await run(form.set_line(key, "quantity", "1"), form)
    events = await run(form.save(), form)
    assert form.drafts[0].error == "Product OLD-9 is inactive."
    assert toasts(events, "error") and count(engine, CustomerOrder) == 0


async def test_edit_release_and_cancel_from_the_detail(engine, session, world, lines):
    line1, _ = lines
    created = _order(session, world, line1, world.plant1, (5, 6))
    detail = await signed_in(engine, OrderDetailState, "planner.one")
    await run(detail.show(created.id), detail)
    assert detail.can_release and detail.can_edit and detail.can_cancel

    form = await detail.get_state(OrderFormState)
    await run(form.open_edit(created.id), form)
    assert form.mode == "edit" and [d.quantity for d in form.drafts] == ["5", "6"]
    await run(form.remove_line(form.drafts[1].key), form)
    events = await run(form.save(), form)
    assert toasts(events, "success") == [f"Changes saved: {created.number}"]
    assert [ln.quantity for ln in detail.lines] == [5]

    events = await run(detail.release(), detail)
    assert toasts(events, "success") == ["Released: 1 work orders"]
    assert detail.status == "released" and not detail.can_release and not detail.can_edit and detail.can_cancel
    assert [(w.number, w.quantity, w.status) for w in detail.work_orders] == [("WO-000001", 5, "released")]
    events = await run(detail.release(), detail)
    assert toasts(events, "error") == [f"Order {created.number} is released and cannot become released. "
                                       f"From released it can become: cancelled, done."]
    await run(detail.cancel({"reason": "customer withdrew"}), detail)
    assert detail.status == "cancelled" and detail.history[-1].reason == "customer withdrew"
    assert not (detail.can_release or detail.can_edit or detail.can_cancel)
    assert _status(engine, created.id) == OrderStatus.CANCELLED


async def test_planner_of_plant_1_cannot_open_or_release_a_plant_2_order(engine, session, world, lines):
    _, line2 = lines
    other = _order(session, world, line2, world.plant2)
    detail = await signed_in(engine, OrderDetailState, "planner.one")
    before = data(engine)
    events = await run(detail.show(other.id), detail)
    assert toasts(events, "error") == ["Order not found."]
    assert not detail.detail_open and detail.number == "" and detail.lines == []

    detail._order_id = other.id            # a tampered client cannot get further: the service refuses
    events = await run(detail.release(), detail)
    assert toasts(events, "error") == ["Order not found."]
    events = await run(detail.cancel({"reason": "x"}), detail)
    assert toasts(events, "error") == ["Order not found."]
    form = await detail.get_state(OrderFormState)
    events = await run(form.open_edit(other.id), form)
    assert toasts(events, "error") == ["Order not found."] and not form.form_open
    assert data(engine) == before
    assert _status(engine, other.id) == OrderStatus.OPEN


async def test_operator_cannot_use_the_orders_page(engine, session, world, lines):
    state = await signed_in(engine, OrdersState, "op.one")
    events = await run(state.load(), state)
    assert state.rows == [] and "plan" in state.load_error
    assert toasts(events) == []


async def test_work_orders_list_select_and_complete(engine, session, world, lines):
    line1, line2 = lines
    ids = [make_work_order(session, world.org_a, world.plant1, line1, status=WorkStatus.RUNNING)[0] for _ in range(3)]
    make_work_order(session, world.org_a, world.plant2, line2, status=WorkStatus.RUNNING)
    state = await signed_in(engine, WorkOrdersState, "planner.one")
    await run(state.enter(), state)
    assert sorted(r.id for r in state.rows) == sorted(ids)
    await run(state.toggle_all(True), state)
    await run(state.toggle(ids[0], False), state)
    assert sorted(state.selected) == sorted(ids[1:])
    events = await run(state.complete_selected(), state)
    assert toasts(events, "success") == ["Completed 2 work orders"]
    assert state.selected == []
    assert {r.id: r.status for r in state.rows} == {ids[0]: "running", ids[1]: "done", ids[2]: "done"}
    await run(state.set_filter("status_filter", "done"), state)
    assert sorted(r.id for r in state.rows) == sorted(ids[1:])

    await run(state.set_filter("status_filter", "all"), state)
    await run(state.toggle_all(True), state)
    before = data(engine)
    events = await run(state.complete_selected(), state)
    assert toasts(events, "error")[0].startswith("2 of 3 work orders cannot become done; nothing was changed.")
    assert data(engine) == before


async def test_work_order_detail_offers_the_allowed_changes(engine, session, world, lines):
    line1, line2 = lines
    wo_id, _ = make_work_order(session, world.org_a, world.plant1, line1, status=WorkStatus.RUNNING)
    other, _ = make_work_order(session, world.org_a, world.plant2, line2)
    detail = await signed_in(engine, WorkOrderDetailState, "planner.one")
    await run(detail.show(wo_id), detail)
    assert detail.detail_open and [o.name for o in detail.operations] == ["Cut", "Drill"]
    assert [(a.id, a.label) for a in detail.actions] == [("paused", "Pause"), ("done", "Complete")]
    await run(detail.set_reason("tool change"), detail)
    await run(detail.change("paused"), detail)
    assert detail.row.status == "paused" and detail.history[-1].reason == "tool change"
    assert [a.id for a in detail.actions] == ["running", "done", "cancelled"]
    events = await run(detail.show(other), detail)
    assert toasts(events, "error") == ["Work order not found."]


def _upload(name: str, data: bytes) -> rx.UploadFile:
    return rx.UploadFile(file=io.BytesIO(data), path=Path(name))


@pytest.fixture
def import_master(session, world):
    customer(session, world.org_a, "ACME")
    plain_product(session, world.org_a, code="FG-100", type=ProductType.FINISHED)


async def test_upload_with_errors_highlights_bad_rows_and_cannot_import(engine, session, world, import_master):
    data = (CSV_HEADER + "PO-1,ACME,FG-100,5,2026-04-01,,\nPO-1,ACME,FG-100,x,2026-04-02,,\n"
            "PO-2,NOBODY,FG-100,1,2026-04-01,,\n").encode()
    state = await signed_in(engine, OrderImportState, "planner.one")
    await run(state.enter(), state)
    await run(state.upload([_upload("orders.csv", data)]), state)
    assert not state.parsing and state.filename == "orders.csv"
    assert (state.ok, state.lines, state.error_rows, state.orders) == (False, 3, 2, 2)
    assert [(r.row, r.bad, r.errors) for r in state.rows] == [
        (2, False, ""), (3, True, "Quantity 'x' is not a whole number above 0."),
        (4, True, "Unknown customer 'NOBODY'.")]
    events = await run(state.do_import(), state)
    assert events == [] and count(engine, CustomerOrder) == 0


async def test_upload_good_file_then_import(engine, session, world, import_master):
    data = (CSV_HEADER + "PO-1,ACME,FG-100,5,2026-04-01,,\nPO-2,ACME,FG-100,7,2026-04-02,,\n").encode()
    state = await signed_in(engine, OrderImportState, "planner.one")
    await run(state.enter(), state)
    await run(state.upload([_upload("orders.csv", data)]), state)
    assert state.ok and state.file_errors == [] and state.lines == 2
    events = await run(state.do_import(), state)
    assert toasts(events, "success") == ["Imported 2 orders with 2 lines (SO-000001 – SO-000002)."]
    assert redirects(events) == [routes.ORDERS]
    assert count(engine, CustomerOrder) == 2 and state.filename == ""


async def test_upload_of_a_wrong_file_type_shows_the_file_error(engine, session, world, import_master):
    state = await signed_in(engine, OrderImportState, "planner.one")
    await run(state.enter(), state)
    await run(state.upload([_upload("orders.pdf", b"%PDF")]), state)
    assert state.file_errors == ["'orders.pdf' is not an Excel workbook (.xlsx) or a CSV file (.csv); save it as "
                                 "one of those and upload it again."]
    assert not state.ok and state.rows == []


async def test_import_into_a_plant_the_planner_cannot_use_is_refused(engine, session, world, import_master):
    data = (CSV_HEADER + "PO-1,ACME,FG-100,5,2026-04-01,,\n").encode()
    state = await signed_in(engine, OrderImportState, "planner.one")
    await run(state.enter(), state)
    await run(state.set_plant(str(world.plant2)), state)
    events = await run(state.upload([_upload("orders.csv", data)]), state)
    assert toasts(events, "error") == ["You have no access to this plant."]
    assert state.filename == "" and count(engine, CustomerOrder) == 0


async def test_templates_download(engine, session, world):
    state = await signed_in(engine, OrderImportState, "planner.one")
    events = await run(state.download_template("csv"), state)
    assert len(events) == 1
    events = await run(state.download_template("xlsx"), state)
    assert len(events) == 1
