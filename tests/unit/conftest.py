"""Fixtures shared by the service tests.

`world` builds tests/factories.World: org A with plants 1 and 2, org B with one plant, admin.a,
admin.b, op.one (operator at plant 1) and planner.one (planner at plant 1).
"""
from __future__ import annotations

import pytest

from tests.factories import World


@pytest.fixture
def world(session) -> World:
    return World(session)
