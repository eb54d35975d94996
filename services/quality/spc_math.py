"""SPC maths as pure functions: control limits, chart points, process capability.

Numbers: everything is `Decimal` (28 significant digits, the default context). Measurements are
entered as decimals, the constants table is the printed decimal table, so means, ranges and limits
are exact and tests compare them with `==` against hand-computed values; only square roots
(standard deviations, p/c limits, capability indices) are rounded, to 28 digits. Plotting converts
to float at the edge.

Limits come from a baseline: a list of subgroups (lists of measurements; for p charts
(defectives, inspected) pairs; for c charts defect counts). The same limits are then applied to
every later point, so a run after the baseline can be judged against the process as it was.

- X-bar/R: CL = mean of subgroup means, UCL/LCL = CL +- A2 R-bar; R chart D3 R-bar .. D4 R-bar.
  sigma within = R-bar / d2.
- X-bar/S: CL +- A3 s-bar; S chart B3 s-bar .. B4 s-bar; sigma within = s-bar / c4.
- Individuals/moving range: CL +- E2 MR-bar (MR of 2 consecutive values); MR chart 0 .. D4(2) MR-bar;
  sigma within = MR-bar / d2(2).
- p: p-bar = total defectives / total inspected; limits per point p-bar +- 3 sqrt(p-bar (1 - p-bar) / n_i),
  clipped to [0, 1].
- c: c-bar +- 3 sqrt(c-bar), LCL clipped at 0.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from services.quality.spc_constants import constants

ZERO = Decimal(0)
ONE = Decimal(1)
THREE = Decimal(3)
SIX = Decimal(6)


class ChartType(StrEnum):
    XBAR_R = "xbar_r"
    XBAR_S = "xbar_s"
    I_MR = "i_mr"
    P = "p"
    C = "c"


VARIABLE_CHARTS = frozenset({ChartType.XBAR_R, ChartType.XBAR_S, ChartType.I_MR})


@dataclass(frozen=True)
class Limits:
    """Limits of one chart: centre line and the 3-sigma limits; `sigma` is one zone width
    ((UCL - CL) / 3 before any clipping), used by the run rules."""
    center: Decimal
    ucl: Decimal
    lcl: Decimal
    sigma: Decimal


@dataclass(frozen=True)
class ChartLimits:
    chart_type: ChartType
    primary: Limits                      # X-bar, individuals, p (at the baseline's mean n) or c
    secondary: Limits | None             # R, S or moving range; None for attribute charts
    sigma_within: Decimal | None         # estimate of the process sigma (variable charts)
    subgroup_size: int


def mean(values: Sequence[Decimal]) -> Decimal:
    if not values:
        raise ValueError("mean of no values")
    return sum(values, ZERO) / len(values)


def value_range(values: Sequence[Decimal]) -> Decimal:
    return max(values) - min(values)


def stdev(values: Sequence[Decimal]) -> Decimal:
    """Sample standard deviation (n - 1 in the denominator)."""
    if len(values) < 2:
        raise ValueError("a standard deviation needs at least two values")
    m = mean(values)
    return (sum(((v - m) ** 2 for v in values), ZERO) / (len(values) - 1)).sqrt()


def moving_ranges(values: Sequence[Decimal]) -> list[Decimal]:
    return [abs(b - a) for a, b in pairwise(values)]


def _check_subgroups(subgroups: Sequence[Sequence[Decimal]], n: int) -> None:
    if not subgroups:
        raise ValueError("the baseline has no subgroups")
    for group in subgroups:
        if len(group) != n:
            raise ValueError(f"every subgroup must hold {n} values")


def xbar_r_limits(subgroups: Sequence[Sequence[Decimal]]) -> ChartLimits:
    n = len(subgroups[0]) if subgroups else 0
    _check_subgroups(subgroups, n)
    k = constants(n)
    xbarbar = mean([mean(g) for g in subgroups])
    rbar = mean([value_range(g) for g in subgroups])
    half = k.A2 * rbar
    primary = Limits(xbarbar, xbarbar + half, xbarbar - half, half / THREE)
    secondary = Limits(rbar, k.D4 * rbar, k.D3 * rbar, (k.D4 * rbar - rbar) / THREE)
    return ChartLimits(ChartType.XBAR_R, primary, secondary, rbar / k.d2, n)


def xbar_s_limits(subgroups: Sequence[Sequence[Decimal]]) -> ChartLimits:
    n = len(subgroups[0]) if subgroups else 0
    _check_subgroups(subgroups, n)
    k = constants(n)
    xbarbar = mean([mean(g) for g in subgroups])
    sbar = mean([stdev(g) for g in subgroups])
    half = k.A3 * sbar
    primary = Limits(xbarbar, xbarbar + half, xbarbar - half, half / THREE)
    secondary = Limits(sbar, k.B4 * sbar, k.B3 * sbar, (k.B4 * sbar - sbar) / THREE)
    return ChartLimits(ChartType.XBAR_S, primary, secondary, sbar / k.c4, n)


def imr_limits(values: Sequence[Decimal]) -> ChartLimits:
    if len(values) < 2:
        raise ValueError("an individuals chart needs at least two baseline values")
    k = constants(2)
    xbar = mean(values)
    mrbar = mean(moving_ranges(values))
    half = k.E2 * mrbar
    primary = Limits(xbar, xbar + half, xbar - half, half / THREE)
    secondary = Limits(mrbar, k.D4 * mrbar, ZERO, (k.D4 * mrbar - mrbar) / THREE)
    return ChartLimits(ChartType.I_MR, primary, secondary, mrbar / k.d2, 1)


def p_center(samples: Sequence[tuple[int, int]]) -> Decimal:
    """p-bar from (defectives, inspected) pairs."""
    inspected = sum(n for _, n in samples)
    if not samples or inspected <= 0:
        raise ValueError("a p chart baseline needs inspected units")
    if any(d < 0 or n <= 0 or d > n for d, n in samples):
        raise ValueError("defectives must lie between 0 and the inspected count")
    return Decimal(sum(d for d, _ in samples)) / Decimal(inspected)


def p_limits_for(pbar: Decimal, n: int) -> Limits:
    sigma = (pbar * (ONE - pbar) / Decimal(n)).sqrt()
    return Limits(pbar, min(ONE, pbar + THREE * sigma), max(ZERO, pbar - THREE * sigma), sigma)


def p_limits(samples: Sequence[tuple[int, int]]) -> ChartLimits:
    pbar = p_center(samples)
    n_avg = round(sum(n for _, n in samples) / len(samples))
    return ChartLimits(ChartType.P, p_limits_for(pbar, n_avg), None, None, n_avg)


def c_limits(counts: Sequence[int]) -> ChartLimits:
    if not counts or any(c < 0 for c in counts):
        raise ValueError("a c chart baseline needs non-negative defect counts")
    cbar = Decimal(sum(counts)) / len(counts)
    sigma = cbar.sqrt()
    return ChartLimits(ChartType.C, Limits(cbar, cbar + THREE * sigma, max(ZERO, cbar - THREE * sigma), sigma),
                       None, None, 1)


@dataclass(frozen=True)
class Capability:
    """Cp/Cpk from the within-subgroup sigma, Pp/Ppk from the overall sample sigma, Cpm from the
    overall sigma and the distance of the mean from the target (nominal):
    Cpm = (USL - LSL) / (6 sqrt(s^2 + (mean - T)^2)). A figure that needs a missing limit is None."""
    mean: Decimal
    sigma_within: Decimal | None
    sigma_overall: Decimal
    cp: Decimal | None
    cpk: Decimal | None
    pp: Decimal | None
    ppk: Decimal | None
    cpm: Decimal | None


def _spread_index(lsl: Decimal | None, usl: Decimal | None, sigma: Decimal | None) -> Decimal | None:
    if lsl is None or usl is None or not sigma:
        return None
    return (usl - lsl) / (SIX * sigma)


def _k_index(m: Decimal, lsl: Decimal | None, usl: Decimal | None, sigma: Decimal | None) -> Decimal | None:
    if not sigma:
        return None
    sides = [(usl - m) if usl is not None else None, (m - lsl) if lsl is not None else None]
    sides = [s for s in sides if s is not None]
    return min(sides) / (THREE * sigma) if sides else None


def capability(values: Sequence[Decimal], *, lsl: Decimal | None, usl: Decimal | None,
               target: Decimal | None, sigma_within: Decimal | None) -> Capability:
    m = mean(values)
    s = stdev(values)
    cpm = None
    if lsl is not None and usl is not None and target is not None:
        tau = (s * s + (m - target) ** 2).sqrt()
        cpm = (usl - lsl) / (SIX * tau) if tau else None
    return Capability(
        mean=m, sigma_within=sigma_within, sigma_overall=s,
        cp=_spread_index(lsl, usl, sigma_within), cpk=_k_index(m, lsl, usl, sigma_within),
        pp=_spread_index(lsl, usl, s), ppk=_k_index(m, lsl, usl, s), cpm=cpm,
    )
