"""Document control in the browser: an engineer (the demo planner) creates the work instruction of a job's
routing step and uploads a drawing as its revision A, which the operator's phone does not show while it is a
draft; a quality lead approves it; the operator's phone then shows revision A at the job, the drawing in the
viewer."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import Session, col, select

from models.orders import Operation, WorkOrder
from models.routing import Routing, RoutingStep
from services.core.db import make_engine, transaction
from tests.e2e.conftest import DESKTOP, PHONE, log_in, open_machine, shot
from tests.factories.e2e import seed_job
from tests.factories.studio import png_bytes


def _job_at_a_routing_step(database_url: str, code: str) -> tuple[int, int]:
    """A released job on a machine of its own whose work order follows its product's active routing; (step id,
    operation id)."""
    seeded = seed_job(database_url, code)
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as s, transaction(s):
            wo = s.get(WorkOrder, seeded.work_order_id)
            step = s.exec(select(RoutingStep).join(Routing, col(Routing.id) == RoutingStep.routing_id)
                          .where(Routing.product_id == wo.product_id, col(Routing.is_active))
                          .order_by(col(RoutingStep.sequence))).first()
            assert step is not None, "the demo product has an active routing"
            op = s.get(Operation, seeded.operation_id)
            wo.routing_id, op.sequence, op.name = step.routing_id, step.sequence, step.name
            s.add_all([wo, op])
            return step.id, seeded.operation_id
    finally:
        engine.dispose()


def test_an_approved_drawing_revision_reaches_the_operators_phone(new_page, app_database_url, tmp_path):
    code = "E2E-DOC-1"
    step_id, _operation_id = _job_at_a_routing_step(app_database_url, code)
    drawing = tmp_path / "bracket-rev-a.png"
    drawing.write_bytes(png_bytes("navy"))

    engineer = new_page(DESKTOP)
    log_in(engineer, "planner")
    engineer.get_by_test_id("sidebar").get_by_role("link", name="Documents", exact=True).click()
    engineer.wait_for_url(re.compile(r"/documents/?$"))
    engineer.get_by_test_id("new-document").click()
    dialog = engineer.get_by_role("dialog")
    dialog.get_by_label("Title").fill("Bracket drawing E2E")
    dialog.get_by_label("Kind").select_option("drawing")
    dialog.get_by_label("Attached to").select_option("routing_step")
    expect(dialog.get_by_label("Which one").locator(f"option[value='{step_id}']")).to_have_count(1)
    dialog.get_by_label("Which one").select_option(str(step_id))
    dialog.get_by_role("button", name="Create document").click()
    # the new document's page: a guard of 60 s, not 30 (CI once ran out of 30 at its end, where the server had
    # served 50 browser tests; the same test alone on the same clone passed in 143 s)
    engineer.wait_for_url(re.compile(r"/documents/document/?\?id=\d+"), timeout=60_000)
    expect(engineer.get_by_test_id("released-label")).to_have_text("–")
    engineer.get_by_test_id("revision-upload").locator("input[type=file]").set_input_files(str(drawing))
    engineer.get_by_test_id("start-revision").click()
    revision = engineer.get_by_test_id("revision")
    expect(revision.get_by_test_id("revision-status")).to_have_text("Draft")
    expect(engineer.get_by_test_id("document-viewer").get_by_test_id("viewer-page")).to_be_visible()
    document_url = engineer.url

    operator = new_page(PHONE)
    open_machine(operator, code)
    expect(operator.get_by_test_id("queued-job")).to_be_visible()
    # a draft never reaches the floor (the demo's own drawing of the product may show beside it)
    expect(operator.get_by_test_id("instruction").filter(has_text="Bracket drawing E2E")).to_have_count(0)

    revision.get_by_test_id("submit-revision").click()
    expect(revision.get_by_test_id("revision-status")).to_have_text("In review")
    expect(revision.get_by_test_id("approve-revision")).to_have_count(0)    # the engineer does not approve

    quality = new_page(DESKTOP)
    log_in(quality, "quality")
    expect(quality.get_by_test_id("sidebar")).to_be_visible()
    quality.goto(document_url)
    quality.get_by_test_id("approve-revision").click()
    expect(quality.get_by_test_id("revision").get_by_test_id("revision-status")).to_have_text("Approved")
    expect(quality.get_by_test_id("released-label")).to_have_text("A")
    shot(quality, "documents-approved-desktop")

    operator.reload()
    expect(operator.get_by_role("heading", name=code)).to_be_visible()
    instruction = operator.get_by_test_id("instruction").filter(has_text="Bracket drawing E2E")
    expect(instruction.get_by_test_id("instruction-revision")).to_have_text("Rev. A")
    # the viewer opens on the job's first document (the demo's own drawing may come first); the tap shows this one
    instruction.get_by_test_id("instruction-file").first.click()
    page_image = operator.get_by_test_id("instruction-viewer").get_by_test_id("viewer-page")
    expect(page_image).to_have_attribute("alt", "bracket-rev-a.png")
    expect(page_image).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    box = page_image.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    shot(operator, "documents-operator-phone")
