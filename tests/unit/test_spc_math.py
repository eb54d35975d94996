"""Control limits and capability against hand-computed cases (Decimal: exact where no root is taken)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from services.quality import spc_math as m


def g(*values) -> list[D]:
    return [D(str(v)) for v in values]


def r6(value: D) -> D:
    return round(value, 6)


def test_xbar_r_limits_by_hand():
    # means 10.1, 10.0, 10.2, 10.0 -> 10.075; ranges 0.2, 0.2, 0.3, 0.4 -> R-bar 0.275; n = 3: d2 1.6925688,
    # d3 0.88837: sigma within 0.275 / 1.6925688 = 0.162475; X-bar sigma 0.162475 / sqrt 3 = 0.093805
    limits = m.xbar_r_limits([g(10.0, 10.2, 10.1), g(9.9, 10.1, 10.0), g(10.1, 10.4, 10.1), g(9.8, 10.0, 10.2)])
    assert limits.primary.center == D("10.075")
    assert r6(limits.sigma_within) == D("0.162475")
    assert (r6(limits.primary.ucl), r6(limits.primary.lcl), r6(limits.primary.sigma)) == (
        D("10.356415"), D("9.793585"), D("0.093805"))           # 10.075 +- 3 x 0.093805 (table A2 gave 10.356325)
    assert limits.secondary.center == D("0.275")
    assert r6(limits.secondary.ucl) == D("0.708014")              # 0.275 + 3 x 0.88837 x 0.162475
    assert limits.secondary.lcl == 0
    assert limits.subgroup_size == 3


def test_xbar_s_limits_by_hand():
    # means 10, 10, 11, 10 -> 10.25; s 1, 2, 1, 3 -> s-bar 1.75; n = 3: c4 = sqrt(pi) / 2 = 0.886227
    limits = m.xbar_s_limits([g(9, 10, 11), g(8, 10, 12), g(10, 11, 12), g(7, 10, 13)])
    assert limits.primary.center == D("10.25")
    assert r6(limits.sigma_within) == D("1.974664")               # 1.75 / 0.886227 (table c4 0.8862: 1.974724)
    assert (r6(limits.primary.ucl), r6(limits.primary.lcl)) == (D("13.670218"), D("6.829782"))
    assert limits.secondary.center == D("1.75")
    assert r6(limits.secondary.ucl) == D("4.494297")              # 1.75 + 3 x 1.974664 x sqrt(1 - c4^2)
    assert limits.secondary.lcl == 0


def test_individuals_moving_range_limits_agree_with_sigma_within():
    # mean 12; moving ranges 2, 1, 2, 1 -> MR-bar 1.5; d2(2) = 2 / sqrt(pi): sigma within = 0.75 sqrt(pi) = 1.329340;
    # limits 12 +- 3 x 1.329340 (the rounded E2 = 2.660 gave 15.99 / 8.01, 3.99 away, not 3 x sigma within)
    limits = m.imr_limits(g(10, 12, 11, 13, 14))
    assert limits.primary.center == 12
    assert r6(limits.sigma_within) == D("1.329340") == r6(limits.primary.sigma)
    assert (r6(limits.primary.ucl), r6(limits.primary.lcl)) == (D("15.988021"), D("8.011979"))
    assert abs(limits.primary.ucl - limits.primary.center - 3 * limits.sigma_within) < D("1e-20")
    assert limits.secondary.center == D("1.5")
    assert r6(limits.secondary.ucl) == D("4.899798")             # 1.5 (1 + 3 d3(2) / d2(2)), d3(2) = sqrt(2 - 4/pi)
    assert limits.secondary.lcl == 0


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
    cap = m.capability(values, lsl=D(4), usl=D(22), target=D("11.5"), sigma_within=D(2))
    assert cap.mean == 10 and cap.sigma_overall == 2
    assert cap.cp == D("1.5")            # 18 / (6 x 2)
    assert cap.cpk == 1                  # min(12, 6) / (3 x 2)
    assert cap.pp == D("1.5")            # 18 / (6 x 2)
    assert cap.ppk == 1                  # 6 / (3 x 2)
    assert cap.cpm == D("1.2")           # 18 / (6 sqrt(2^2 + 1.5^2)) = 18 / 15
    within = m.capability(values, lsl=D(4), usl=D(22), target=D("11.5"), sigma_within=D(1))
    assert (within.cp, within.cpk, within.pp) == (3, 2, D("1.5"))
    assert within.cpm == D(18) / (6 * D("3.25").sqrt())        # sigma WITHIN 1, not the overall 2: 1.664101
    assert round(within.cpm, 6) == D("1.664101")


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
    with pytest.raises(ValueError):
        m.xbar_r_limits([g(*range(26))])
