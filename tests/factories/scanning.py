"""Scanning test data on top of tests/factories/trace.py: received lots, locations, open shipments,
station actors. Every helper is its own unit of work through the traceability services."""
from __future__ import annotations

import uuid

from sqlmodel import Session

from models.base import utcnow
from models.lots import Location, Lot
from services.core.db import transaction
from services.org.api_tokens import ApiTokenCreate, create_api_token
from services.org.auth import actor_for_token
from services.trace import labels, lots, shipments
from tests.conftest import T0
from tests.factories.production import add
from tests.factories.trace import make_order


def station_token(session: Session, tw, plant_id: int | None = None) -> str:
    with transaction(session):
        return create_api_token(session, tw.admin, ApiTokenCreate(
            plant_id=plant_id or tw.world.plant1, name=f"Dock {uuid.uuid4().hex[:6]}", kind="station"), now=utcnow()).token


def station(session: Session, tw, plant_id: int | None = None):
    return actor_for_token(session, station_token(session, tw, plant_id), now=T0)


def receive_lot(session: Session, tw, product_id: int, quantity: int, *, location_id: int | None = None) -> Lot:
    with transaction(session):
        read = lots.receive(session, tw.admin, lots.ReceiptCreate(
            plant_id=tw.world.plant1, product_id=product_id, quantity=quantity, supplier="Acme Steel",
            supplier_lot_ref=f"S-{uuid.uuid4().hex[:6]}", location_id=location_id), now=T0)
    return session.get(Lot, read.id)


def make_location(session: Session, tw, code: str = "RACK-1", plant_id: int | None = None) -> int:
    with transaction(session):
        return add(session, Location(organization_id=tw.world.org_a, plant_id=plant_id or tw.world.plant1,
                                     code=code, name="Rack")).id


def make_shipment(session: Session, tw, product_id: int, quantity: int, *, customer: int = 0) -> int:
    [line_id] = make_order(session, tw, tw.customers[customer], [(product_id, quantity)])
    with transaction(session):
        return shipments.create_shipment(session, tw.admin, shipments.ShipmentCreate(
            plant_id=tw.world.plant1, lines=[shipments.ShipmentLineInput(order_line_id=line_id)]), now=T0).id


def payload(session: Session, tw, kind: str, object_id: int) -> str:
    return labels.label_for(session, tw.admin, kind, object_id).payload
