"""Recording inspections and judging every new point against the SPC run rules.

Interface:
- `record_inspection(session, actor, characteristic_id, data, *, now) -> InspectionResult`:
  stores one subgroup (X-bar charts: exactly `subgroup_size` values), one value (I-MR), one sample
  (p: inspected and defectives) or one count (c), computes its plotted statistics, and, when the
  characteristic has baseline limits, evaluates the run rules for this new point (primary chart:
  the characteristic's rule set over the trailing points; dispersion chart: rule 1). Each broken
  rule is stored as an `SpcAlert` with an `spc.alert_raised` event, and quality staff of the plant
  are notified once per inspection (`services.config.notifications.notify`, kind "alert").
  A `client_id` makes the call idempotent: sent twice, it is recorded once (the first result comes back).
- `list_alerts(...)`, `acknowledge_alert(...)`, `list_inspections(...)`.

Who: recording needs INSPECT (quality staff, operators inspecting their own work, supervisors) at the
characteristic's plant;
reading needs VIEW there; acknowledging an alert needs QUALITY. Every inspection is announced as
`inspection.recorded` (payload: characteristic_id, inspection_id), which live chart pages follow.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.base import pk
from models.inspection import (
    ChartKind,
    Inspection,
    InspectionCharacteristic,
    InspectionPlan,
    RuleSetKind,
    SpcAlert,
)
from models.orders import Operation
from models.resources import Machine
from services.config import notifications
from services.core.access import Actor, Permission, require
from services.core.errors import Invalid
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.master.common import announce
from services.quality.events import SpcAlertRaised
from services.quality.spc_limits import point_for, stored_limits
from services.quality.spc_math import mean, moving_ranges, stdev, value_range
from services.quality.spc_rules import (
    LONGEST_PATTERN,
    RuleSet,
    beyond_limits,
    violations,
)

MAX_VALUES = 25
SPC_PATH = "/quality/spc?characteristic="


class InspectionData(BaseModel):
    values: list[Decimal | str | float | int] = []
    inspected: int | None = None
    defects: int | None = None
    operation_id: int | None = None
    machine_id: int | None = None
    lot_reference: str = ""
    note: str = ""
    client_id: str | None = None
    measured_at: datetime | None = None


class InspectionRead(BaseModel):
    id: int
    characteristic_id: int
    plant_id: int
    values: list[str]
    inspected: int | None
    defects: int | None
    statistic: Decimal
    spread: Decimal | None
    operation_id: int | None
    machine_id: int | None
    lot_reference: str
    note: str
    user_id: int | None
    measured_at: datetime


class AlertRead(BaseModel):
    id: int
    characteristic_id: int
    characteristic_name: str = ""
    plant_id: int
    inspection_id: int
    chart: str
    ruleset: str
    rule: int
    description: str
    value: Decimal
    raised_at: datetime
    acknowledged_at: datetime | None
    note: str


class InspectionResult(BaseModel):
    inspection: InspectionRead
    alerts: list[AlertRead]
    duplicate: bool = False


def _inspection_read(row: Inspection) -> InspectionRead:
    return InspectionRead.model_validate(row, from_attributes=True)


def _alert_read(row: SpcAlert, name: str = "") -> AlertRead:
    return AlertRead(**row.model_dump(), characteristic_name=name)


def _require_recorder(actor: Actor, plant_id: int) -> None:
    require(actor, Permission.INSPECT, plant_id=plant_id)


def _decimal_values(raw: list, problems: dict[str, str]) -> list[Decimal]:
    values: list[Decimal] = []
    for i, item in enumerate(raw):
        try:
            value = Decimal(str(item).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            problems[f"values.{i}"] = t("Enter a number.")
            continue
        if not value.is_finite() or abs(value) >= Decimal(10) ** 12:
            problems[f"values.{i}"] = t("Enter a number.")
        else:
            values.append(value)
    return values


def _statistics(session: Session, c: InspectionCharacteristic, data: InspectionData,
                measured_at: datetime) -> tuple[list[Decimal], Decimal, Decimal | None]:
    problems: dict[str, str] = {}
    chart = ChartKind(c.chart_type)
    if chart in (ChartKind.P, ChartKind.C):
        return [], _attribute_statistic(chart, data, problems), None
    values = _decimal_values(list(data.values)[:MAX_VALUES + 1], problems)
    if len(data.values) != c.subgroup_size:
        problems["values"] = (t("Enter {subgroup_size} measurements.", subgroup_size=c.subgroup_size)
                              if c.subgroup_size > 1 else t("Enter 1 measurement."))
    check(problems)
    if chart == ChartKind.XBAR_R:
        return values, mean(values), value_range(values)
    if chart == ChartKind.XBAR_S:
        return values, mean(values), stdev(values)
    previous = _previous(session, pk(c), measured_at, 1)
    spread = moving_ranges([previous[-1].statistic, values[0]])[0] if previous else None
    return values, values[0], spread


def _attribute_statistic(chart: ChartKind, data: InspectionData, problems: dict[str, str]) -> Decimal:
    if data.defects is None or data.defects < 0:
        problems["defects"] = t("Enter the number found (0 or more).")
    if chart == ChartKind.P:
        if data.inspected is None or data.inspected <= 0:
            problems["inspected"] = t("Enter how many parts were inspected.")
        elif data.defects is not None and data.defects > data.inspected:
            problems["defects"] = t("Cannot be more than the parts inspected.")
    check(problems)
    assert data.defects is not None                             # else check() raised
    if chart == ChartKind.P:
        assert data.inspected is not None                       # else check() raised
        return Decimal(data.defects) / Decimal(data.inspected)
    return Decimal(data.defects)


def _previous(session: Session, characteristic_id: int, at: datetime, count: int) -> list[Inspection]:
    rows = session.exec(select(Inspection).where(Inspection.characteristic_id == characteristic_id,
                                                 Inspection.measured_at <= at)
                        .order_by(col(Inspection.measured_at).desc(), col(Inspection.id).desc()).limit(count)).all()
    return list(reversed(rows))


def _check_refs(session: Session, actor: Actor, c: InspectionCharacteristic, data: InspectionData) -> None:
    problems: dict[str, str] = {}
    if data.operation_id is not None:
        op = session.get(Operation, data.operation_id)
        if op is None or op.organization_id != actor.organization_id or op.plant_id != c.plant_id:
            problems["operation_id"] = t("Choose a job of this plant.")
    if data.machine_id is not None:
        machine = session.get(Machine, data.machine_id)
        if machine is None or machine.organization_id != actor.organization_id or machine.plant_id != c.plant_id:
            problems["machine_id"] = t("Choose a machine of this plant.")
    if len(data.lot_reference or "") > 64:
        problems["lot_reference"] = t("Use at most 64 characters.")
    if len(data.note or "") > 500:
        problems["note"] = t("Use at most 500 characters.")
    if data.client_id is not None and not 1 <= len(data.client_id) <= 64:
        problems["client_id"] = t("Use 1 to 64 characters.")
    check(problems)


def record_inspection(session: Session, actor: Actor, characteristic_id: int, data: InspectionData, *,
                      now: datetime) -> InspectionResult:
    c = get_scoped(session, actor, InspectionCharacteristic, characteristic_id, t("Characteristic"))
    _require_recorder(actor, c.plant_id)
    if not c.is_active or not session.get_one(InspectionPlan, c.plan_id).is_active:
        raise Invalid(t("This characteristic is no longer inspected."))
    if data.client_id and (done := _by_client_id(session, actor, data.client_id)) is not None:
        return done
    _check_refs(session, actor, c, data)
    measured_at = data.measured_at or now
    values, statistic, spread = _statistics(session, c, data, measured_at)
    row = Inspection(organization_id=actor.organization_id, plant_id=c.plant_id, characteristic_id=pk(c),
                     operation_id=data.operation_id, machine_id=data.machine_id,
                     lot_reference=(data.lot_reference or "").strip(), values=[str(v) for v in values],
                     inspected=data.inspected if c.chart_type == ChartKind.P else None,
                     defects=data.defects if c.chart_type in (ChartKind.P, ChartKind.C) else None,
                     statistic=statistic, spread=spread, note=(data.note or "").strip(), client_id=data.client_id,
                     user_id=actor.user_id, measured_at=measured_at, recorded_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        if data.client_id and (done := _by_client_id(session, actor, data.client_id)) is not None:
            return done
        raise
    announce(session, actor, "inspection", row.id, "record", {"characteristic_id": c.id, "statistic": statistic},
             now=now, plant_id=c.plant_id, event="inspection.recorded", payload={"characteristic_id": c.id})
    alerts = _evaluate(session, actor, c, row, now)
    return InspectionResult(inspection=_inspection_read(row), alerts=[_alert_read(a, c.name) for a in alerts])


def _by_client_id(session: Session, actor: Actor, client_id: str) -> InspectionResult | None:
    row = session.exec(select(Inspection).where(Inspection.organization_id == actor.organization_id,
                                                Inspection.client_id == client_id)).first()
    if row is None:
        return None
    alerts = session.exec(select(SpcAlert).where(SpcAlert.inspection_id == row.id)).all()
    return InspectionResult(inspection=_inspection_read(row), alerts=[_alert_read(a) for a in alerts], duplicate=True)


def _evaluate(session: Session, actor: Actor, c: InspectionCharacteristic, row: Inspection,
              now: datetime) -> list[SpcAlert]:
    limits = stored_limits(c)
    if limits is None:
        return []
    trail = _previous(session, pk(c), row.measured_at, LONGEST_PATTERN)
    if not trail or trail[-1].id != row.id:           # an older point sent late: judge the window ending at it
        trail = [r for r in trail if r.id != row.id][-(LONGEST_PATTERN - 1):] + [row]
    found = [("primary", v.ruleset, v.rule, v.description, row.statistic)
             for v in violations([point_for(limits, r) for r in trail], RuleSet(c.ruleset))]
    if limits.secondary is not None and row.spread is not None and beyond_limits(row.spread, limits.secondary.ucl,
                                                                                 limits.secondary.lcl):
        found.append(("secondary", RuleSet(c.ruleset), 1, f"{limits.secondary_name} beyond its control limits",
                      row.spread))
    alerts = [SpcAlert(organization_id=c.organization_id, plant_id=c.plant_id, characteristic_id=pk(c),
                       inspection_id=pk(row), chart=chart, ruleset=RuleSetKind(ruleset.value), rule=rule, description=text,
                       value=value, raised_at=now) for chart, ruleset, rule, text, value in found]
    if alerts:
        _raise(session, actor, c, alerts, now)
    return alerts


def _raise(session: Session, actor: Actor, c: InspectionCharacteristic, alerts: list[SpcAlert], now: datetime) -> None:
    session.add_all(alerts)
    session.flush()
    for alert in alerts:
        record(session, SpcAlertRaised(organization_id=c.organization_id, plant_id=c.plant_id,
                                       actor_user_id=actor.user_id, at=now, alert_id=pk(alert), characteristic_id=pk(c),
                                       rule=alert.rule, chart=alert.chart))
    plan = session.get_one(InspectionPlan, c.plan_id)
    body = "; ".join(f"rule {a.rule}: {a.description}" for a in alerts)
    notifications.notify(session, organization_id=c.organization_id, title=t("SPC alert: {plan} / {characteristic}",
                                                                             plan=plan.name, characteristic=c.name),
                         body=body, link=f"{SPC_PATH}{c.id}", kind="alert", roles=("quality",), plant_id=c.plant_id,
                         entity_type="spc_alert", entity_id=alerts[0].id, now=now)


def list_inspections(session: Session, actor: Actor, characteristic_id: int, *, limit: int = 50) -> list[InspectionRead]:
    require(actor, Permission.VIEW)
    c = get_scoped(session, actor, InspectionCharacteristic, characteristic_id, t("Characteristic"))
    rows = session.exec(select(Inspection).where(Inspection.characteristic_id == c.id)
                        .order_by(col(Inspection.measured_at).desc(), col(Inspection.id).desc()).limit(min(limit, 1000))).all()
    return [_inspection_read(r) for r in rows]


def list_alerts(session: Session, actor: Actor, *, plant_id: int | None = None, characteristic_id: int | None = None,
                open_only: bool = False, limit: int = 100) -> list[AlertRead]:
    require(actor, Permission.VIEW)
    query = (select(SpcAlert, InspectionCharacteristic.name)
             .join(InspectionCharacteristic, col(InspectionCharacteristic.id) == SpcAlert.characteristic_id)
             .where(SpcAlert.organization_id == actor.organization_id, col(SpcAlert.plant_id).in_(actor.plant_ids or {0})))
    if plant_id is not None:
        query = query.where(SpcAlert.plant_id == plant_id)
    if characteristic_id is not None:
        query = query.where(SpcAlert.characteristic_id == characteristic_id)
    if open_only:
        query = query.where(col(SpcAlert.acknowledged_at).is_(None))
    rows = session.exec(query.order_by(col(SpcAlert.raised_at).desc(), col(SpcAlert.id).desc()).limit(min(limit, 1000))).all()
    return [_alert_read(a, name) for a, name in rows]


def acknowledge_alert(session: Session, actor: Actor, alert_id: int, *, note: str = "",
                      now: datetime) -> AlertRead:
    alert = get_scoped(session, actor, SpcAlert, alert_id, t("SPC alert"), for_update=True)
    require(actor, Permission.QUALITY, plant_id=alert.plant_id)
    if len(note or "") > 500:
        raise Invalid(fields={"note": t("Use at most 500 characters.")})
    if alert.acknowledged_at is not None:
        raise Invalid(t("This alert was acknowledged already."))
    alert.acknowledged_at, alert.acknowledged_by, alert.note = now, actor.user_id, (note or "").strip()
    session.add(alert)
    announce(session, actor, "spc_alert", alert.id, "acknowledge", {"note": alert.note}, now=now,
             plant_id=alert.plant_id, event="spc.alert_acknowledged", payload={"characteristic_id": alert.characteristic_id})
    return _alert_read(alert, session.get_one(InspectionCharacteristic, alert.characteristic_id).name)
