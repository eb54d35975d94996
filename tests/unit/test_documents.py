"""Document control: revisions on the workflow engine, one approved revision at a time, drafts hidden from
operators, files checked and stored like studio files, and tenancy."""
from __future__ import annotations

import pytest
from fpdf import FPDF
from sqlmodel import select

from models.config import Notification
from models.documents import Document, DocumentRevision, RevisionScheme, RevisionStatus
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.documents import documents, files, instructions, revisions, viewer
from services.documents.common import revision_label
from services.documents.documents import DocumentCreate
from services.studio.files import Upload
from tests.conftest import T0
from tests.factories.doc_control import make_document, make_shop, pdf, png, release_revision, write_revision
from tests.factories.org import actor_of, make_user


@pytest.fixture
def shop(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_shop(session, world)


def test_revision_labels_follow_the_scheme():
    assert [revision_label(RevisionScheme.LETTERS, n) for n in (1, 2, 26, 27, 28)] == ["A", "B", "Z", "AA", "AB"]
    assert [revision_label(RevisionScheme.NUMBERS, n) for n in (1, 2, 10)] == ["1", "2", "10"]


def test_approving_a_revision_makes_the_previous_one_obsolete(session, shop):
    doc_id = make_document(session, shop.actor(shop.engineer), "routing_step", shop.cut_step_id)
    first = release_revision(session, shop, doc_id)
    second = release_revision(session, shop, doc_id, png())
    session.expire_all()
    a, b = session.get(DocumentRevision, first), session.get(DocumentRevision, second)
    assert (a.label, a.status, b.label, b.status) == ("A", RevisionStatus.OBSOLETE, "B", RevisionStatus.APPROVED)
    assert a.obsolete_at == T0 and b.approved_by == shop.quality
    assert session.get(Document, doc_id).released_revision_id == second


def test_numbers_scheme_labels_new_revisions(session, shop, world):
    with transaction(session):
        documents.set_revision_scheme(session, world.actor(world.admin_a), RevisionScheme.NUMBERS, now=T0)
    doc_id = make_document(session, shop.actor(shop.engineer), "product", shop.floor.line.product_id, kind="drawing")
    rev_id = write_revision(session, shop.actor(shop.engineer), doc_id)
    assert session.get(DocumentRevision, rev_id).label == "1"
    with pytest.raises(Forbidden):
        documents.set_revision_scheme(session, shop.actor(shop.engineer), RevisionScheme.LETTERS, now=T0)


def test_operators_see_only_the_approved_revision(session, shop):
    engineer, operator = shop.actor(shop.engineer), shop.actor(shop.operator)
    doc_id = make_document(session, engineer, "routing_step", shop.cut_step_id)
    draft = write_revision(session, engineer, doc_id, png())
    # a draft: the document does not exist for the operator, at the job or anywhere
    assert instructions.instructions_for_operation(session, operator, shop.floor.cut_id) == []
    assert documents.list_documents(session, operator) == []
    with pytest.raises(NotFound):
        documents.document_detail(session, operator, doc_id)
    draft_file = revisions.read_revisions(session, [session.get(DocumentRevision, draft)])[0].files[0].id
    with pytest.raises(NotFound):
        files.open_file(session, operator, draft_file)

    with transaction(session):
        revisions.submit_revision(session, engineer, draft, now=T0)
    with transaction(session):
        revisions.approve_revision(session, shop.actor(shop.quality), draft, now=T0)
    shown = instructions.instructions_for_operation(session, operator, shop.floor.cut_id)
    assert [(i.revision_label, [f.filename for f in i.files]) for i in shown] == [("A", ["drawing.png"])]
    assert shown[0].files[0].viewable
    assert files.open_file(session, operator, draft_file)[1] == "image/png"

    next_draft = write_revision(session, engineer, doc_id, pdf("rev-b.pdf"))
    detail = documents.document_detail(session, operator, doc_id)
    assert [r.label for r in detail.revisions] == ["A"]
    assert [r.label for r in documents.document_detail(session, engineer, doc_id).revisions] == ["B", "A"]
    assert instructions.instructions_for_operation(session, operator, shop.floor.cut_id)[0].revision_label == "A"
    b_file = revisions.read_revisions(session, [session.get(DocumentRevision, next_draft)])[0].files[0].id
    with pytest.raises(NotFound):
        files.open_file(session, operator, b_file)
    # the drill job's step has no document
    assert instructions.instructions_for_operation(session, operator, shop.floor.drill_id) == []


def test_only_approver_roles_approve_and_writers_write(session, shop):
    engineer = shop.actor(shop.engineer)
    doc_id = make_document(session, engineer, "machine", shop.floor.machine_id)
    rev_id = write_revision(session, engineer, doc_id)
    with transaction(session):
        revisions.submit_revision(session, engineer, rev_id, now=T0)
    with pytest.raises(Forbidden):
        revisions.approve_revision(session, engineer, rev_id, now=T0)
    with pytest.raises(Forbidden):
        documents.create_document(session, shop.actor(shop.operator), DocumentCreate(
            title="x", kind="sop", target_type="machine", target_id=shop.floor.machine_id), now=T0)
    with pytest.raises(Invalid):          # a rejection says why
        revisions.reject_revision(session, shop.actor(shop.quality), rev_id, comment="", now=T0)
    with transaction(session):
        rejected = revisions.reject_revision(session, shop.actor(shop.quality), rev_id, comment="Wrong tolerance",
                                             now=T0)
    assert rejected.status == RevisionStatus.DRAFT


def test_files_are_checked_and_only_drafts_take_files(session, shop):
    engineer = shop.actor(shop.engineer)
    doc_id = make_document(session, engineer, "product", shop.floor.line.product_id, kind="drawing")
    with pytest.raises(Invalid, match="not application/pdf"):
        write_revision(session, engineer, doc_id, Upload("fake.pdf", "application/pdf", b"MZ\x90\x00"))
    with pytest.raises(Invalid, match="not a .step file"):
        write_revision(session, engineer, doc_id, Upload("part.step", "application/octet-stream", b"hello"))
    rev_id = write_revision(session, engineer, doc_id,
                            Upload("part.step", "application/octet-stream", b"ISO-10303-21;\nHEADER;"))
    read = revisions.read_revisions(session, [session.get(DocumentRevision, rev_id)])[0]
    assert [(f.filename, f.content_type) for f in read.files] == [("part.step", "model/step")]
    with pytest.raises(Conflict, match="still draft"):
        write_revision(session, engineer, doc_id)
    with transaction(session):
        revisions.submit_revision(session, engineer, rev_id, now=T0)
    with pytest.raises(Conflict, match="draft only"):
        revisions.add_files(session, engineer, rev_id, [pdf()], now=T0)


def test_a_draft_without_files_is_not_submitted(session, shop):
    engineer = shop.actor(shop.engineer)
    doc_id = make_document(session, engineer, "product", shop.floor.line.product_id)
    with transaction(session):
        rev = revisions.new_revision(session, engineer, doc_id, revisions.RevisionCreate(), [], now=T0)
    with pytest.raises(Invalid, match="Add a file"):
        revisions.submit_revision(session, engineer, rev.id, now=T0)


def test_documents_stay_in_their_organization_and_plant(session, shop, world):
    engineer = shop.actor(shop.engineer)
    doc_id = make_document(session, engineer, "machine", shop.floor.machine_id)
    release_revision(session, shop, doc_id)
    other_org = world.actor(world.admin_b)
    with pytest.raises(NotFound):
        documents.document_detail(session, other_org, doc_id)
    assert documents.list_documents(session, other_org) == []
    with pytest.raises(Invalid):
        documents.create_document(session, other_org, DocumentCreate(
            title="x", kind="sop", target_type="product", target_id=shop.floor.line.product_id), now=T0)
    plant2_quality = actor_of(session, make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant2]))
    with pytest.raises(NotFound):
        documents.document_detail(session, plant2_quality, doc_id)
    assert documents.list_documents(session, plant2_quality) == []


def test_search_finds_by_number_title_and_kind(session, shop):
    engineer = shop.actor(shop.engineer)
    make_document(session, engineer, "product", shop.floor.line.product_id, title="Bracket drawing", kind="drawing")
    make_document(session, engineer, "machine", shop.floor.machine_id, title="Lockout SOP", kind="sop")
    assert [d.title for d in documents.list_documents(session, engineer, search="bracket")] == ["Bracket drawing"]
    assert [d.title for d in documents.list_documents(session, engineer, kind="sop")] == ["Lockout SOP"]
    assert [d.number for d in documents.list_documents(session, engineer, search="DOC-000001")] == ["DOC-000001"]


def test_the_viewer_draws_pdf_pages_for_phones_and_checks_access(session, shop):
    document = FPDF()
    for page in range(7):
        document.add_page()
        document.set_font("helvetica", size=24)
        document.cell(text=f"Sheet {page + 1}")
    engineer, operator = shop.actor(shop.engineer), shop.actor(shop.operator)
    doc_id = make_document(session, engineer, "routing_step", shop.cut_step_id, kind="drawing")
    cad = Upload("part.stp", "application/octet-stream", b"ISO-10303-21;\nHEADER;")
    rev_id = write_revision(session, engineer, doc_id, Upload("sheets.pdf", "application/pdf", bytes(document.output())),
                            cad)
    pdf_id, cad_id = [f.id for f in revisions.read_revisions(session, [session.get(DocumentRevision, rev_id)])[0].files]
    with pytest.raises(NotFound):
        viewer.view_file(session, operator, pdf_id)
    with transaction(session):
        revisions.submit_revision(session, engineer, rev_id, now=T0)
    with transaction(session):
        revisions.approve_revision(session, shop.actor(shop.quality), rev_id, now=T0)
    shown = viewer.view_file(session, operator, pdf_id)
    assert (shown.page_count, len(shown.pages)) == (7, viewer.MAX_PAGES)
    assert all(kind == "image/jpeg" and data.startswith(b"\xff\xd8") for kind, data in shown.pages)
    assert viewer.view_file(session, operator, cad_id).pages == []


def test_approvers_hear_of_a_submitted_revision_and_the_writer_of_the_decision(session, shop):
    engineer = shop.actor(shop.engineer)
    doc_id = make_document(session, engineer, "routing_step", shop.cut_step_id)
    rev_id = write_revision(session, engineer, doc_id)
    with transaction(session):
        revisions.submit_revision(session, engineer, rev_id, now=T0)
    told = session.exec(select(Notification).where(Notification.entity_type == "document_revision")).all()
    assert shop.quality in {n.user_id for n in told} and shop.engineer not in {n.user_id for n in told}
    assert told[0].title == "DOC-000001 rev. A waits for your approval"
    assert told[0].link == f"/documents/document?revision={rev_id}"
    with transaction(session):
        revisions.reject_revision(session, shop.actor(shop.quality), rev_id, comment="Scale is wrong", now=T0)
    back = session.exec(select(Notification).where(Notification.user_id == shop.engineer)).all()
    assert [(n.title, n.body) for n in back] == [("DOC-000001 rev. A is sent back", "Scale is wrong")]
