"""Run rules on a control chart, evaluated for the newest point.

A point is `(value, center, sigma)`: its own centre line and zone width, so charts whose limits
vary per point (a p chart with varying sample sizes) are judged correctly. Zones: A is beyond
2 sigma, B beyond 1 sigma, C within 1 sigma of the centre line; "beyond 3 sigma" is outside the
control limits.

`violations(points, ruleset)` returns the rules broken by the LAST point, and a rule counts only
when that point is part of the pattern (the point that completes it), so a pattern raises one
alert, not one per later point. Rules are numbered as in their sources:

Western Electric (1956 handbook):
  1 one point beyond 3 sigma;
  2 two of three consecutive points beyond 2 sigma, same side;
  3 four of five consecutive points beyond 1 sigma, same side;
  4 eight consecutive points on the same side of the centre line.
Nelson (1984):
  1 one point beyond 3 sigma;  2 nine points in a row on the same side;
  3 six points in a row steadily increasing or decreasing;  4 fourteen points in a row alternating
  up and down;  5 two of three beyond 2 sigma, same side;  6 four of five beyond 1 sigma, same
  side;  7 fifteen points in a row within 1 sigma;  8 eight points in a row beyond 1 sigma, on
  either side.
A point exactly on a boundary is not beyond it; a point exactly on the centre line is on neither
side (it breaks a same-side run).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

ZERO = Decimal(0)


class RuleSet(StrEnum):
    WESTERN_ELECTRIC = "western_electric"
    NELSON = "nelson"


@dataclass(frozen=True)
class Point:
    value: Decimal
    center: Decimal
    sigma: Decimal

    @property
    def z(self) -> Decimal:
        """Distance from the centre in zone widths (sign = side); infinite when sigma is 0."""
        if self.sigma > 0:
            return (self.value - self.center) / self.sigma
        if self.value == self.center:
            return ZERO
        return Decimal("Infinity") if self.value > self.center else Decimal("-Infinity")


@dataclass(frozen=True)
class Violation:
    ruleset: RuleSet
    rule: int
    description: str


def _side(p: Point) -> int:
    z = p.z
    return 1 if z > 0 else -1 if z < 0 else 0


def _beyond(p: Point, k: int, side: int) -> bool:
    return p.z * side > k


def _k_of_m_beyond(points: Sequence[Point], k: int, m: int, zone: int) -> bool:
    """k of the last m points beyond `zone` sigma on the newest point's side (newest included)."""
    last = points[-1]
    side = _side(last)
    if side == 0 or len(points) < k or not _beyond(last, zone, side):
        return False
    window = points[-m:]
    return sum(1 for p in window if _beyond(p, zone, side)) >= k


def _run_same_side(points: Sequence[Point], length: int) -> bool:
    if len(points) < length:
        return False
    side = _side(points[-1])
    return side != 0 and all(_side(p) == side for p in points[-length:])


def _beyond_3(points: Sequence[Point]) -> bool:
    last = points[-1]
    return abs(last.z) > 3


def _trend(points: Sequence[Point], length: int) -> bool:
    if len(points) < length:
        return False
    values = [p.value for p in points[-length:]]
    steps = list(pairwise(values))
    return all(b > a for a, b in steps) or all(b < a for a, b in steps)


def _alternating(points: Sequence[Point], length: int) -> bool:
    if len(points) < length:
        return False
    values = [p.value for p in points[-length:]]
    diffs = [b - a for a, b in pairwise(values)]
    if any(d == 0 for d in diffs):
        return False
    return all((d1 > 0) != (d2 > 0) for d1, d2 in pairwise(diffs))


def _all_within_1(points: Sequence[Point], length: int) -> bool:
    return len(points) >= length and all(abs(p.z) <= 1 for p in points[-length:])


def _all_outside_1(points: Sequence[Point], length: int) -> bool:
    return len(points) >= length and all(abs(p.z) > 1 for p in points[-length:])


Check = Callable[[Sequence[Point]], bool]

RULES: dict[RuleSet, list[tuple[int, str, Check]]] = {
    RuleSet.WESTERN_ELECTRIC: [
        (1, "One point beyond the 3-sigma control limits", _beyond_3),
        (2, "Two of three consecutive points beyond 2 sigma on the same side", lambda p: _k_of_m_beyond(p, 2, 3, 2)),
        (3, "Four of five consecutive points beyond 1 sigma on the same side", lambda p: _k_of_m_beyond(p, 4, 5, 1)),
        (4, "Eight consecutive points on the same side of the centre line", lambda p: _run_same_side(p, 8)),
    ],
    RuleSet.NELSON: [
        (1, "One point beyond the 3-sigma control limits", _beyond_3),
        (2, "Nine points in a row on the same side of the centre line", lambda p: _run_same_side(p, 9)),
        (3, "Six points in a row steadily increasing or decreasing", lambda p: _trend(p, 6)),
        (4, "Fourteen points in a row alternating up and down", lambda p: _alternating(p, 14)),
        (5, "Two of three consecutive points beyond 2 sigma on the same side", lambda p: _k_of_m_beyond(p, 2, 3, 2)),
        (6, "Four of five consecutive points beyond 1 sigma on the same side", lambda p: _k_of_m_beyond(p, 4, 5, 1)),
        (7, "Fifteen points in a row within 1 sigma of the centre line", lambda p: _all_within_1(p, 15)),
        (8, "Eight points in a row beyond 1 sigma, on either side", lambda p: _all_outside_1(p, 8)),
    ],
}

LONGEST_PATTERN = 15     # how many trailing points a caller must pass to evaluate every rule


def violations(points: Sequence[Point], ruleset: RuleSet = RuleSet.WESTERN_ELECTRIC) -> list[Violation]:
    """The rules of `ruleset` broken by the newest point of `points` (oldest first)."""
    if not points:
        return []
    return [Violation(ruleset, number, text) for number, text, check in RULES[ruleset] if check(points)]


def beyond_limits(value: Decimal, ucl: Decimal, lcl: Decimal) -> bool:
    """Rule 1 on the dispersion charts (R, S, MR), whose limits are not symmetric."""
    return value > ucl or value < lcl
