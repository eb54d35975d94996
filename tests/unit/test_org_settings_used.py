"""The organization settings that other services read: the default currency (purchase orders given none, standard
costs, the cost of poor quality), the number format (services/core/formats.py and the profile the doors set it
from) and the unit system (the units a product form offers)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from services.core import formats
from services.core.db import transaction
from services.core.errors import Invalid
from services.master import products
from services.org import profile, settings
from services.org.settings import SettingsUpdate
from services.quality import dashboard
from tests.conftest import T0
from tests.factories.finance import make_buying, make_po


def _set(session, world, **values):
    with transaction(session):
        settings.update_settings(session, world.actor(world.admin_a), SettingsUpdate(**values), now=T0)


@pytest.mark.parametrize("fmt, plain, eur, pct", [
    (None, "1,234,567.89", "€1,234.50", "85.3%"),
    ("1,234.56", "1,234,567.89", "€1,234.50", "85.3%"),
    ("1.234,56", "1.234.567,89", "€1.234,50", "85,3%"),
    ("1 234,56", "1\u00a0234\u00a0567,89", "€1\u00a0234,50", "85,3%"),
    ("1'234.56", "1'234'567.89", "€1'234.50", "85.3%"),
])
def test_numbers_follow_the_organizations_number_format(fmt, plain, eur, pct):
    with formats.use_number_format(fmt):
        assert formats.number_format() == fmt
        assert formats.number(Decimal("1234567.891"), "en", decimals=2) == plain
        assert formats.money(Decimal("1234.5"), "EUR", "en") == eur
        assert formats.percent(Decimal("0.853"), "en") == pct
        assert formats.amount(Decimal("1234.5"), "EUR", "en") == eur.lstrip("€")
    assert formats.number_format() is None and formats.number(Decimal("1234.5"), "en", decimals=2) == "1,234.50"


def test_the_profile_carries_the_organizations_number_format(session, world):
    me = world.actor(world.planner1)
    assert profile.get_profile(session, me).number_format is None
    _set(session, world, number_format="1.234,56")
    assert profile.get_profile(session, me).number_format == "1.234,56"
    assert profile.get_profile(session, world.actor(world.admin_b)).number_format is None


def test_a_purchase_order_without_a_currency_is_in_the_organizations(session, world):
    buying = make_buying(session, world)           # Korean withholding rule, in KRW
    with pytest.raises(Invalid) as refused:        # the default currency, EUR, has no such rule
        make_po(session, buying, currency=None, vat_rule_code="")
    assert "withholding_rule_code" in refused.value.fields
    _set(session, world, currency="KRW")
    assert make_po(session, buying, currency=None, vat_rule_code="", task_ids=[None]).currency == "KRW"
    _set(session, world, currency="USD")
    assert make_po(session, buying, currency="KRW", task_ids=[None]).currency == "KRW"     # a given currency stands


def test_standard_costs_and_the_cost_of_poor_quality_are_in_the_default_currency(session, world):
    planner = world.actor(world.planner1)
    assert products.cost_currency(session, planner) == "EUR"
    _set(session, world, currency="JPY")
    assert products.cost_currency(session, planner) == "JPY"
    assert products.cost_currency(session, world.actor(world.admin_b)) == "EUR"
    end = datetime(2026, 3, 2, tzinfo=UTC)
    view = dashboard.overview(session, world.actor(world.admin_a), plant_id=world.plant1, start=end - timedelta(days=7),
                              end=end, now=end)
    assert view.currency == "JPY"


def test_product_forms_offer_the_units_of_the_organizations_system(session, world):
    planner = world.actor(world.planner1)
    metric = products.offered_units(session, planner)
    assert metric[0] == "pcs" and "kg" in metric and "lb" not in metric
    _set(session, world, units="imperial")
    imperial = products.offered_units(session, planner)
    assert imperial[0] == "pcs" and "lb" in imperial and "kg" not in imperial
    assert "kg" in products.offered_units(session, world.actor(world.admin_b))
