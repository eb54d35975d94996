from sqlmodel import select

from models.orders import Operation
from tests.factories.org import World
from tests.factories.production import make_line, make_work_order


def test_line_and_work_order_build_on_both_databases(session):
    w = World(session)
    line = make_line(session, w.org_a, w.plant1, w.dept1)
    wo_id, op_ids = make_work_order(session, w.org_a, w.plant1, line, quantity=50, machine_id=line.machine_ids[0])
    ops = session.exec(select(Operation).where(Operation.work_order_id == wo_id).order_by(Operation.sequence)).all()
    assert [o.id for o in ops] == op_ids
    assert [o.sequence for o in ops] == [10, 20]
    assert all(o.machine_id == line.machine_ids[0] for o in ops)
