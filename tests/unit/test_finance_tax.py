"""Tax rules: real rules as configuration (Korea 3 % + 0.3 %, Japan's tiered 10.21 / 20.42 %, VAT), rounding per
component, effective dates, validation; and a property test against an independent Decimal computation."""
from datetime import UTC, date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.finance import Rounding, TaxBase, TaxKind, TaxRule
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.messages import render, render_fields
from services.finance import tax_rules
from services.finance.money import round_money
from services.finance.tax_rules import ComponentInput, TaxRuleCreate, TierInput

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)

KR_FREELANCE = TaxRuleCreate(
    code="KR-WHT-3.3", name="Freelancer withholding (business income)", jurisdiction="KR", kind=TaxKind.WITHHOLDING,
    currency="KRW", effective_from=date(2024, 1, 1),
    components=[ComponentInput(name="Income tax", tiers=[TierInput(rate=Decimal("0.03"))], rounding=Rounding.TRUNCATE,
                               unit=Decimal(10)),
                ComponentInput(name="Local income tax", base="Income tax", tiers=[TierInput(rate=Decimal("0.1"))],
                               rounding=Rounding.TRUNCATE, unit=Decimal(10))])
JP_FEE = TaxRuleCreate(
    code="JP-WHT-FEE", name="源泉徴収 (報酬・料金)", jurisdiction="JP", kind=TaxKind.WITHHOLDING, currency="JPY",
    base=TaxBase.NET, effective_from=date(2013, 1, 1),
    components=[ComponentInput(name="Income tax", rounding=Rounding.TRUNCATE,
                               tiers=[TierInput(up_to=Decimal(1_000_000), rate=Decimal("0.1021")),
                                      TierInput(rate=Decimal("0.2042"))])])
JP_VAT = TaxRuleCreate(code="JP-CT-10", name="Consumption tax 10 %", jurisdiction="JP", kind=TaxKind.VAT, currency="JPY",
                       effective_from=date(2019, 10, 1),
                       components=[ComponentInput(name="Consumption tax", tiers=[TierInput(rate=Decimal("0.10"))],
                                                  rounding=Rounding.TRUNCATE)])


@pytest.fixture
def fin(world):
    return world.actor(world.admin_a)


def _create(session, actor, data):
    with transaction(session):
        return tax_rules.create_tax_rule(session, actor, data, now=NOW)


def test_korean_freelancer_withholding_shows_both_components(session, fin):
    rule = _create(session, fin, KR_FREELANCE)
    result = tax_rules.compute(rule, Decimal("1234567"))
    assert [(c.name, c.amount) for c in result.components] == [("Income tax", Decimal("37030")),
                                                                ("Local income tax", Decimal("3700"))]
    assert result.total == Decimal("40730")
    assert result.components[0].rounding == "truncated to 10 KRW"


def test_japanese_fee_is_tiered_and_excludes_stated_consumption_tax(session, fin):
    rule = _create(session, fin, JP_FEE)
    vat = _create(session, fin, JP_VAT)
    fee = Decimal("1500000")
    ct = tax_rules.compute(vat, fee).total
    assert ct == Decimal("150000")
    wht = tax_rules.compute(rule, fee, vat=ct)          # base NET: the consumption tax stays out
    # 1,000,000 x 10.21 % + 500,000 x 20.42 % = 102,100 + 102,100
    assert wht.base == fee and wht.total == Decimal("204200")
    assert wht.components[0].rates == "10.21 % up to 1000000, 20.42 % above"
    small = tax_rules.compute(rule, Decimal("33333"))
    assert small.total == Decimal("3403")               # 3,403.29 truncated to the yen


def test_rule_in_force_follows_effective_dates(session, fin):
    old = _create(session, fin, KR_FREELANCE)
    with transaction(session):
        tax_rules.end_tax_rule(session, fin, old.id, date(2027, 1, 1), now=NOW)
    newer = KR_FREELANCE.model_copy(update={"effective_from": date(2027, 1, 1), "name": "From 2027"})
    _create(session, fin, newer)
    assert tax_rules.rule_in_force(session, fin, "kr-wht-3.3", date(2026, 12, 31)).name.startswith("Freelancer")
    assert tax_rules.rule_in_force(session, fin, "KR-WHT-3.3", date(2027, 1, 1)).name == "From 2027"
    with pytest.raises(NotFound):
        tax_rules.rule_in_force(session, fin, "KR-WHT-3.3", date(2023, 12, 31))
    with pytest.raises(Conflict):
        _create(session, fin, KR_FREELANCE.model_copy(update={"effective_from": date(2026, 6, 1)}))


def test_validation_names_the_component_at_fault(session, fin):
    bad = KR_FREELANCE.model_copy(update={"currency": "KRW", "components": [
        ComponentInput(name="A", tiers=[TierInput(rate=Decimal("1.5"))]),
        ComponentInput(name="B", base="nope", tiers=[TierInput(rate=Decimal("0.1"))]),
        ComponentInput(name="C", tiers=[TierInput(up_to=Decimal(10), rate=Decimal("0.1")),
                                        TierInput(up_to=Decimal(5), rate=Decimal("0.2")), TierInput(rate=Decimal("0.3"))])]})
    with pytest.raises(Invalid) as exc:
        tax_rules.create_tax_rule(session, fin, bad, now=NOW)
    assert set(exc.value.fields) == {"components.0", "components.1", "components.2"}


def test_only_finance_and_only_own_organization(session, world, fin):
    rule = _create(session, fin, KR_FREELANCE)
    with pytest.raises(Forbidden):
        tax_rules.list_tax_rules(session, world.actor(world.planner1))
    other = world.actor(world.admin_b)
    assert tax_rules.list_tax_rules(session, other) == []
    with pytest.raises(NotFound):
        tax_rules.get_tax_rule(session, other, rule.id)
    with pytest.raises(NotFound):
        tax_rules.rule_in_force(session, other, "KR-WHT-3.3", date(2026, 1, 1))


rates = st.decimals(min_value=Decimal("0"), max_value=Decimal("0.5"), places=4)
amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000000"), places=2)


@settings(max_examples=200, deadline=None)
@given(amount=amounts, low=rates, high=rates, ceiling=st.integers(min_value=1, max_value=10_000_000),
       truncate=st.booleans(), currency=st.sampled_from(["KRW", "JPY", "EUR", "BDT"]))
def test_tiered_rounded_tax_matches_an_independent_computation(amount, low, high, ceiling, truncate, currency):
    rounding = Rounding.TRUNCATE if truncate else Rounding.HALF_UP
    rule = TaxRule(code="X", name="X", jurisdiction="XX", kind=TaxKind.WITHHOLDING, currency=currency,
                   effective_from=date(2020, 1, 1), organization_id=1,
                   components=[{"name": "T", "rounding": rounding.value, "base": "amount",
                                "tiers": [{"up_to": str(ceiling), "rate": str(low)}, {"up_to": None, "rate": str(high)}]}])
    exact = min(amount, Decimal(ceiling)) * low + max(Decimal(0), amount - ceiling) * high
    places = Decimal(1) if currency in ("KRW", "JPY") else Decimal("0.01")
    expected = exact.quantize(places, rounding=ROUND_DOWN if truncate else ROUND_HALF_UP)
    result = tax_rules.compute(rule, amount)
    assert result.total == expected == round_money(exact, currency, rounding)
    assert result.total == sum(c.amount for c in result.components)


def test_tax_rule_refusals_name_the_code_and_the_component_in_japanese_and_korean(session, fin):
    _create(session, fin, KR_FREELANCE)
    with pytest.raises(NotFound) as missing:
        tax_rules.rule_in_force(session, fin, "KR-WHT-3.3", date(2023, 12, 31))
    assert missing.value.message == "No tax rule KR-WHT-3.3 is in force on 2023-12-31."
    assert render(missing.value.message, "ja") == "2023-12-31 に有効な税ルール KR-WHT-3.3 はありません。"
    twice = KR_FREELANCE.model_copy(update={"code": "X-1", "components": [
        ComponentInput(name="Income tax", tiers=[TierInput(rate=Decimal("0.03"))]),
        ComponentInput(name="Income tax", tiers=[TierInput(rate=Decimal("0.01"))])]})
    with pytest.raises(Invalid) as exc:
        tax_rules.create_tax_rule(session, fin, twice, now=NOW)
    assert render_fields(exc.value.fields, "ko") == {"components.1": "이름이 Income tax인 구성 요소가 두 개 있습니다."}
