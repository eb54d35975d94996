"""An operator on a phone (390 x 844) in a real browser: log in, open a machine by its code, start
the job, report 10 good and 1 scrap with a reason, pause with a reason, resume, complete (confirmed); the
database then holds exactly those events and quantities. And the offline outbox: with the action
route failing (after the server got the request, the harshest case), a Report tap waits visibly,
is retried when the route is back, and is recorded once. Screenshots go to test-results/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from models.orders import Operation, WorkOrder, WorkStatus
from models.resources import ReasonCode, ReasonKind
from models.shopfloor import EventKind, ProductionEvent
from services.core.db import make_engine
from tests.e2e.conftest import PHONE, open_machine, shot, start_the_job
from tests.factories.e2e import Seeded, seed_job

pytestmark = pytest.mark.e2e

OUTBOX_ROUTE = "**/api/v1/machines/*/actions"


def reason_id(database_url: str, kind: ReasonKind, code: str) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as s:
            return s.exec(select(ReasonCode.id).where(ReasonCode.kind == kind, ReasonCode.code == code)).first()
    finally:
        engine.dispose()


def recorded(database_url: str, seeded: Seeded) -> tuple[list[ProductionEvent], Operation, WorkOrder]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as s:
            events = list(s.exec(select(ProductionEvent).where(ProductionEvent.machine_id == seeded.machine_id)
                                 .order_by(ProductionEvent.id)).all())
            return events, s.get(Operation, seeded.operation_id), s.get(WorkOrder, seeded.work_order_id)
    finally:
        engine.dispose()


def test_operator_works_a_job_from_a_phone(new_page, app_database_url):
    seeded = seed_job(app_database_url, "E2E-PHONE-1")
    dim = reason_id(app_database_url, ReasonKind.SCRAP, "DIM")
    wait_mat = reason_id(app_database_url, ReasonKind.PAUSE, "WAIT-MAT")
    page = new_page(PHONE)
    open_machine(page, seeded.code, screenshot="operator-machines-phone")
    expect(page.get_by_test_id("queued-job")).to_have_count(1)
    shot(page, "operator-machine-phone")

    start_the_job(page)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    taps = page.locator("[data-takt-action]:visible, [data-takt-step]:visible, [data-testid=complete-job]").all()
    assert len(taps) >= 9                      # Pause, Complete, 5 steppers, Report, Machine down
    for control in taps + page.locator("main select:visible").all():
        box = control.bounding_box()
        assert box["height"] >= 56 and box["width"] >= 56, control.evaluate("e => e.outerHTML")
    job = page.get_by_test_id("current-job")
    job.get_by_role("button", name="Good +10", exact=True).click()
    job.get_by_role("button", name="Scrap +1", exact=True).click()
    job.get_by_label("Scrap reason").select_option(str(dim))
    job.get_by_role("button", name="Report").click()
    expect(page.get_by_test_id("job-counts")).to_have_text("Good 10 / 20 · Scrap 1")
    expect(page.get_by_label("Good", exact=True)).to_have_value("0")
    shot(page, "operator-counted-phone")

    job.get_by_label("Pause reason").select_option(str(wait_mat))
    job.get_by_role("button", name="Pause").click()
    expect(job.get_by_test_id("status-paused")).to_be_visible()
    expect(page.get_by_test_id("machine-since")).to_contain_text("Waiting for material")
    job.get_by_role("button", name="Resume").click()
    expect(job.get_by_test_id("status-running")).to_be_visible()
    pause, complete = job.get_by_role("button", name="Pause"), job.get_by_test_id("complete-job")
    gap = complete.bounding_box()["y"] - (pause.bounding_box()["y"] + pause.bounding_box()["height"])
    assert gap >= 200, gap                     # Complete sits apart from Pause, below the counts and a rule
    complete.click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm.get_by_test_id("complete-title")).to_have_text("10 short: complete anyway?")
    expect(confirm.get_by_test_id("complete-question")).to_have_text(re.compile(
        r"^Only 10 of 20 good \(1 scrap\)\. Complete job WO-\S+ \S+ with 10 still missing\?$"))
    shot(page, "operator-complete-confirm-phone")
    confirm.get_by_role("button", name="Complete short (10/20)").click()
    expect(page.get_by_text("No job running. Start one from the queue.")).to_be_visible()
    expect(page.get_by_test_id("machine-state-idle")).to_be_visible()
    expect(page.get_by_test_id("outbox-badge")).to_be_hidden()
    shot(page, "operator-completed-phone")

    events, op, wo = recorded(app_database_url, seeded)
    assert [(e.kind, e.operation_id, e.quantity_good, e.quantity_scrap, e.reason_code_id) for e in events] == [
        (EventKind.JOB_STARTED, op.id, 0, 0, None),
        (EventKind.COUNT, op.id, 10, 1, dim),
        (EventKind.JOB_PAUSED, op.id, 0, 0, wait_mat),
        (EventKind.JOB_RESUMED, op.id, 0, 0, None),
        (EventKind.JOB_COMPLETED, op.id, 0, 0, None),
    ]
    assert len({e.client_id for e in events}) == 5 and all(len(e.client_id) == 36 for e in events)
    assert (op.status, op.quantity_good, op.quantity_scrap) == (WorkStatus.DONE, 10, 1)
    assert (wo.status, wo.quantity_good, wo.quantity_scrap) == (WorkStatus.DONE, 10, 1)


def test_a_tap_that_cannot_be_sent_waits_visibly_and_is_recorded_once(new_page, app_database_url):
    seeded = seed_job(app_database_url, "E2E-PHONE-2")
    page = new_page(PHONE)
    open_machine(page, seeded.code)
    start_the_job(page)

    attempts = []

    def answer_lost(route):
        """The server gets the request and records it; the phone never hears back."""
        attempts.append(route.request.post_data_json["client_id"])
        route.fetch()
        route.abort("internetdisconnected")

    page.route(OUTBOX_ROUTE, answer_lost)
    job = page.get_by_test_id("current-job")
    for _ in range(3):
        job.get_by_role("button", name="Good +1", exact=True).click()
    job.get_by_role("button", name="Report").click()
    badge = page.get_by_test_id("outbox-badge")
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("1 action waiting to send")
    expect(badge).to_contain_text("No connection: trying again in")
    assert page.evaluate("JSON.parse(localStorage.getItem('takt_outbox')).length") == 1
    shot(page, "operator-outbox-waiting-phone")

    page.unroute(OUTBOX_ROUTE)
    expect(badge).to_be_hidden(timeout=60_000)
    expect(page.get_by_test_id("job-counts")).to_have_text("Good 3 / 20 · Scrap 0")
    assert page.evaluate("JSON.parse(localStorage.getItem('takt_outbox')).length") == 0

    events, op, _ = recorded(app_database_url, seeded)
    counts = [e for e in events if e.kind == EventKind.COUNT]
    assert len(attempts) >= 1 and set(attempts) == {counts[0].client_id}     # every attempt: the same id
    assert [(e.quantity_good, e.quantity_scrap) for e in counts] == [(3, 0)]
    assert op.quantity_good == 3


def test_a_refused_tap_is_shown_in_words_and_dropped(new_page, app_database_url):
    seeded = seed_job(app_database_url, "E2E-PHONE-3")
    page = new_page(PHONE)
    open_machine(page, seeded.code)
    start_the_job(page)
    job = page.get_by_test_id("current-job")
    job.get_by_role("button", name="Scrap +1", exact=True).click()
    job.get_by_role("button", name="Report").click()               # no scrap reason chosen: kept off the outbox
    expect(page.get_by_test_id("outbox-error")).to_contain_text("Choose why the parts are scrap.")
    page.get_by_test_id("outbox-error").get_by_role("button", name="OK").click()
    expect(page.get_by_test_id("outbox-error")).to_have_count(0)

    # A tap the server refuses (resuming a job that is running) is shown with the server's words, then dropped.
    page.evaluate("""([machine, op]) => window.taktOutbox.add(machine, {type: 'resume_job', operation_id: op},
                                                         'Resume')""", [seeded.machine_id, seeded.operation_id])
    expect(page.get_by_test_id("outbox-error")).to_contain_text("Only a paused job can be resumed")
    expect(page.get_by_test_id("outbox-badge")).to_be_hidden()
    events, _, _ = recorded(app_database_url, seeded)
    assert [e.kind for e in events] == [EventKind.JOB_STARTED]
