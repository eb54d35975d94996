"""The constants table re-derived from the normal distribution: a typo in a printed value fails here."""
from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from services.quality.spc_constants import CONSTANTS, constants

_X = np.linspace(-12.0, 12.0, 96001)
_PHI = 0.5 * (1.0 + np.array([math.erf(v / math.sqrt(2.0)) for v in _X]))


def d2_of(n: int) -> float:
    """Expected range of n standard normal values: the integral of 1 - F^n - (1 - F)^n."""
    return float(np.trapezoid(1.0 - _PHI ** n - (1.0 - _PHI) ** n, _X))


def c4_of(n: int) -> float:
    return math.sqrt(2.0 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))


@pytest.mark.parametrize("n", range(2, 26))
def test_every_column_agrees_with_its_definition(n):
    k = constants(n)
    c4, d2 = c4_of(n), d2_of(n)
    assert float(k.c4) == pytest.approx(c4, abs=0.00006)
    assert float(k.d2) == pytest.approx(d2, abs=0.0006)
    assert float(k.A2) == pytest.approx(3 / (d2 * math.sqrt(n)), abs=0.0011)
    assert float(k.A3) == pytest.approx(3 / (c4 * math.sqrt(n)), abs=0.0011)
    spread = 3 * math.sqrt(1 - c4 * c4) / c4
    assert float(k.B3) == pytest.approx(max(0.0, 1 - spread), abs=0.0011)
    assert float(k.B4) == pytest.approx(1 + spread, abs=0.0011)
    assert float(k.E2) == pytest.approx(3 / float(k.d2), abs=0.0006)     # published as 3 / (printed d2)
    ratio = 3 * float(k.d3) / float(k.d2)          # d3 is printed to 3 places: D3/D4 agree to 0.002
    assert float(k.D3) == pytest.approx(max(0.0, 1 - ratio), abs=0.002)
    assert float(k.D4) == pytest.approx(1 + ratio, abs=0.002)


def test_table_covers_2_to_25_and_refuses_the_rest():
    assert sorted(CONSTANTS) == list(range(2, 26))
    assert str(constants(5).A2) == "0.577" and str(constants(2).D4) == "3.267" and str(constants(2).E2) == "2.660"
    for n in (1, 26):
        with pytest.raises(ValueError):
            constants(n)


@pytest.mark.parametrize("n", range(2, 26))
def test_the_exact_d2_d3_c4_agree_with_their_definitions_and_round_to_the_printed_table(n):
    from services.quality.spc_constants import c4, d2, d3
    assert float(d2(n)) == pytest.approx(d2_of(n), abs=2e-7)
    assert float(c4(n)) == pytest.approx(c4_of(n), abs=1e-12)
    k = constants(n)
    assert abs(d2(n) - k.d2) <= Decimal("0.0005") and abs(d3(n) - k.d3) <= Decimal("0.0006")   # d3(19) = 0.73348..
    assert abs(c4(n) - k.c4) <= Decimal("0.00005")


def test_d2_and_d3_of_two_are_closed_forms():
    from services.quality.spc_constants import d2, d3
    assert float(d2(2)) == pytest.approx(2 / math.sqrt(math.pi), abs=1e-15)
    assert float(d3(2)) == pytest.approx(math.sqrt(2 - 4 / math.pi), abs=1e-15)
    assert 3 / d2(2) != constants(2).E2          # the reason: 2.6587 is not 2.660
