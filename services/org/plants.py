"""Plants and their departments.

Anyone may list the plants they have access to; only MANAGE_PLANTS (admins) create or change
plants and departments, within their organization. Codes are unique per organization (plants)
and per plant (departments). Plants are deactivated, never deleted. Plants and departments may keep a
second name (services/core/display_names.py); reads carry `display_name` in the viewer's language.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.organization import Department, Plant
from services.core.access import (
    Actor,
    Permission,
    require,
    require_plant_visible,
)
from services.core.audit import audit
from services.core.changes import apply_changes, stamp
from services.core.display_names import display_name, second_name, set_second_name
from services.core.errors import Conflict
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped, visible_plant
from services.core.validation import CODE_RE, check, timezone_problem
from services.org import events as org_events
from services.org.settings import settings_for


class PlantCreate(BaseModel):
    code: str
    name: str
    name2: str = ""                     # the name in a second language (services/core/display_names.py)
    name2_language: str | None = None   # en, ja or ko; None: what name2's script says
    timezone: str | None = None         # None: the organization's default (its settings)


class PlantUpdate(BaseModel):
    name: str | None = None
    name2: str | None = None
    name2_language: str | None = None
    timezone: str | None = None
    is_active: bool | None = None


class PlantRead(BaseModel):
    id: int
    organization_id: int
    code: str
    name: str
    name2: str = ""
    name2_language: str | None = None
    display_name: str = ""              # the name in the viewer's language
    timezone: str
    is_active: bool


class DepartmentCreate(BaseModel):
    plant_id: int
    code: str
    name: str
    name2: str = ""                     # the name in a second language (services/core/display_names.py)
    name2_language: str | None = None   # en, ja or ko; None: what name2's script says


class DepartmentUpdate(BaseModel):
    name: str | None = None
    name2: str | None = None
    name2_language: str | None = None
    is_active: bool | None = None


class DepartmentRead(BaseModel):
    id: int
    plant_id: int
    code: str
    name: str
    name2: str = ""
    name2_language: str | None = None
    display_name: str = ""              # the name in the viewer's language
    is_active: bool


def list_plants(session: Session, actor: Actor, *, include_inactive: bool = False) -> list[PlantRead]:
    query = select(Plant).where(Plant.organization_id == actor.organization_id, col(Plant.id).in_(actor.plant_ids or {-1}))
    if not include_inactive:
        query = query.where(Plant.is_active == True)  # noqa: E712
    return [plant_read(p) for p in session.exec(query.order_by(Plant.code)).all()]


def get_plant(session: Session, actor: Actor, plant_id: int) -> PlantRead:
    return plant_read(visible_plant(session, actor, plant_id))


def create_plant(session: Session, actor: Actor, data: PlantCreate, *, now: datetime) -> PlantRead:
    require(actor, Permission.MANAGE_PLANTS)
    code, name = (data.code or "").strip().upper(), (data.name or "").strip()
    problems = _name_code_problems(code, name)
    name2, name2_language = second_name(data.name2, data.name2_language, problems)
    timezone = data.timezone if data.timezone is not None else settings_for(session, actor.organization_id).timezone
    tz_problem = timezone_problem(timezone or "")
    if tz_problem:
        problems["timezone"] = tz_problem
    check(problems)
    if session.exec(select(Plant.id).where(Plant.organization_id == actor.organization_id, Plant.code == code)).first():
        raise Conflict(t("A plant with code {code} exists.", code=code), fields={"code": t("Already used.")})
    plant = Plant(organization_id=actor.organization_id, code=code, name=name, name2=name2,
                  name2_language=name2_language, timezone=timezone,
                  created_at=now, updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
    session.add(plant)
    session.flush()
    audit(session, actor, "plant", plant.id, "create", {"code": code, "name": name, "timezone": data.timezone,
                                                        **({"name2": name2, "name2_language": name2_language}
                                                           if name2 else {})},
          plant_id=plant.id, at=now)
    record(session, org_events.PlantCreated(organization_id=actor.organization_id, plant_id=pk(plant),
                                           actor_user_id=actor.user_id, at=now))
    return plant_read(plant)


def update_plant(session: Session, actor: Actor, plant_id: int, data: PlantUpdate, *, now: datetime) -> PlantRead:
    require(actor, Permission.MANAGE_PLANTS)
    plant = visible_plant(session, actor, plant_id)
    problems = _name_problems(data.name)
    name2, name2_language = second_name(data.name2, data.name2_language, problems,
                                        current=(plant.name2, plant.name2_language))
    if data.timezone is not None and (problem := timezone_problem(data.timezone)):
        problems["timezone"] = problem
    check(problems)
    changes = apply_changes(plant, {"name": data.name.strip() if data.name is not None else None,
                                    "timezone": data.timezone, "is_active": data.is_active})
    changes |= set_second_name(plant, name2, name2_language)
    if changes:
        session.add(stamp(plant, actor, now))
        audit(session, actor, "plant", plant.id, "update", changes, plant_id=plant.id, at=now)
        record(session, org_events.PlantUpdated(organization_id=actor.organization_id, plant_id=pk(plant),
                                               actor_user_id=actor.user_id, at=now))
    return plant_read(plant)


def plant_read(plant: Plant) -> PlantRead:
    return PlantRead(id=pk(plant), organization_id=plant.organization_id, code=plant.code, name=plant.name,
                     name2=plant.name2, name2_language=plant.name2_language, display_name=display_name(plant),
                     timezone=plant.timezone, is_active=plant.is_active)


def list_departments(session: Session, actor: Actor, plant_id: int | None = None, *,
                     include_inactive: bool = False) -> list[DepartmentRead]:
    query = select(Department).where(Department.organization_id == actor.organization_id,
                                     col(Department.plant_id).in_(actor.plant_ids or {-1}))
    if plant_id is not None:
        require_plant_visible(actor, plant_id, "Plant")
        query = query.where(Department.plant_id == plant_id)
    if not include_inactive:
        query = query.where(Department.is_active == True)  # noqa: E712
    rows = session.exec(query.order_by(col(Department.plant_id), col(Department.code))).all()
    return [department_read(d) for d in rows]


def create_department(session: Session, actor: Actor, data: DepartmentCreate, *, now: datetime) -> DepartmentRead:
    require(actor, Permission.MANAGE_PLANTS)
    plant = visible_plant(session, actor, data.plant_id)
    code, name = (data.code or "").strip().upper(), (data.name or "").strip()
    problems = _name_code_problems(code, name)
    name2, name2_language = second_name(data.name2, data.name2_language, problems)
    check(problems)
    if session.exec(select(Department.id).where(Department.plant_id == plant.id, Department.code == code)).first():
        raise Conflict(t("Plant {code} already has a department {code2}.",
                         code=plant.code, code2=code), fields={"code": t("Already used.")})
    dept = Department(organization_id=actor.organization_id, plant_id=pk(plant), code=code, name=name, name2=name2,
                      name2_language=name2_language, created_at=now, updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
    session.add(dept)
    session.flush()
    audit(session, actor, "department", dept.id, "create",
          {"plant_id": plant.id, "code": code, "name": name,
           **({"name2": name2, "name2_language": name2_language} if name2 else {})}, plant_id=plant.id, at=now)
    record(session, org_events.DepartmentCreated(organization_id=actor.organization_id, department_id=pk(dept),
                                                plant_id=plant.id, actor_user_id=actor.user_id, at=now))
    return department_read(dept)


def update_department(session: Session, actor: Actor, department_id: int, data: DepartmentUpdate, *,
                      now: datetime) -> DepartmentRead:
    require(actor, Permission.MANAGE_PLANTS)
    dept = get_scoped(session, actor, Department, department_id, t("Department"))
    problems = _name_problems(data.name)
    name2, name2_language = second_name(data.name2, data.name2_language, problems,
                                        current=(dept.name2, dept.name2_language))
    check(problems)
    changes = apply_changes(dept, {"name": data.name.strip() if data.name is not None else None,
                                   "is_active": data.is_active})
    changes |= set_second_name(dept, name2, name2_language)
    if changes:
        session.add(stamp(dept, actor, now))
        audit(session, actor, "department", dept.id, "update", changes, plant_id=dept.plant_id, at=now)
        record(session, org_events.DepartmentUpdated(organization_id=actor.organization_id, department_id=pk(dept),
                                                    plant_id=dept.plant_id, actor_user_id=actor.user_id, at=now))
    return department_read(dept)


def department_read(dept: Department) -> DepartmentRead:
    return DepartmentRead(id=pk(dept), plant_id=dept.plant_id, code=dept.code, name=dept.name, name2=dept.name2,
                          name2_language=dept.name2_language, display_name=display_name(dept),
                          is_active=dept.is_active)


def _name_code_problems(code: str, name: str) -> dict[str, str]:
    problems = {} if CODE_RE.match(code) else {"code": t("Use 1 to 32 letters, digits, dot, dash or underscore.")}
    return problems | _name_problems(name)


def _name_problems(name: str | None) -> dict[str, str]:
    """Problems with a name; None means an update leaves the name alone."""
    if name is None:
        return {}
    if not name.strip():
        return {"name": "Required."}
    if len(name.strip()) > 200:
        return {"name": t("Use at most 200 characters.")}
    return {}

