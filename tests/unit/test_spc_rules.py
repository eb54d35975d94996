"""Every run rule with a sequence that triggers it on its last point and one that just does not."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from services.quality.spc_rules import Point, RuleSet, beyond_limits, violations

WE, NELSON = RuleSet.WESTERN_ELECTRIC, RuleSet.NELSON


def pts(*zs) -> list[Point]:
    """Points on a chart with centre 10 and sigma 2, given as z values."""
    return [Point(D(10) + D(str(z)) * 2, D(10), D(2)) for z in zs]


def broken(zs, ruleset=WE) -> set[int]:
    return {v.rule for v in violations(pts(*zs), ruleset)}


WESTERN_ELECTRIC_CASES = [
    # rule, triggers, just does not
    (1, [0, 0, 3.01], [0, 0, 3]),                              # exactly on the limit is not beyond
    (1, [0, -3.5], [0, -2.99]),
    (2, [2.5, 0, 2.1], [2.5, 0, -2.1]),                        # the other side does not count
    (2, [-2.1, -2.2], [2.5, 0, 0, 2.1]),                       # only one in the last three
    (3, [1.5, 1.2, 0.5, 1.1, 1.3], [1.5, 1.2, 0.5, 0.9, 1.3]),
    (4, [0.5] * 8, [-0.5] + [0.5] * 7),
    (4, [-0.1] * 8, [-0.1] * 7 + [0]),                          # on the centre line breaks the run
]


@pytest.mark.parametrize("rule, triggers, does_not", WESTERN_ELECTRIC_CASES)
def test_western_electric(rule, triggers, does_not):
    assert rule in broken(triggers)
    assert rule not in broken(does_not)


def test_a_pattern_alerts_once_on_the_point_that_completes_it():
    assert 2 not in broken([2.5, 2.1, 0])       # flagged at 2.1; the newest point is not part of it
    assert 3 not in broken([1.5, 1.2, 1.1, 1.3, 0.2])


NELSON_CASES = [
    (1, [0, 3.2], [0, 3]),
    (2, [0.3] * 9, [-0.3] + [0.3] * 8),
    (3, [-1, -0.5, 0, 0.5, 1, 1.5], [-1, -0.5, 0, 0.5, 1, 1]),      # a flat step breaks the trend
    (3, [1.5, 1, 0.5, 0, -0.5, -1], [1, 1, 0.5, 0, -0.5, -1]),
    (4, [0.5, -0.5] * 7, [0.5, 0.5] + [0.5, -0.5] * 6),             # 14 alternating vs 13
    (5, [2.5, 0, 2.1], [2.5, 0, 1.9]),
    (6, [-1.5, -1.2, 0, -1.1, -1.3], [-1.5, -1.2, 0, -1.1, -1]),
    (7, [0.5, -0.5, 0.2] * 5, [1.2] + [0.5, -0.5] * 7),
    (8, [1.5, -1.5] * 4, [0.9] + [1.5, -1.5] * 3 + [1.5]),
]


@pytest.mark.parametrize("rule, triggers, does_not", NELSON_CASES)
def test_nelson(rule, triggers, does_not):
    assert rule in broken(triggers, NELSON)
    assert rule not in broken(does_not, NELSON)


def test_each_ruleset_names_its_rules():
    found = violations(pts(0, 3.5), NELSON)
    assert [(v.ruleset, v.rule) for v in found] == [(NELSON, 1)]
    assert "3-sigma" in found[0].description
    assert violations([], WE) == []


def test_varying_limits_judge_each_point_by_its_own_sigma():
    # a p chart point of 0.18 is beyond 3 sigma at n = 400 (sigma 0.015) but not at n = 100 (sigma 0.03)
    assert broken_points([Point(D("0.18"), D("0.1"), D("0.015"))]) == {1}
    assert broken_points([Point(D("0.18"), D("0.1"), D("0.03"))]) == set()


def broken_points(points) -> set[int]:
    return {v.rule for v in violations(points, WE)}


def test_zero_sigma_counts_any_departure_as_beyond():
    assert broken_points([Point(D(1), D(0), D(0))]) == {1}
    assert broken_points([Point(D(0), D(0), D(0))]) == set()


def test_dispersion_charts_use_their_limits():
    assert beyond_limits(D("0.71"), D("0.70785"), D(0))
    assert not beyond_limits(D("0.70785"), D("0.70785"), D(0))
