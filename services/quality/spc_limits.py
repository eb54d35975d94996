"""Baseline limits of a characteristic: computed from its inspections in a chosen period, stored as
JSON of decimal strings on the characteristic, and turned back into rule points.

Stored shape: {"chart": "xbar_r", "n": 5, "subgroups": 25, "sigma_within": "0.01" | null,
"primary": {"center", "ucl", "lcl", "sigma"}, "secondary": {...} | null}. For a p chart the primary
limits are those at the baseline's average sample size; each point is judged at its own sample size.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from models.inspection import ChartKind, Inspection, InspectionCharacteristic
from services.quality import spc_math
from services.quality.spc_math import ChartLimits, Limits
from services.quality.spc_rules import Point

SECONDARY_NAMES = {ChartKind.XBAR_R: "Range", ChartKind.XBAR_S: "Standard deviation", ChartKind.I_MR: "Moving range"}
PRIMARY_NAMES = {ChartKind.XBAR_R: "Subgroup mean", ChartKind.XBAR_S: "Subgroup mean", ChartKind.I_MR: "Value",
                 ChartKind.P: "Proportion defective", ChartKind.C: "Defects"}


@dataclass(frozen=True)
class LimitSet:
    chart: ChartKind
    primary: Limits
    secondary: Limits | None
    sigma_within: Decimal | None
    n: int
    subgroups: int

    @property
    def secondary_name(self) -> str:
        return SECONDARY_NAMES.get(self.chart, "")


def compute(chart: ChartKind, rows: Sequence[Inspection]) -> ChartLimits:
    """Limits from baseline inspections (oldest first); ValueError when they cannot give limits."""
    if chart == ChartKind.XBAR_R:
        return spc_math.xbar_r_limits([[Decimal(v) for v in r.values] for r in rows])
    if chart == ChartKind.XBAR_S:
        return spc_math.xbar_s_limits([[Decimal(v) for v in r.values] for r in rows])
    if chart == ChartKind.I_MR:
        return spc_math.imr_limits([Decimal(r.values[0]) for r in rows])
    if chart == ChartKind.P:
        return spc_math.p_limits([(r.defects or 0, r.inspected or 0) for r in rows])
    return spc_math.c_limits([r.defects or 0 for r in rows])


def _limits_json(limits: Limits | None) -> dict[str, str] | None:
    if limits is None:
        return None
    return {"center": str(limits.center), "ucl": str(limits.ucl), "lcl": str(limits.lcl), "sigma": str(limits.sigma)}


def to_json(limits: ChartLimits, subgroups: int) -> dict[str, Any]:
    return {"chart": limits.chart_type.value, "n": limits.subgroup_size, "subgroups": subgroups,
            "sigma_within": None if limits.sigma_within is None else str(limits.sigma_within),
            "primary": _limits_json(limits.primary), "secondary": _limits_json(limits.secondary)}


def _limits_of(data: dict[str, str] | None) -> Limits | None:
    if not data:
        return None
    return Limits(*(Decimal(data[k]) for k in ("center", "ucl", "lcl", "sigma")))


def stored_limits(c: InspectionCharacteristic) -> LimitSet | None:
    data = c.limits
    if not data or data.get("chart") != ChartKind(c.chart_type).value:
        return None
    within, primary = data.get("sigma_within"), _limits_of(data.get("primary"))
    if primary is None:                     # nothing usable stored
        return None
    return LimitSet(ChartKind(data["chart"]), primary, _limits_of(data.get("secondary")),
                    None if within is None else Decimal(within), int(data.get("n") or 1), int(data.get("subgroups") or 0))


def limits_at(limits: LimitSet, row: Inspection) -> Limits:
    """The primary limits that apply to this point (per sample size on a p chart)."""
    if limits.chart == ChartKind.P and row.inspected:
        return spc_math.p_limits_for(limits.primary.center, row.inspected)
    return limits.primary


def point_for(limits: LimitSet, row: Inspection) -> Point:
    at = limits_at(limits, row)
    return Point(Decimal(row.statistic), at.center, at.sigma)
