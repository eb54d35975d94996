"""Fixtures shared by the service tests.

`world` builds tests/factories/org.py World: org A with plants 1 and 2, org B with one plant, admin.a,
admin.b, op.one (operator at plant 1) and planner.one (planner at plant 1).
"""
from __future__ import annotations

import uuid

import pytest

from tests.factories.fanout import PG_URL, REDIS_URL, pg_reachable, redis_reachable
from tests.factories.org import World
from tests.factories.shopfloor import make_floor


@pytest.fixture
def world(session) -> World:
    return World(session)


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=1000)


@pytest.fixture
def op(world):
    return world.actor(world.operator1)


@pytest.fixture
def viewer(world):
    return world.actor(world.planner1)           # planner: VIEW_DASHBOARDS at plant 1


@pytest.fixture(params=["redis", "postgres"])
def server(request):
    """(backend, url, a channel of this test's own)"""
    backend = request.param
    if backend == "redis":
        if not redis_reachable():
            pytest.skip(f"Redis not reachable at {REDIS_URL}")
        return backend, REDIS_URL, f"takt.test.{uuid.uuid4().hex}"
    if not pg_reachable():
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    return backend, PG_URL, f"takt_test_{uuid.uuid4().hex}"
