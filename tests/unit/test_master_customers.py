
"""Customers: validation, uniqueness, search, deactivation, isolation."""
import pytest

from models.base import utcnow
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.master import customers
from services.master.customers import CustomerCreate, CustomerUpdate
from tests.factories.db import committed


@pytest.fixture
def planner(world):
    return world.actor(world.planner1)


def _customer(session, actor, code, **kw):
    return committed(session, customers.create_customer, actor, CustomerCreate(code=code, name=kw.pop("name", f"{code} Ltd"), **kw),
                     now=utcnow())


def test_create_update_and_search(world, session, planner, captured_events):
    c = _customer(session, planner, "acme", email=" buyer@acme.example ", phone="+49 30 1234")
    assert (c.code, c.email, c.phone, c.is_active) == ("ACME", "buyer@acme.example", "+49 30 1234", True)
    _customer(session, planner, "GLOBEX", name="Globex Corp")
    assert [x.code for x in customers.list_customers(session, planner, search="globex")] == ["GLOBEX"]
    assert [x.code for x in customers.list_customers(session, planner, search="buyer@")] == ["ACME"]
    updated = committed(session, customers.update_customer, planner, c.id, CustomerUpdate(email="", address="Main St 1"), now=utcnow())
    assert (updated.email, updated.address, updated.phone) == (None, "Main St 1", "+49 30 1234")
    assert captured_events[-1].payload["fields"] == ["address", "email"]


def test_validation_and_uniqueness(world, session, planner):
    with pytest.raises(Invalid) as exc:
        customers.create_customer(session, planner, CustomerCreate(code="no spaces", name="", email="not-an-email"), now=utcnow())
    assert set(exc.value.fields) == {"code", "name", "email"}
    _customer(session, planner, "ACME")
    with pytest.raises(Conflict):
        _customer(session, planner, "Acme")


def test_deactivate_hides_from_default_list(world, session, planner):
    c = _customer(session, planner, "ACME")
    committed(session, customers.set_customer_active, planner, c.id, False, now=utcnow())
    assert customers.list_customers(session, planner) == []
    assert [x.code for x in customers.list_customers(session, planner, active=None)] == ["ACME"]


def test_permissions_and_isolation(world, session, planner):
    c = _customer(session, planner, "ACME")
    with pytest.raises(Forbidden):
        customers.create_customer(session, world.actor(world.operator1), CustomerCreate(code="X", name="X"), now=utcnow())
    admin_b = world.actor(world.admin_b)
    assert customers.list_customers(session, admin_b) == []
    with pytest.raises(NotFound):
        customers.get_customer(session, admin_b, c.id)
    with pytest.raises(NotFound):
        customers.set_customer_active(session, admin_b, c.id, False, now=utcnow())
