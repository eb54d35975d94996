"""Document control through the page states, without a browser: an engineer creates a document and starts a
revision with a file, submits it, a quality lead approves it; the operator's machine page shows the approved
revision at the job (viewer opened) while a newer draft stays hidden from the operator's states; change orders
release their revisions from the change order page; an operator cannot reach the document page of a draft."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import reflex as rx

from rxapp import routes
from rxapp.pages.documents.change_orders import change_order_page, change_orders_page
from rxapp.pages.documents.document import document_page
from rxapp.pages.documents.documents import documents_page
from rxapp.state.documents.change_orders import ChangeOrdersState, ChangeOrderState
from rxapp.state.documents.document import DocumentState
from rxapp.state.documents.documents import DocumentsState
from rxapp.state.shopfloor.instructions import JobDocumentsState
from rxapp.state.shopfloor.operator import OperatorMachineState
from tests.factories.doc_control import PDF, make_document, make_shop, png, release_revision
from tests.factories.org import actor_of
from tests.factories.studio import png_bytes
from tests.ui.conftest import redirects, run, signed_in


@pytest.fixture
def shop(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_shop(session, world)


def _file(name: str, data: bytes) -> rx.UploadFile:
    return rx.UploadFile(file=io.BytesIO(data), path=Path(name))


async def _document_state(engine, username: str, document_id: int) -> DocumentState:
    state = await signed_in(engine, DocumentState, username)
    state.document_id = document_id
    await run(state.load(), state)
    return state


async def _write_and_release(engine, shop, name: str, data: bytes) -> int:
    """The engineer creates the Cut step's work instruction and starts revision A; the quality lead approves."""
    docs = await signed_in(engine, DocumentsState, "eng.one")
    await run(docs.open_new(), docs)
    await run(docs.set_target_type("routing_step"), docs)
    assert str(shop.cut_step_id) in [o.value for o in docs.target_options]
    out = await run(docs.create({"title": "Cut bracket", "kind": "work_instruction",
                                 "target_id": str(shop.cut_step_id)}), docs)
    assert docs.form_errors == {}
    document_id = int(redirects(out)[0].split("=")[1])
    engineer = await _document_state(engine, "eng.one", document_id)
    await run(engineer.start_revision([_file(name, data)]), engineer)
    draft = engineer.revision_lines[0]
    assert (draft.label, draft.status, draft.can_submit, draft.can_approve) == ("A", "draft", True, False)
    await run(engineer.decide("submit", draft.id), engineer)
    assert engineer.revision_lines[0].status == "review" and not engineer.revision_lines[0].can_approve
    quality = await _document_state(engine, "qa.one", document_id)
    assert quality.revision_lines[0].can_approve and quality.revision_lines[0].can_reject
    await run(quality.decide("approve", draft.id), quality)
    assert (quality.released, quality.revision_lines[0].status) == ("A", "approved")
    return document_id


async def test_a_released_revision_reaches_the_operator_and_a_draft_does_not(engine, session, shop):
    document_id = await _write_and_release(engine, shop, "cut.png", png_bytes())
    machine = await signed_in(engine, OperatorMachineState, "op.one")
    await run(machine.open(shop.floor.machine_id), machine)
    job = await machine.get_state(JobDocumentsState)
    assert job.operation_id == shop.floor.cut_id
    assert [(i.number, i.revision) for i in job.lines] == [("DOC-000001", "Rev. A")]
    assert job.viewer_title == "cut.png" and job.viewer_pages[0].startswith("data:image/png;base64,")

    engineer = await _document_state(engine, "eng.one", document_id)
    await run(engineer.start_revision([_file("cut-b.pdf", PDF)]), engineer)
    assert [(r.label, r.status) for r in engineer.revision_lines] == [("B", "draft"), ("A", "approved")]
    await run(machine.refresh(), machine)
    assert [i.revision for i in job.lines] == ["Rev. A"] and job.viewer_title == "cut.png"
    operator_page = await _document_state(engine, "op.one", document_id)
    assert [r.label for r in operator_page.revision_lines] == ["A"] and not operator_page.can_write
    operators_list = await signed_in(engine, DocumentsState, "op.one")
    await run(operators_list.load(), operators_list)
    assert [(r.number, r.released, r.working) for r in operators_list.rows] == [("DOC-000001", "A", "")]


async def test_a_file_the_operator_taps_stays_in_the_viewer_while_the_job_opens(engine, session, shop):
    """The job's documents open the viewer on their first file within the same event, so a file the operator taps
    as the list appears is not replaced by an opening queued behind the tap."""
    first = make_document(session, shop.actor(shop.engineer), "routing_step", shop.cut_step_id, title="Cut")
    release_revision(session, shop, first, png("cut.png", "red"))
    second = make_document(session, shop.actor(shop.engineer), "routing_step", shop.cut_step_id, title="Deburr")
    release_revision(session, shop, second, png("deburr.png", "navy"))
    job = await signed_in(engine, JobDocumentsState, "op.one")
    queued = await run(job.show_job(shop.floor.cut_id))           # what the browser would run after this event
    assert job.viewer_title == "cut.png"
    tapped = next(f.id for line in job.lines for f in line.files if f.name == "deburr.png")
    await run(job.view(tapped), job)
    await run(queued, job)
    assert (job.viewer_file_id, job.viewer_title) == (tapped, "deburr.png")


async def test_an_operator_cannot_open_a_draft_document(engine, session, shop):
    docs = await signed_in(engine, DocumentsState, "eng.one")
    await run(docs.set_target_type("machine"), docs)
    out = await run(docs.create({"title": "Lockout", "kind": "sop", "target_id": str(shop.floor.machine_id)}), docs)
    document_id = int(redirects(out)[0].split("=")[1])
    operator = await _document_state(engine, "op.one", document_id)
    assert operator.load_error == "Document not found."
    await run(operator.start_revision([_file("x.pdf", PDF)]), operator)
    assert operator.revision_lines == []


async def test_new_document_form_says_what_is_missing(engine, session, shop):
    docs = await signed_in(engine, DocumentsState, "eng.one")
    await run(docs.create({"title": "No target", "kind": "drawing", "target_id": ""}), docs)
    assert "target_id" in docs.form_errors


async def test_change_order_page_releases_its_revisions(engine, session, shop):
    document_id = await _write_and_release(engine, shop, "cut.pdf", PDF)
    engineer = await _document_state(engine, "eng.one", document_id)
    await run(engineer.start_revision([_file("cut-b.png", png_bytes("blue"))]), engineer)
    orders = await signed_in(engine, ChangeOrdersState, "eng.one")
    out = await run(orders.create({"title": "Thicker bracket", "reason": "Field returns"}), orders)
    assert redirects(out) == [routes.change_order_url(1)]
    await run(engineer.load(), engineer)
    draft = engineer.revision_lines[0]
    await run(engineer.add_to_change_order({"change_order_id": "1", "revision_id": str(draft.id)}), engineer)
    order = await signed_in(engine, ChangeOrderState, "eng.one")
    order.change_order_id = 1
    await run(order.load(), order)
    await run(order.add_product({"product_id": str(shop.floor.line.product_id), "note": "3 mm"}), order)
    assert [i.revision for i in order.items] == ["B · Draft", "Product"]
    await run(order.act("submit"), order)
    assert order.status == "review"
    quality = await signed_in(engine, ChangeOrderState, "qa.one")
    quality.change_order_id = 1
    await run(quality.load(), quality)
    await run(quality.act("approve"), quality)
    assert quality.status == "approved" and quality.items[0].revision == "B · Approved"
    await run(engineer.load(), engineer)
    assert [(r.label, r.status) for r in engineer.revision_lines] == [("B", "approved"), ("A", "obsolete")]
    operators = await signed_in(engine, ChangeOrdersState, "op.one")
    await run(operators.load(), operators)
    assert operators.rows == []


def test_pages_render():
    for page in (documents_page, document_page, change_orders_page, change_order_page):
        page().render()


async def test_an_admin_switches_new_revisions_to_numbers(engine, session, shop):
    docs = await signed_in(engine, DocumentsState, "admin.a")
    await run(docs.load(), docs)
    assert docs.can_configure and docs.scheme == "letters"
    await run(docs.set_scheme("numbers"), docs)
    assert docs.scheme == "numbers"
    engineer = await signed_in(engine, DocumentsState, "eng.one")
    assert not engineer.can_configure
    await run(engineer.set_scheme("letters"), engineer)
    await run(docs.load(), docs)
    assert docs.scheme == "numbers"


async def test_the_list_of_one_targets_documents(engine, session, shop):
    engineer = actor_of(session, shop.engineer)
    make_document(session, engineer, "product", shop.floor.line.product_id, title="Bracket drawing", kind="drawing")
    make_document(session, engineer, "machine", shop.floor.machine_id, title="Lockout SOP", kind="sop")
    docs = await signed_in(engine, DocumentsState, "eng.one")
    docs.filter_type, docs.filter_id = "product", shop.floor.line.product_id
    await run(docs.load(), docs)
    assert [r.title for r in docs.rows] == ["Bracket drawing"]
    page = await _document_state(engine, "eng.one", 1)
    assert [t.href for t in page.target_lines] == [routes.documents_of("product", shop.floor.line.product_id)]


async def test_the_document_page_attaches_and_detaches_targets(engine, session, shop):
    """One SOP on both machines of the line: attached from its page, then found in either machine's list."""
    engineer = actor_of(session, shop.engineer)
    sop = make_document(session, engineer, "machine", shop.floor.machine_id, title="Lockout SOP", kind="sop")
    page = await _document_state(engine, "eng.one", sop)
    assert [t.label.split(":")[0] for t in page.target_lines] == ["Machine"]
    await run(page.set_new_target_type("machine"), page)
    assert str(shop.floor.other_machine_id) in [o.value for o in page.new_target_options]
    await run(page.attach_target({"target_id": str(shop.floor.other_machine_id)}), page)
    assert len(page.target_lines) == 2
    await run(page.attach_target({"target_id": str(shop.floor.other_machine_id)}), page)   # refused: already there
    assert len(page.target_lines) == 2
    for machine in (shop.floor.machine_id, shop.floor.other_machine_id):
        docs = await signed_in(engine, DocumentsState, "eng.one")
        docs.filter_type, docs.filter_id = "machine", machine
        await run(docs.load(), docs)
        assert [r.title for r in docs.rows] == ["Lockout SOP"] and docs.rows[0].target.count("Machine:") == 2
    await run(page.detach_target(page.target_lines[0].id), page)
    assert [t.href for t in page.target_lines] == [routes.documents_of("machine", shop.floor.other_machine_id)]
    await run(page.detach_target(page.target_lines[0].id), page)                        # refused: the last one
    assert len(page.target_lines) == 1


async def test_a_change_order_shows_among_documents_and_is_approved_from_its_document(engine, session, shop):
    document_id = await _write_and_release(engine, shop, "cut.pdf", PDF)
    engineer = await _document_state(engine, "eng.one", document_id)
    await run(engineer.start_revision([_file("cut-b.png", png_bytes("blue"))]), engineer)
    orders = await signed_in(engine, ChangeOrdersState, "eng.one")
    await run(orders.create({"title": "Thicker bracket", "reason": "Field returns"}), orders)
    await run(engineer.load(), engineer)
    await run(engineer.add_to_change_order({"change_order_id": "1", "revision_id": str(engineer.revision_lines[0].id)}),
              engineer)
    docs = await signed_in(engine, DocumentsState, "eng.one")
    await run(docs.find({"search": "", "kind": "change_order"}), docs)
    assert [(r.number, r.kind, r.target, r.working) for r in docs.rows] == [
        ("CO-000001", "Change order", "–", "A · Draft")]
    co_doc = await _document_state(engine, "eng.one", docs.rows[0].id)
    assert co_doc.change_order_href == routes.change_order_url(1) and co_doc.target_lines == []
    own = co_doc.revision_lines[0]
    assert (own.label, own.status, own.can_submit, own.can_add_files) == ("A", "draft", True, True)
    await run(co_doc.decide("submit", own.id), co_doc)
    quality = await _document_state(engine, "qa.one", co_doc.document_id)
    assert quality.revision_lines[0].can_approve and quality.revision_lines[0].can_reject
    await run(quality.decide("approve", own.id), quality)
    assert (quality.released, quality.revision_lines[0].status) == ("A", "approved")
    await run(engineer.load(), engineer)
    assert [(r.label, r.status) for r in engineer.revision_lines] == [("B", "approved"), ("A", "obsolete")]
    order = await signed_in(engine, ChangeOrderState, "eng.one")
    order.change_order_id = 1
    await run(order.load(), order)
    assert order.status == "approved" and order.document_href == routes.document_url(co_doc.document_id)
    operator = await signed_in(engine, DocumentsState, "op.one")
    await run(operator.load(), operator)
    assert "CO-000001" not in [r.number for r in operator.rows]
