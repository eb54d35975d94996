"""A plant's KPI conventions (`kpi_plant_setting`): how idle time counts and the overproduction tolerance.

    plant_settings(session, actor, plant_id) -> KpiSettingsRead              VIEW_DASHBOARDS (or DISPLAY)
    set_plant_settings(session, actor, plant_id, *, idle_convention, overproduction_tolerance_percent, now)
                                                                              MANAGE_PLANTS, audited
    conventions(session, plant_id) -> KpiSettingsRead                         no check: for reads that checked

Idle (working time with no job running and no stop) is by default an availability loss with its own reason,
"idle - no job"; "not_scheduled" takes it out of planned production time instead (TEEP style). A good count
beyond the job's quantity by more than the tolerance (percent of the quantity, default 10) is overproduction.
A plant without a row has the defaults.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from models.base import pk
from models.kpi_rollup import DEFAULT_OVERPRODUCTION_TOLERANCE, IdleConvention, KpiPlantSetting
from models.organization import Plant
from services.core.access import Actor, Permission, require, require_plant_visible
from services.core.changes import announce, stamp, stamp_new
from services.core.errors import Invalid
from services.core.messages import t
from services.core.scoping import get_scoped

DEFAULT_TOLERANCE = DEFAULT_OVERPRODUCTION_TOLERANCE
MAX_TOLERANCE = 1000


class KpiSettingsRead(BaseModel):
    plant_id: int
    idle_convention: IdleConvention
    overproduction_tolerance_percent: int
    configured: bool

    @property
    def idle_is_loss(self) -> bool:
        return self.idle_convention == IdleConvention.LOSS


def conventions(session: Session, plant_id: int) -> KpiSettingsRead:
    return _read(plant_id, session.exec(select(KpiPlantSetting).where(KpiPlantSetting.plant_id == plant_id)).first())


def _read(plant_id: int, row: KpiPlantSetting | None) -> KpiSettingsRead:
    if row is None:
        return KpiSettingsRead(plant_id=plant_id, idle_convention=IdleConvention.LOSS,
                               overproduction_tolerance_percent=DEFAULT_TOLERANCE, configured=False)
    return KpiSettingsRead(plant_id=plant_id, idle_convention=row.idle_convention,
                           overproduction_tolerance_percent=row.overproduction_tolerance_percent, configured=True)


def plant_settings(session: Session, actor: Actor, plant_id: int) -> KpiSettingsRead:
    plant = get_scoped(session, actor, Plant, plant_id, t("Plant"))
    require_plant_visible(actor, plant.id, t("Plant"))
    if not actor.can(Permission.DISPLAY, plant_id=plant.id):
        require(actor, Permission.VIEW_DASHBOARDS, plant_id=plant.id)
    return conventions(session, plant_id)


def set_plant_settings(session: Session, actor: Actor, plant_id: int, *, idle_convention: str,
                       overproduction_tolerance_percent: int, now: datetime) -> KpiSettingsRead:
    plant = get_scoped(session, actor, Plant, plant_id, t("Plant"))
    require_plant_visible(actor, plant.id, t("Plant"))
    require(actor, Permission.MANAGE_PLANTS, plant_id=plant.id)
    problems = {}
    if idle_convention not in {c.value for c in IdleConvention}:
        problems["idle_convention"] = t("Choose 'loss' (idle is an availability loss) or 'not_scheduled'.")
    if not isinstance(overproduction_tolerance_percent, int) or isinstance(overproduction_tolerance_percent, bool) \
            or not 0 <= overproduction_tolerance_percent <= MAX_TOLERANCE:
        problems["overproduction_tolerance_percent"] = t("A whole number of percent from 0 to {maximum}.",
                                                         maximum=MAX_TOLERANCE)
    if problems:
        raise Invalid(t("The KPI settings are not valid."), fields=problems)
    row = session.exec(select(KpiPlantSetting).where(KpiPlantSetting.plant_id == plant.id)).first()
    before = _read(pk(plant), row)
    if row is None:
        row = stamp_new(KpiPlantSetting(organization_id=plant.organization_id, plant_id=pk(plant)), actor, now)
    else:
        stamp(row, actor, now)
    row.idle_convention = IdleConvention(idle_convention)
    row.overproduction_tolerance_percent = overproduction_tolerance_percent
    session.add(row)
    session.flush()
    announce(session, actor, "kpi_plant_setting", row.id, "update", {     # the event drops live reads' cached copy
        "idle_convention": [before.idle_convention.value, idle_convention],
        "overproduction_tolerance_percent": [before.overproduction_tolerance_percent,
                                             overproduction_tolerance_percent]}, plant_id=plant.id, now=now)
    return _read(pk(plant), row)
