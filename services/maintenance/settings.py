"""Per-plant maintenance settings: SLA targets per priority, the escalation team, and the rules that raise a
ticket automatically when a machine has been down too long.

    set_sla_target / sla_targets            response and resolution minutes of working time, warning, pause flag
    set_team / team                         maintenance lead and plant manager (SLA escalations)
    escalation_candidates / in_working_time who may be the plant manager; whether the clocks skip non-working time
    create_auto_rule / update_auto_rule / auto_rules / set_auto_rule_active   edit a rule's threshold and match
    raise_for_long_stops(session, *, now)   the system job: a ticket per stop past its rule's threshold

Invariants: everything here needs MAINTAIN at the plant to change and VIEW to read; for a down machine the
most specific active rule applies (machine and reason, machine, plant and reason, plant); a stop gets at most
one automatic ticket (a ticket already linked to it, raised by anyone, counts); only unplanned stops
(machine state "down") are considered.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.maintenance import MaintenanceAutoRule, MaintenanceSlaTarget, MaintenanceStopLink, MaintenanceTeam
from models.resources import Machine, MachineState, MachineStatus, ReasonCode
from models.user import User, UserPlantAccess
from services.core.access import Actor, Permission, require
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.validation import check
from services.maintenance.common import PRIORITIES, check_priority, is_technician, require_maintain
from services.maintenance.sla import calendar_of, pick_target, plant_targets
from services.maintenance.tickets import create_ticket
from services.master.common import announce, stamp, stamp_new, visible_plant
from services.org.organizations import system_actor


class SlaTargetRead(BaseModel):
    plant_id: int
    priority: str
    response_minutes: int
    resolution_minutes: int
    warn_minutes: int
    pause_waiting_parts: bool
    configured: bool


class TeamRead(BaseModel):
    plant_id: int
    lead_user_id: int | None
    manager_user_id: int | None
    manager_after_minutes: int


class AutoRuleCreate(BaseModel):
    plant_id: int
    machine_id: int | None = None
    reason_code_id: int | None = None
    threshold_minutes: int = 30
    priority: str = "high"


class AutoRuleRead(AutoRuleCreate):
    id: int
    is_active: bool


# ---- SLA targets ---------------------------------------------------------------------------------

def sla_targets(session: Session, actor: Actor, plant_id: int) -> list[SlaTargetRead]:
    require(actor, Permission.VIEW)
    visible_plant(session, actor, plant_id)
    configured = plant_targets(session, plant_id)
    return [SlaTargetRead(plant_id=plant_id, priority=p, configured=p in configured,
                          **dataclasses.asdict(pick_target(configured, p))) for p in PRIORITIES]


def set_sla_target(session: Session, actor: Actor, plant_id: int, priority: str, *, response_minutes: int,
                   resolution_minutes: int, warn_minutes: int = 30, pause_waiting_parts: bool = True,
                   now: datetime) -> SlaTargetRead:
    plant = visible_plant(session, actor, plant_id)
    require_maintain(actor, pk(plant))
    check_priority(priority)
    problems: dict[str, str] = {}
    for key, value in (("response_minutes", response_minutes), ("resolution_minutes", resolution_minutes)):
        if not 1 <= value <= 60 * 24 * 365:
            problems[key] = t("Use 1 minute to a year.")
    if not problems and resolution_minutes < response_minutes:
        problems["resolution_minutes"] = t("Resolution cannot be due before the response.")
    if not 0 <= warn_minutes <= 60 * 24 * 30:
        problems["warn_minutes"] = t("Use 0 to 43200 minutes.")
    check(problems)
    row = session.exec(select(MaintenanceSlaTarget).where(MaintenanceSlaTarget.plant_id == plant.id,
                                                          MaintenanceSlaTarget.priority == priority)).first()
    if row is None:
        row = stamp_new(MaintenanceSlaTarget(organization_id=actor.organization_id, plant_id=pk(plant),
                                             priority=priority, response_minutes=response_minutes,
                                             resolution_minutes=resolution_minutes), actor, now)
    row.response_minutes, row.resolution_minutes = response_minutes, resolution_minutes
    row.warn_minutes, row.pause_waiting_parts = warn_minutes, pause_waiting_parts
    session.add(stamp(row, actor, now))
    session.flush()
    announce(session, actor, "maintenance_sla_target", row.id, "update",
             {"priority": priority, "response_minutes": response_minutes, "resolution_minutes": resolution_minutes,
              "warn_minutes": warn_minutes, "pause_waiting_parts": pause_waiting_parts}, now=now, plant_id=plant.id)
    return SlaTargetRead(plant_id=pk(plant), priority=priority, configured=True, response_minutes=response_minutes,
                         resolution_minutes=resolution_minutes, warn_minutes=warn_minutes,
                         pause_waiting_parts=pause_waiting_parts)


def in_working_time(session: Session, actor: Actor, plant_id: int) -> bool:
    """True when the plant's SLA clocks count working time of its shift calendar, False when they run 24/7."""
    require(actor, Permission.VIEW)
    return calendar_of(session, pk(visible_plant(session, actor, plant_id))) is not None


# ---- the escalation team -------------------------------------------------------------------------

def team(session: Session, actor: Actor, plant_id: int) -> TeamRead:
    require(actor, Permission.VIEW)
    visible_plant(session, actor, plant_id)
    row = session.exec(select(MaintenanceTeam).where(MaintenanceTeam.plant_id == plant_id)).first()
    return TeamRead(plant_id=plant_id, lead_user_id=row.lead_user_id if row else None,
                    manager_user_id=row.manager_user_id if row else None,
                    manager_after_minutes=row.manager_after_minutes if row else 60)


def escalation_candidates(session: Session, actor: Actor, plant_id: int) -> list[tuple[int, str]]:
    """(user id, name) of the active people of the organization with access to the plant."""
    require(actor, Permission.VIEW)
    visible_plant(session, actor, plant_id)
    rows = session.exec(select(User).join(UserPlantAccess, col(UserPlantAccess.user_id) == col(User.id)).where(
        User.organization_id == actor.organization_id, User.is_active == True,  # noqa: E712
        UserPlantAccess.plant_id == plant_id).order_by(col(User.username))).all()
    return [(pk(u), u.full_name or u.username) for u in rows]


def set_team(session: Session, actor: Actor, plant_id: int, *, lead_user_id: int | None,
             manager_user_id: int | None, manager_after_minutes: int = 60, now: datetime) -> TeamRead:
    plant = visible_plant(session, actor, plant_id)
    require_maintain(actor, pk(plant))
    problems: dict[str, str] = {}
    if lead_user_id is not None and not is_technician(session, actor.organization_id, lead_user_id, pk(plant)):
        problems["lead_user_id"] = t("Choose a technician of this plant.")
    if manager_user_id is not None:
        user = session.get(User, manager_user_id)
        if user is None or user.organization_id != actor.organization_id or not user.is_active:
            problems["manager_user_id"] = t("Choose an active user of your organization.")
    if not 0 <= manager_after_minutes <= 60 * 24 * 30:
        problems["manager_after_minutes"] = t("Use 0 to 43200 minutes.")
    check(problems)
    row = session.exec(select(MaintenanceTeam).where(MaintenanceTeam.plant_id == plant.id)).first()
    if row is None:
        row = stamp_new(MaintenanceTeam(organization_id=actor.organization_id, plant_id=pk(plant)), actor, now)
    row.lead_user_id, row.manager_user_id, row.manager_after_minutes = lead_user_id, manager_user_id, manager_after_minutes
    session.add(stamp(row, actor, now))
    session.flush()
    announce(session, actor, "maintenance_team", row.id, "update",
             {"lead_user_id": lead_user_id, "manager_user_id": manager_user_id,
              "manager_after_minutes": manager_after_minutes}, now=now, plant_id=plant.id)
    return team(session, actor, pk(plant))


# ---- automatic tickets for long stops ------------------------------------------------------------

class AutoRuleUpdate(BaseModel):
    """A rule's new threshold and match (its plant stays); `is_active` unset leaves it as it is."""
    machine_id: int | None = None
    reason_code_id: int | None = None
    threshold_minutes: int = 30
    priority: str = "high"
    is_active: bool | None = None


def _check_rule(session: Session, actor: Actor, plant_id: int, machine_id: int | None, reason_code_id: int | None,
                threshold_minutes: int, priority: str) -> None:
    problems: dict[str, str] = {}
    if machine_id is not None:
        machine = get_scoped(session, actor, Machine, machine_id, t("Machine"))
        if machine.plant_id != plant_id:
            problems["machine_id"] = t("Choose a machine of this plant.")
    if reason_code_id is not None:
        reason = session.get(ReasonCode, reason_code_id)
        if reason is None or reason.organization_id != actor.organization_id:
            problems["reason_code_id"] = t("Choose a reason of your organization.")
    if not 1 <= threshold_minutes <= 60 * 24 * 7:
        problems["threshold_minutes"] = t("Use 1 minute to 7 days.")
    check(problems)
    check_priority(priority)


def create_auto_rule(session: Session, actor: Actor, data: AutoRuleCreate, *, now: datetime) -> AutoRuleRead:
    plant = visible_plant(session, actor, data.plant_id)
    require_maintain(actor, pk(plant))
    _check_rule(session, actor, pk(plant), data.machine_id, data.reason_code_id, data.threshold_minutes,
                data.priority)
    row = stamp_new(MaintenanceAutoRule(organization_id=actor.organization_id, **data.model_dump()), actor, now)
    session.add(row)
    session.flush()
    announce(session, actor, "maintenance_auto_rule", row.id, "create", data.model_dump(), now=now, plant_id=plant.id)
    return AutoRuleRead.model_validate(row.model_dump())


def update_auto_rule(session: Session, actor: Actor, rule_id: int, data: AutoRuleUpdate, *,
                     now: datetime) -> AutoRuleRead:
    """Change a rule's machine, reason, threshold and priority (and optionally switch it); audited field by field."""
    row = get_scoped(session, actor, MaintenanceAutoRule, rule_id, t("Rule"), for_update=True)
    require_maintain(actor, row.plant_id)
    _check_rule(session, actor, row.plant_id, data.machine_id, data.reason_code_id, data.threshold_minutes,
                data.priority)
    values = data.model_dump(exclude_none=False)
    if data.is_active is None:
        values.pop("is_active")
    changes = {k: {"before": getattr(row, k), "after": v} for k, v in values.items() if getattr(row, k) != v}
    for key, value in values.items():
        setattr(row, key, value)
    session.add(stamp(row, actor, now))
    if changes:
        announce(session, actor, "maintenance_auto_rule", row.id, "update", changes, now=now, plant_id=row.plant_id)
    return AutoRuleRead.model_validate(row.model_dump())


def auto_rules(session: Session, actor: Actor, plant_id: int) -> list[AutoRuleRead]:
    require(actor, Permission.VIEW)
    visible_plant(session, actor, plant_id)
    rows = session.exec(select(MaintenanceAutoRule).where(MaintenanceAutoRule.plant_id == plant_id)
                        .order_by(col(MaintenanceAutoRule.id))).all()
    return [AutoRuleRead.model_validate(r.model_dump()) for r in rows]


def set_auto_rule_active(session: Session, actor: Actor, rule_id: int, active: bool, *,
                         now: datetime) -> AutoRuleRead:
    row = get_scoped(session, actor, MaintenanceAutoRule, rule_id, t("Rule"), for_update=True)
    require_maintain(actor, row.plant_id)
    row.is_active = active
    session.add(stamp(row, actor, now))
    announce(session, actor, "maintenance_auto_rule", row.id, "activate" if active else "deactivate",
             {"is_active": active}, now=now, plant_id=row.plant_id)
    return AutoRuleRead.model_validate(row.model_dump())


def _rule_for(rules: list[MaintenanceAutoRule], status: MachineStatus) -> MaintenanceAutoRule | None:
    def rank(r: MaintenanceAutoRule) -> int | None:
        if r.machine_id not in (None, status.machine_id) or r.reason_code_id not in (None, status.reason_code_id):
            return None
        return (0 if r.machine_id else 2) + (0 if r.reason_code_id else 1)
    ranked = sorted((rank(r), r.id, r) for r in rules if rank(r) is not None)
    return ranked[0][2] if ranked else None


def raise_for_long_stops(session: Session, *, now: datetime, organization_id: int | None = None) -> int:
    """Raise a corrective ticket (source "auto") for every machine down past its rule's threshold (of one
    organization, or of all)."""
    query = select(MaintenanceAutoRule).where(MaintenanceAutoRule.is_active == True)  # noqa: E712
    if organization_id is not None:
        query = query.where(MaintenanceAutoRule.organization_id == organization_id)
    rules = session.exec(query).all()
    by_plant: dict[int, list[MaintenanceAutoRule]] = {}
    for r in rules:
        by_plant.setdefault(r.plant_id, []).append(r)
    if not by_plant:
        return 0
    downs = session.exec(select(MachineStatus).where(MachineStatus.state == MachineState.DOWN,
                                                     col(MachineStatus.plant_id).in_(list(by_plant)),
                                                     col(MachineStatus.open_downtime_event_id).is_not(None))).all()
    made = 0
    for status in downs:
        rule = _rule_for(by_plant[status.plant_id], status)
        if rule is None or now - status.since < timedelta(minutes=rule.threshold_minutes):
            continue
        linked = session.exec(select(MaintenanceStopLink.id).where(
            MaintenanceStopLink.event_id == status.open_downtime_event_id)).first()
        if linked is not None:
            continue
        machine = session.get(Machine, status.machine_id)
        assert machine is not None                   # a machine status belongs to its machine (foreign key)
        reason = session.get(ReasonCode, status.reason_code_id) if status.reason_code_id else None
        minutes = int((now - status.since).total_seconds() // 60)
        create_ticket(session, system_actor(session, status.organization_id), machine, kind="corrective",
                      source="auto", priority=rule.priority, reason_code_id=status.reason_code_id,
                      title=t("{machine} down for {minutes} min: {reason}", machine=machine.code, minutes=minutes,
                              reason=reason.name) if reason else
                      t("{machine} down for {minutes} min", machine=machine.code, minutes=minutes),
                      description=t("Raised automatically: the machine has been down longer than the plant's threshold."),
                      now=now)
        made += 1
    return made

