"""SPC maths as pure functions: control limits, chart points, process capability.

Numbers: everything is `Decimal` (28 significant digits, the default context). Measurements are
entered as decimals, the constants table is the printed decimal table, so means, ranges and limits
are exact and tests compare them with `==` against hand-computed values; only square roots
(standard deviations, p/c limits, capability indices) are rounded, to 28 digits. Plotting converts
to float at the edge.

Limits come from a baseline: a list of subgroups (lists of measurements; for p charts
(defectives, inspected) pairs; for c charts defect counts). The same limits are then applied to
every later point, so a run after the baseline can be judged against the process as it was.

Every limit is centre +- 3 sigma of the plotted statistic, with d2, d3 and c4 exact (services/quality/
spc_constants.py: the printed A2, E2, D3, D4, B3, B4 round, and would disagree with sigma within):
- X-bar/R: sigma within = R-bar / d2(n); CL = mean of subgroup means +- 3 sigma within / sqrt(n);
  R chart R-bar +- 3 d3(n) R-bar / d2(n), LCL at least 0.
- X-bar/S: sigma within = s-bar / c4(n); CL +- 3 sigma within / sqrt(n); S chart s-bar +- 3 s-bar
  sqrt(1 - c4^2) / c4, LCL at least 0.
- Individuals/moving range (MR of 2 consecutive values): sigma within = MR-bar / d2(2); CL +- 3 sigma within;
  MR chart MR-bar + 3 d3(2) MR-bar / d2(2), LCL 0.
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

from services.quality.spc_constants import MAX_N, MIN_N, c4, d2, d3

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


def _three_sigma(center: Decimal, sigma: Decimal, *, floor: Decimal | None = None) -> Limits:
    lcl = center - THREE * sigma
    return Limits(center, center + THREE * sigma, lcl if floor is None else max(floor, lcl), sigma)


def _size(subgroups: Sequence[Sequence[Decimal]]) -> int:
    n = len(subgroups[0]) if subgroups else 0
    _check_subgroups(subgroups, n)
    if not MIN_N <= n <= MAX_N:
        raise ValueError(f"subgroup size must be between {MIN_N} and {MAX_N}, not {n}")
    return n


def xbar_r_limits(subgroups: Sequence[Sequence[Decimal]]) -> ChartLimits:
    n = _size(subgroups)
    xbarbar = mean([mean(g) for g in subgroups])
    rbar = mean([value_range(g) for g in subgroups])
    within = rbar / d2(n)
    primary = _three_sigma(xbarbar, within / Decimal(n).sqrt())
    secondary = _three_sigma(rbar, d3(n) * within, floor=ZERO)
    return ChartLimits(ChartType.XBAR_R, primary, secondary, within, n)


def xbar_s_limits(subgroups: Sequence[Sequence[Decimal]]) -> ChartLimits:
    n = _size(subgroups)
    xbarbar = mean([mean(g) for g in subgroups])
    sbar = mean([stdev(g) for g in subgroups])
    k = c4(n)
    within = sbar / k
    primary = _three_sigma(xbarbar, within / Decimal(n).sqrt())
    secondary = _three_sigma(sbar, within * (ONE - k * k).sqrt(), floor=ZERO)
    return ChartLimits(ChartType.XBAR_S, primary, secondary, within, n)


def imr_limits(values: Sequence[Decimal]) -> ChartLimits:
    if len(values) < 2:
        raise ValueError("an individuals chart needs at least two baseline values")
    xbar = mean(values)
    mrbar = mean(moving_ranges(values))
    within = mrbar / d2(2)
    primary = _three_sigma(xbar, within)
    secondary = _three_sigma(mrbar, d3(2) * within, floor=ZERO)
    return ChartLimits(ChartType.I_MR, primary, secondary, within, 1)


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
    """Cp/Cpk/Cpm from the within-subgroup sigma (the chart's short-term sigma), Pp/Ppk from the overall sample
    sigma; Cpm (Taguchi, as in the textbook and qcc) = (USL - LSL) / (6 sqrt(sigma_within^2 + (mean - T)^2)),
    T the target (nominal). A figure that needs a missing limit or sigma is None."""
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
    sides = ([usl - m] if usl is not None else []) + ([m - lsl] if lsl is not None else [])
    return min(sides) / (THREE * sigma) if sides else None


def capability(values: Sequence[Decimal], *, lsl: Decimal | None, usl: Decimal | None,
               target: Decimal | None, sigma_within: Decimal | None) -> Capability:
    m = mean(values)
    s = stdev(values)
    cpm = None
    if lsl is not None and usl is not None and target is not None and sigma_within is not None:
        tau = (sigma_within * sigma_within + (m - target) ** 2).sqrt()
        cpm = (usl - lsl) / (SIX * tau) if tau else None
    return Capability(
        mean=m, sigma_within=sigma_within, sigma_overall=s,
        cp=_spread_index(lsl, usl, sigma_within), cpk=_k_index(m, lsl, usl, sigma_within),
        pp=_spread_index(lsl, usl, s), ppk=_k_index(m, lsl, usl, s), cpm=cpm,
    )
