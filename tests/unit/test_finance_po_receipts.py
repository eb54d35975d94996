"""Receipts against purchase orders bound the factory half of settlements: a line without a task is settled for
what was received and not yet settled, never for what was only ordered; goods become a lot whose supplier is the
vendor; receipts never exceed the order; who may receive; nothing half-written on a refusal; isolation."""
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import func, select

from models.catalog import Product
from models.lots import Lot
from models.purchasing import PoReceipt
from models.studio import StudioPartner
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.finance import po_receipts, settlements
from services.finance.po_receipts import PoReceiptCreate
from services.finance.settlements import SettleQuantity
from tests.factories.finance import NOW, approved_po, make_buying, make_po
from tests.factories.org import make_user

DAY = date(2026, 12, 10)


@pytest.fixture
def buying(session, world):
    return make_buying(session, world)


@pytest.fixture
def steel(session, world):
    with transaction(session):
        product = Product(organization_id=world.org_a, code="STEEL", name="Steel sheet", unit="kg")
        session.add(product)
        session.flush()
        return product.id


def _receive(session, actor, po, quantity, **kw):
    with transaction(session):
        return po_receipts.receive(session, actor, po.id, PoReceiptCreate(po_line_id=po.lines[0].id,
                                                                          quantity=quantity, **kw), now=NOW)


def _settle(session, actor, po, **kw):
    with transaction(session):
        return settlements.settle(session, actor, po.id, settled_on=DAY, now=NOW, **kw)


def test_a_factory_line_settles_what_was_received_not_what_was_ordered(session, buying):
    po = approved_po(session, buying, task_ids=[None], quantity=10, unit_price=Decimal(1000))
    with pytest.raises(Invalid) as refused:
        _settle(session, buying.fin, po, untasked=[SettleQuantity(po_line_id=po.lines[0].id, quantity=1)])
    assert "received" in refused.value.fields["lines.0"]
    with pytest.raises(Conflict):                              # nothing received yet: nothing to settle
        _settle(session, buying.fin, po, received=True)

    _receive(session, buying.fin, po, 4, note="first delivery")
    first = _settle(session, buying.fin, po, untasked=[SettleQuantity(po_line_id=po.lines[0].id, quantity=3)])
    with pytest.raises(Invalid) as refused:
        _settle(session, buying.fin, po, untasked=[SettleQuantity(po_line_id=po.lines[0].id, quantity=2)])
    assert refused.value.fields["lines.0"].startswith("Only 1 of this line")
    rest = _settle(session, buying.fin, po, received=True)     # the one received and not settled
    _receive(session, buying.fin, po, 6)
    last = _settle(session, buying.fin, po, received=True)
    # 10 x 1000 x 1.20 x 1.50 = 18,000 adjusted, shared 3 : 1 : 6
    assert [s.adjusted for s in (first, rest, last)] == [5400, 1800, 10800]
    (progress,) = settlements.line_progress(session, buying.fin, po.id)
    assert (progress.ordered, progress.received, progress.settled) == (10, 10, 10)


def test_receipts_never_exceed_the_order_nor_touch_task_lines_or_drafts(session, buying):
    po = approved_po(session, buying, task_ids=[None], quantity=5)
    _receive(session, buying.fin, po, 3)
    with pytest.raises(Invalid) as refused:
        _receive(session, buying.fin, po, 3)
    assert refused.value.fields == {"quantity": "Only 2 of 5 is still to be received on this line."}
    tasked = approved_po(session, buying)                      # one line paying the vendor's studio task
    with pytest.raises(Invalid) as refused:
        _receive(session, buying.fin, tasked, 1)
    assert "studio task" in refused.value.fields["po_line_id"]
    draft = make_po(session, buying, task_ids=[None], quantity=5)
    with pytest.raises(Conflict):
        _receive(session, buying.fin, draft, 1)
    assert session.exec(select(func.count()).select_from(PoReceipt)).one() == 1


def test_goods_become_a_lot_of_the_vendor_received_by_the_plant(session, world, buying, steel):
    po = approved_po(session, buying, task_ids=[None], quantity=100)
    clerk = world.actor(make_user(session, world.org_a, roles=["operator"], plant_ids=[world.plant1]))
    receipt = _receive(session, clerk, po, 40, plant_id=world.plant1, product_id=steel, supplier_lot_ref="H-77")
    lot = session.get(Lot, receipt.lot_id)
    assert (lot.quantity, lot.plant_id, lot.supplier_lot_ref, receipt.lot_number) == (40, world.plant1, "H-77", lot.number)
    assert lot.supplier == session.get(StudioPartner, buying.studio.vendor_id).name
    assert [r.quantity for r in po_receipts.list_receipts(session, buying.fin, po.id)] == [40]

    elsewhere = world.actor(make_user(session, world.org_a, roles=["operator"], plant_ids=[world.plant2]))
    lots_before = session.exec(select(func.count()).select_from(Lot)).one()
    with pytest.raises(NotFound):                              # to another plant's people, plant 1 does not exist
        _receive(session, elsewhere, po, 10, plant_id=world.plant1, product_id=steel)
    with pytest.raises(Forbidden):                             # confirming work without goods is finance's
        _receive(session, clerk, po, 10)
    with pytest.raises(Invalid) as refused:
        _receive(session, clerk, po, 10, plant_id=world.plant1)
    assert refused.value.fields == {"product_id": "Goods need both a product and a plant."}
    assert session.exec(select(func.count()).select_from(Lot)).one() == lots_before
    assert session.exec(select(func.count()).select_from(PoReceipt)).one() == 1


def test_another_organization_cannot_receive_or_read(session, world, buying):
    po = approved_po(session, buying, task_ids=[None], quantity=5)
    outsider = world.actor(world.admin_b)
    with pytest.raises(NotFound):
        _receive(session, outsider, po, 1)
    with pytest.raises(NotFound):
        po_receipts.list_receipts(session, outsider, po.id)
    with pytest.raises(NotFound):
        settlements.line_progress(session, outsider, po.id)
