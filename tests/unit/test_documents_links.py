"""A document attached to several targets: one SOP on both machines of the line, one drawing on a product and a
routing step. Attaching and detaching is for writers, checked in the organization and the document's plant,
audited and announced; the list finds a document by any of its targets; the operator's job finds the approved
revision through any link, once."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.audit import AuditEntry
from models.documents import Document, DocumentLink
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.documents import documents, instructions
from services.documents.documents import TargetBody
from tests.conftest import T0
from tests.factories.doc_control import make_document, make_shop, release_revision, write_revision
from tests.factories.production import make_line


@pytest.fixture
def shop(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_shop(session, world)


def _attach(session, actor, document_id, target_type, target_id):
    with transaction(session):
        return documents.attach_target(session, actor, document_id, TargetBody(target_type=target_type,
                                                                               target_id=target_id), now=T0)


def test_one_sop_on_both_machines_is_found_by_either(session, shop, captured_events):
    engineer = shop.actor(shop.engineer)
    sop = make_document(session, engineer, "machine", shop.floor.machine_id, title="Lockout", kind="sop")
    other = make_document(session, engineer, "product", shop.floor.line.product_id, title="Bracket", kind="drawing")
    captured_events.clear()
    read = _attach(session, engineer, sop, "machine", shop.floor.other_machine_id)
    assert [(e.name, e.refs) for e in captured_events] == [
        ("document.target_added", {"target_type": "machine", "target_id": shop.floor.other_machine_id})]
    assert [(t.target_type, t.target_id) for t in read.targets] == [
        ("machine", shop.floor.machine_id), ("machine", shop.floor.other_machine_id)]
    assert (read.target_type, read.target_id) == ("machine", shop.floor.machine_id)       # the first one
    assert read.plant_id == shop.world.plant1
    for machine in (shop.floor.machine_id, shop.floor.other_machine_id):
        found = documents.list_documents(session, engineer, target_type="machine", target_id=machine)
        assert [d.id for d in found] == [sop]
    assert {d.id for d in documents.list_documents(session, engineer, target_type="machine")} == {sop}
    assert {d.id for d in documents.list_documents(session, engineer)} == {sop, other}
    audit = session.exec(select(AuditEntry.changes).where(AuditEntry.entity == "document",
                                                          AuditEntry.entity_id == str(sop),
                                                          AuditEntry.action == "attach_target")).all()
    assert audit == [{"target": f"machine:{shop.floor.other_machine_id}"}]


def test_the_job_shows_a_document_of_several_targets_once_under_the_nearest(session, shop):
    engineer = shop.actor(shop.engineer)
    drawing = make_document(session, engineer, "product", shop.floor.line.product_id, title="Bracket", kind="drawing")
    _attach(session, engineer, drawing, "routing_step", shop.cut_step_id)
    sop = make_document(session, engineer, "machine", shop.floor.other_machine_id, title="Lockout", kind="sop")
    for doc in (drawing, sop):
        release_revision(session, shop, doc)
    operator = shop.actor(shop.operator)
    shown = instructions.instructions_for_operation(session, operator, shop.floor.cut_id)
    assert [(i.title, i.target_type) for i in shown] == [("Bracket", "routing_step")]
    _attach(session, engineer, sop, "machine", shop.floor.machine_id)       # the job's machine
    shown = instructions.instructions_for_operation(session, operator, shop.floor.cut_id)
    assert [(i.title, i.target_type) for i in shown] == [("Bracket", "routing_step"), ("Lockout", "machine")]
    write_revision(session, engineer, sop)                                   # a draft never reaches the job
    shown = instructions.instructions_for_operation(session, operator, shop.floor.cut_id)
    assert [i.revision_label for i in shown] == ["A", "A"]


def test_attaching_is_checked(session, shop, world):
    engineer = shop.actor(shop.engineer)
    doc = make_document(session, engineer, "machine", shop.floor.machine_id, title="Lockout", kind="sop")
    with pytest.raises(Conflict, match="already attached"):
        _attach(session, engineer, doc, "machine", shop.floor.machine_id)
    with pytest.raises(Forbidden):
        _attach(session, shop.actor(shop.operator), doc, "machine", shop.floor.other_machine_id)
    with pytest.raises(Invalid, match="not found"):
        _attach(session, engineer, doc, "product", 999999)
    foreign = make_line(session, world.org_b, world.plant_b, world.dept_b)
    with pytest.raises(Invalid, match="not found"):                          # another organization's product
        _attach(session, engineer, doc, "product", foreign.product_id)
    porto = make_line(session, world.org_a, world.plant2, world.dept2)
    with pytest.raises(Invalid, match="another plant"):                      # the admin sees plant 2's machine
        _attach(session, world.actor(world.admin_a), doc, "machine", porto.machine_ids[0])
    assert _attach(session, world.actor(world.admin_a), doc, "product", porto.product_id).plant_id == world.plant1
    with pytest.raises(NotFound):                                            # B's admin does not see A's document
        _attach(session, world.actor(world.admin_b), doc, "product", foreign.product_id)


def test_detaching_keeps_one_target_and_the_plant_follows(session, shop):
    engineer = shop.actor(shop.engineer)
    doc = make_document(session, engineer, "product", shop.floor.line.product_id, title="Bracket", kind="drawing")
    read = _attach(session, engineer, doc, "machine", shop.floor.machine_id)
    assert read.plant_id == shop.world.plant1
    machine_link = read.targets[1].id
    with transaction(session):
        read = documents.detach_target(session, engineer, doc, machine_link, now=T0)
    assert [t.target_type for t in read.targets] == ["product"] and read.plant_id is None
    assert session.get(DocumentLink, machine_link) is None
    with pytest.raises(Conflict, match="at least one target"):
        documents.detach_target(session, engineer, doc, read.targets[0].id, now=T0)
    other = make_document(session, engineer, "machine", shop.floor.machine_id, title="Lockout", kind="sop")
    other_link = documents.list_documents(session, engineer, target_type="machine")[0].targets[0].id
    with pytest.raises(NotFound):                                            # a link of another document
        documents.detach_target(session, engineer, doc, other_link, now=T0)
    assert session.get(Document, other).plant_id == shop.world.plant1
