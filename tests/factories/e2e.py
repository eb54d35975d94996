"""Data for the browser tests, written straight into the app's database (its URL, not the test session):
a machine of the demo operator's plant with one released job."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session, select

from models.base import utcnow
from models.catalog import Product, ProductType
from models.orders import Operation, WorkOrder, WorkStatus
from models.organization import Department, Plant
from models.resources import Machine, WorkCenter
from services.core.db import make_engine, transaction


@dataclass
class Seeded:
    machine_id: int
    code: str
    operation_id: int
    work_order_id: int


def seed_job(database_url: str, code: str, quantity: int = 20) -> Seeded:
    """A machine of the demo operator's plant (Berlin), in a work center of its own, with one released job."""
    engine = make_engine(database_url)
    now = utcnow()
    try:
        with Session(engine, expire_on_commit=False) as s, transaction(s):
            plant = s.exec(select(Plant).where(Plant.code == "BER")).one()
            org = plant.organization_id
            department = s.exec(select(Department).where(Department.plant_id == plant.id)
                                .order_by(Department.id)).first()
            wc = WorkCenter(organization_id=org, plant_id=plant.id, department_id=department.id, code=f"WC-{code}",
                            name=f"Phone test {code}")               # its own: no other test's queues change
            s.add(wc)
            s.flush()
            product = s.exec(select(Product).where(Product.organization_id == org,
                                                   Product.type == ProductType.FINISHED).order_by(Product.id)).first()
            machine = Machine(organization_id=org, plant_id=plant.id, department_id=wc.department_id,
                              work_center_id=wc.id, code=code, name=f"Phone test {code}")
            s.add(machine)
            s.flush()
            wo = WorkOrder(organization_id=org, plant_id=plant.id, number=f"WO-{code}", product_id=product.id,
                           quantity=quantity, status=WorkStatus.RELEASED, released_at=now)
            s.add(wo)
            s.flush()
            op = Operation(organization_id=org, plant_id=plant.id, work_order_id=wo.id, sequence=10, name="Assemble",
                           work_center_id=wc.id, machine_id=machine.id, queue_position=1, status=WorkStatus.RELEASED,
                           quantity=quantity, setup_seconds=0, ideal_cycle_seconds=Decimal("60"), planned_start=now,
                           planned_end=now + timedelta(minutes=quantity))
            s.add(op)
            s.flush()
            return Seeded(machine_id=machine.id, code=code, operation_id=op.id, work_order_id=wo.id)
    finally:
        engine.dispose()
