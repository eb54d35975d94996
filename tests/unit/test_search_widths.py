"""Search finds full-width and half-width forms alike: what an IME types matches what is stored, both ways."""
from __future__ import annotations

import pytest

from models.catalog import Product
from services.core.db import transaction
from services.core.search import search_forms
from services.core.validation import like_pattern
from services.master.products import list_products
from services.org.users import list_users
from tests.factories.org import World


@pytest.mark.parametrize("typed, expected", [
    ("ＷＯ－０１２", ["wo-012", "ｗｏ－０１２", "ＷＯ－０１２"]),
    ("ｶﾞｽｹｯﾄ", ["ガスケット", "ｶﾞｽｹｯﾄ"]),
    ("  Bolt ", ["bolt", "ｂｏｌｔ", "ＢＯＬＴ"]),
    ("", []), ("   ", []),
])
def test_the_forms_of_a_search_term(typed, expected):
    assert search_forms(typed) == expected


def test_the_like_pattern_is_normalized_and_escaped():
    assert like_pattern("ＡＢ％_") == "%ab\\%\\_%"


@pytest.mark.parametrize("stored, typed", [
    ("GASKET-12", "ｇａｓｋｅｔ－１２"),      # full-width typed, ASCII stored
    ("ＦＷ－ＢＯＬＴ", "fw-bolt"),             # full-width stored, ASCII typed
    ("ｶﾞｽｹｯﾄ", "ガスケット"),                 # half-width katakana stored
    ("ガスケット", "ｶﾞｽｹｯﾄ"),                 # half-width katakana typed
    ("볼트 M8", "볼트 m8"),
])
def test_product_search_matches_either_width(session, stored, typed):
    world = World(session)
    with transaction(session):
        session.add(Product(organization_id=world.org_a, code="X-1", name=stored))
        session.add(Product(organization_id=world.org_a, code="Y-2", name="Unrelated"))
    found = list_products(session, world.actor(world.planner1), search=typed)
    assert [p.name for p in found] == [stored]


def test_user_search_matches_a_full_width_username(session):
    world = World(session)
    assert [u.username for u in list_users(session, world.actor(world.admin_a), search="ＯＰ．ＯＮＥ")] == ["op.one"]
