"""Document-control test data: the shop floor of tests/factories/shopfloor.py (a work order whose Cut and Drill
jobs are queued on a machine of plant 1), an engineer (planner), a quality lead and the floor's operator, and
helpers that write, submit and approve revisions with a PDF or a PNG file."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from models.orders import Operation, WorkOrder
from models.routing import RoutingStep
from services.core.access import Actor
from services.core.db import transaction
from services.documents import documents, revisions
from services.documents.documents import DocumentCreate
from services.documents.revisions import RevisionCreate
from services.studio.files import Upload
from tests.conftest import T0
from tests.factories.org import World, actor_of, make_user
from tests.factories.shopfloor import Floor, make_floor
from tests.factories.studio import png_bytes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "drawing.pdf") -> Upload:
    return Upload(filename=name, content_type="application/pdf", data=PDF)


def png(name: str = "drawing.png", color: str = "red") -> Upload:
    return Upload(filename=name, content_type="image/png", data=png_bytes(color))


@dataclass
class Shop:
    world: World
    floor: Floor
    engineer: int            # planner at plant 1 (DOCUMENTS)
    quality: int             # quality lead at plant 1 (approves)
    operator: int            # the world's operator at plant 1
    cut_step_id: int         # the routing step of the floor's Cut job

    def actor(self, user_id: int) -> Actor:
        return actor_of(self.world.session, user_id)


def make_shop(session: Session, world: World) -> Shop:
    floor = make_floor(session, world.org_a, world.plant1, world.dept1, quantity=100)
    engineer = make_user(session, world.org_a, roles=["planner"], plant_ids=[world.plant1], username="eng.one")
    quality = make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1], username="qa.one")
    cut = session.get(Operation, floor.cut_id)
    wo = session.get(WorkOrder, cut.work_order_id)
    step_id = session.exec(select(RoutingStep.id).where(RoutingStep.routing_id == wo.routing_id,
                                                        RoutingStep.sequence == cut.sequence)).one()
    return Shop(world=world, floor=floor, engineer=engineer, quality=quality, operator=world.operator1,
                cut_step_id=step_id)


def make_document(session: Session, actor: Actor, target_type: str, target_id: int, *, title: str = "Cut bracket",
                  kind: str = "work_instruction") -> int:
    with transaction(session):
        return documents.create_document(session, actor, DocumentCreate(
            title=title, kind=kind, target_type=target_type, target_id=target_id), now=T0).id


def write_revision(session: Session, actor: Actor, document_id: int, *files: Upload, summary: str = "") -> int:
    with transaction(session):
        return revisions.new_revision(session, actor, document_id, RevisionCreate(summary=summary),
                                      list(files) or [pdf()], now=T0).id


def release_revision(session: Session, shop: Shop, document_id: int, *files: Upload) -> int:
    """A new revision written by the engineer, submitted, and approved by the quality lead."""
    rev_id = write_revision(session, shop.actor(shop.engineer), document_id, *files)
    with transaction(session):
        revisions.submit_revision(session, shop.actor(shop.engineer), rev_id, now=T0)
    with transaction(session):
        revisions.approve_revision(session, shop.actor(shop.quality), rev_id, now=T0)
    return rev_id
