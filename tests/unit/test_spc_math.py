"""Control limits and capability against hand-computed cases (Decimal: exact where no root is taken)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from services.quality import spc_math as m


def g(*values) -> list[D]:
    return [D(str(v)) for v in values]


def test_xbar_r_limits_by_hand():
    # means 10.1, 10.0, 10.2, 10.0 -> 10.075; ranges 0.2, 0.2, 0.3, 0.4 -> R-bar 0.275; n = 3: A2 1.023, D4 2.574
    limits = m.xbar_r_limits([g(10.0, 10.2, 10.1), g(9.9, 10.1, 10.0), g(10.1, 10.4, 10.1), g(9.8, 10.0, 10.2)])
    assert limits.primary.center == D("10.075")
    assert limits.primary.ucl == D("10.356325")          # 10.075 + 1.023 x 0.275
    assert limits.primary.lcl == D("9.793675")
    assert limits.primary.sigma == D("0.093775")          # 0.281325 / 3
    assert limits.secondary.center == D("0.275")
    assert limits.secondary.ucl == D("0.70785")           # 2.574 x 0.275
    assert limits.secondary.lcl == 0
    assert round(limits.sigma_within, 6) == D("0.162434")  # 0.275 / 1.693
    assert limits.subgroup_size == 3


def test_xbar_s_limits_by_hand():
    # means 10, 10, 11, 10 -> 10.25; s 1, 2, 1, 3 -> s-bar 1.75; n = 3: A3 1.954, B4 2.568, c4 0.8862
    limits = m.xbar_s_limits([g(9, 10, 11), g(8, 10, 12), g(10, 11, 12), g(7, 10, 13)])
    assert limits.primary.center == D("10.25")
    assert limits.primary.ucl == D("13.6695")             # 10.25 + 1.954 x 1.75
    assert limits.primary.lcl == D("6.8305")
    assert limits.secondary.center == D("1.75")
    assert limits.secondary.ucl == D("4.494")
    assert limits.secondary.lcl == 0
    assert round(limits.sigma_within, 6) == D("1.974724")  # 1.75 / 0.8862


def test_individuals_moving_range_by_hand():
    # mean 12; moving ranges 2, 1, 2, 1 -> 1.5; E2 2.660, D4(2) 3.267
    limits = m.imr_limits(g(10, 12, 11, 13, 14))
    assert limits.primary.center == 12
    assert limits.primary.ucl == D("15.99")
    assert limits.primary.lcl == D("8.01")
    assert limits.secondary.center == D("1.5")
    assert limits.secondary.ucl == D("4.9005")
    assert limits.secondary.lcl == 0
    assert round(limits.sigma_within, 6) == D("1.329787")  # 1.5 / 1.128


def test_p_chart_limits_by_hand():
    # 40 defectives in 400 -> p-bar 0.1; sigma at n = 100: sqrt(0.1 x 0.9 / 100) = 0.03
    limits = m.p_limits([(8, 100), (12, 100), (10, 100), (10, 100)])
    assert limits.primary == m.Limits(D("0.1"), D("0.19"), D("0.01"), D("0.03"))
    at_400 = m.p_limits_for(D("0.1"), 400)                 # sqrt(0.09 / 400) = 0.015
    assert (at_400.ucl, at_400.lcl, at_400.sigma) == (D("0.145"), D("0.055"), D("0.015"))
    assert m.p_limits_for(D("0.1"), 4).lcl == 0            # 0.1 - 0.45 clipped at 0
    with pytest.raises(ValueError):
        m.p_limits([(5, 4)])


def test_c_chart_limits_by_hand():
    assert m.c_limits([3, 5, 4, 4]).primary == m.Limits(D(4), D(10), D(0), D(2))   # LCL 4 - 6 clipped
    assert m.c_limits([16, 15, 17]).primary == m.Limits(D(16), D(28), D(4), D(4))


def test_capability_by_hand():
    values = g(8, 12, 8, 12, 10)        # mean 10, sample sigma sqrt(16 / 4) = 2
    cap = m.capability(values, lsl=D(4), usl=D(22), target=D("11.5"), sigma_within=D(1))
    assert cap.mean == 10 and cap.sigma_overall == 2
    assert cap.cp == 3                   # 18 / (6 x 1)
    assert cap.cpk == 2                  # min(12, 6) / (3 x 1)
    assert cap.pp == D("1.5")            # 18 / (6 x 2)
    assert cap.ppk == 1                  # 6 / (3 x 2)
    assert cap.cpm == D("1.2")           # 18 / (6 sqrt(4 + 1.5^2)) = 18 / 15


def test_capability_one_sided_and_without_within_sigma():
    cap = m.capability(g(8, 12, 8, 12, 10), lsl=None, usl=D(22), target=D(10), sigma_within=None)
    assert cap.cp is None and cap.cpk is None and cap.pp is None and cap.cpm is None
    assert cap.ppk == 2                  # (22 - 10) / (3 x 2)


def test_baselines_refuse_bad_shapes():
    with pytest.raises(ValueError):
        m.xbar_r_limits([g(1, 2), g(1, 2, 3)])
    with pytest.raises(ValueError):
        m.xbar_r_limits([])
    with pytest.raises(ValueError):
        m.imr_limits(g(1))
    with pytest.raises(ValueError):
        m.xbar_r_limits([g(1)])          # n = 1 has no constants
