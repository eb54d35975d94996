"""Control chart reads and the baseline chooser.

- `set_baseline(session, actor, characteristic_id, *, start, end, now) -> ChartView`: computes
  the limits from the inspections measured in [start, end] (at least 2 points; QUALITY at the plant)
  and freezes them on the characteristic. Points recorded later are judged against them.
- `clear_baseline(...)`: removes the limits (points are plotted without rules).
- `chart(session, actor, characteristic_id, *, start=None, end=None, limit=200) -> ChartView`:
  the latest `limit` points (within the window), each with the limits that apply to it and the rules
  it broke, the stored limits, and capability figures of the shown points (variable charts with a
  specification; sigma within estimated from the same points, see services/quality/spc_math.py).
Numbers stay `Decimal`; the page converts to float for plotting.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.inspection import ChartKind, Inspection, InspectionCharacteristic, SpcAlert
from services.core.access import Actor, Permission, require
from services.core.errors import Invalid
from services.core.messages import t
from services.core.scoping import get_scoped
from services.master.common import announce, stamp
from services.quality.inspection_plans import CharacteristicRead, characteristic_read
from services.quality.spc_limits import (
    PRIMARY_NAMES,
    SECONDARY_NAMES,
    compute,
    limits_at,
    stored_limits,
    to_json,
)
from services.quality.spc_math import capability

VARIABLE = {ChartKind.XBAR_R, ChartKind.XBAR_S, ChartKind.I_MR}


class ChartPoint(BaseModel):
    inspection_id: int
    measured_at: datetime
    statistic: Decimal
    spread: Decimal | None
    center: Decimal | None
    ucl: Decimal | None
    lcl: Decimal | None
    rules: list[int] = []
    in_baseline: bool = False


class CapabilityRead(BaseModel):
    points: int
    mean: Decimal
    sigma_within: Decimal | None
    sigma_overall: Decimal
    cp: Decimal | None
    cpk: Decimal | None
    pp: Decimal | None
    ppk: Decimal | None
    cpm: Decimal | None


class ChartView(BaseModel):
    characteristic: CharacteristicRead
    primary_name: str
    secondary_name: str
    points: list[ChartPoint]
    center: Decimal | None = None
    ucl: Decimal | None = None
    lcl: Decimal | None = None
    secondary_center: Decimal | None = None
    secondary_ucl: Decimal | None = None
    secondary_lcl: Decimal | None = None
    baseline_points: int = 0
    capability: CapabilityRead | None = None
    can_record: bool = False            # INSPECT at the plant: record a point
    can_manage: bool = False            # QUALITY at the plant: set the baseline, acknowledge alerts


def _rows(session: Session, characteristic_id: int, start: datetime | None, end: datetime | None,
          limit: int | None) -> list[Inspection]:
    query = select(Inspection).where(Inspection.characteristic_id == characteristic_id)
    if start is not None:
        query = query.where(Inspection.measured_at >= start)
    if end is not None:
        query = query.where(Inspection.measured_at <= end)
    query = query.order_by(col(Inspection.measured_at).desc(), col(Inspection.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return list(reversed(session.exec(query).all()))


def set_baseline(session: Session, actor: Actor, characteristic_id: int, *, start: datetime, end: datetime,
                 now: datetime) -> ChartView:
    c = get_scoped(session, actor, InspectionCharacteristic, characteristic_id, t("Characteristic"), for_update=True)
    require(actor, Permission.QUALITY, plant_id=c.plant_id)
    if start.tzinfo is None or end.tzinfo is None or start >= end:
        raise Invalid(t("Choose a period whose start is before its end."), fields={"end": t("After the start.")})
    rows = _rows(session, pk(c), start, end, None)
    if len(rows) < 2:
        raise Invalid(t("The period holds fewer than 2 inspections; choose a longer one."),
                      fields={"start": t("Fewer than 2 inspections in this period.")})
    try:
        limits = compute(ChartKind(c.chart_type), rows)
    except ValueError as exc:
        raise Invalid(t("No limits from this period: {exc}.", exc=exc)) from None
    c.limits, c.baseline_start, c.baseline_end = to_json(limits, len(rows)), start, end
    session.add(stamp(c, actor, now))
    announce(session, actor, "inspection_characteristic", c.id, "baseline",
             {"start": start, "end": end, "points": len(rows), "limits": c.limits}, now=now, plant_id=c.plant_id,
             event="spc.baseline_set", payload={"characteristic_id": c.id})
    return chart(session, actor, pk(c))


def clear_baseline(session: Session, actor: Actor, characteristic_id: int, *, now: datetime) -> ChartView:
    c = get_scoped(session, actor, InspectionCharacteristic, characteristic_id, t("Characteristic"), for_update=True)
    require(actor, Permission.QUALITY, plant_id=c.plant_id)
    c.limits, c.baseline_start, c.baseline_end = None, None, None
    session.add(stamp(c, actor, now))
    announce(session, actor, "inspection_characteristic", c.id, "baseline", {"limits": None}, now=now,
             plant_id=c.plant_id, event="spc.baseline_set", payload={"characteristic_id": c.id})
    return chart(session, actor, pk(c))


def chart(session: Session, actor: Actor, characteristic_id: int, *, start: datetime | None = None,
          end: datetime | None = None, limit: int = 200) -> ChartView:
    require(actor, Permission.VIEW)
    c = get_scoped(session, actor, InspectionCharacteristic, characteristic_id, t("Characteristic"))
    kind = ChartKind(c.chart_type)
    rows = _rows(session, pk(c), start, end, max(1, min(limit, 2000)))
    limits = stored_limits(c)
    rules: dict[int, list[int]] = {}
    for inspection_id, rule in session.exec(select(SpcAlert.inspection_id, SpcAlert.rule).where(
            col(SpcAlert.inspection_id).in_([r.id for r in rows] or [0]), SpcAlert.chart == "primary")).all():
        rules.setdefault(inspection_id, []).append(rule)
    points = []
    for r in rows:
        at = limits_at(limits, r) if limits else None
        in_baseline = bool(c.baseline_start and c.baseline_end and c.baseline_start <= r.measured_at <= c.baseline_end)
        points.append(ChartPoint(inspection_id=r.id, measured_at=r.measured_at, statistic=r.statistic, spread=r.spread,
                                 center=at.center if at else None, ucl=at.ucl if at else None,
                                 lcl=at.lcl if at else None, rules=sorted(rules.get(pk(r), [])), in_baseline=in_baseline))
    view = ChartView(characteristic=characteristic_read(c), primary_name=PRIMARY_NAMES[kind],
                     secondary_name=SECONDARY_NAMES.get(kind, ""), points=points,
                     baseline_points=limits.subgroups if limits else 0, capability=_capability(c, kind, rows),
                     can_record=actor.can(Permission.INSPECT, plant_id=c.plant_id),
                     can_manage=actor.can(Permission.QUALITY, plant_id=c.plant_id))
    if limits:
        view.center, view.ucl, view.lcl = limits.primary.center, limits.primary.ucl, limits.primary.lcl
        if limits.secondary:
            s = limits.secondary
            view.secondary_center, view.secondary_ucl, view.secondary_lcl = s.center, s.ucl, s.lcl
    return view


def _capability(c: InspectionCharacteristic, kind: ChartKind, rows: list[Inspection]) -> CapabilityRead | None:
    if kind not in VARIABLE or (c.lsl is None and c.usl is None):
        return None
    values = [Decimal(v) for r in rows for v in r.values]
    if len(values) < 2 or len(rows) < 2:
        return None
    try:
        within = compute(kind, rows).sigma_within
    except ValueError:
        within = None
    cap = capability(values, lsl=c.lsl, usl=c.usl, target=c.nominal, sigma_within=within)
    return CapabilityRead(points=len(values), **{k: getattr(cap, k) for k in (
        "mean", "sigma_within", "sigma_overall", "cp", "cpk", "pp", "ppk", "cpm")})
