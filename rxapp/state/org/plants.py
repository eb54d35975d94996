"""Plants admin: plants (create, rename, time zone, deactivate/activate) and their departments
(create, rename, deactivate/activate). services.org.plants keeps the rules (admins only, own
organization and visible plants only, unique codes)."""
from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import available_timezones

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState, as_id
from services.core.access import Permission, require
from services.core.errors import DomainError
from services.org import plants as plant_service

TIMEZONES = sorted(available_timezones() - {"Factory", "localtime"})


@dataclass
class DepartmentRow:
    id: int = 0
    code: str = ""
    name: str = ""                      # the main name (the rename form's)
    shown: str = ""                     # the name in the viewer's language
    name2: str = ""
    name2_language: str = ""
    is_active: bool = True


@dataclass
class PlantRow:
    id: int = 0
    code: str = ""
    name: str = ""
    timezone: str = ""
    is_active: bool = True
    departments: list[DepartmentRow] = field(default_factory=list)


def _load(session, actor):
    require(actor, Permission.MANAGE_PLANTS)
    return (plant_service.list_plants(session, actor, include_inactive=True),
            plant_service.list_departments(session, actor, include_inactive=True))


def _plant_for_edit(session, actor, plant_id: int):
    require(actor, Permission.MANAGE_PLANTS)
    return plant_service.get_plant(session, actor, plant_id)


class PlantsState(AuthState):
    rows: list[PlantRow] = []
    loading: bool = True
    load_error: str = ""

    plant_open: bool = False
    plant_mode: str = "create"                  # create | edit
    plant_code: str = ""
    plant_name: str = ""
    plant_name2: str = ""
    plant_name2_language: str = ""
    plant_timezone: str = "UTC"
    plant_errors: dict[str, str] = {}
    _plant_id: int = 0

    dept_open: bool = False
    dept_mode: str = "create"
    dept_plant: str = ""
    dept_code: str = ""
    dept_name: str = ""
    dept_name2: str = ""
    dept_name2_language: str = ""
    dept_errors: dict[str, str] = {}
    _dept_plant_id: int = 0
    _dept_id: int = 0

    @rx.event
    def enter(self):
        """on_load: dialogs left open on another visit start closed."""
        self.plant_open = self.dept_open = False
        return PlantsState.load

    @rx.event
    def load(self):
        try:
            plants, departments = self._use_case(_load)
        except DomainError as error:
            self.loading, self.load_error, self.rows = False, _(error.message), []
            return self._refused(error, quiet=True)
        self.rows = [PlantRow(id=p.id, code=p.code, name=p.display_name or p.name, timezone=p.timezone, is_active=p.is_active,
                              departments=[DepartmentRow(id=d.id, code=d.code, name=d.name, shown=d.display_name or d.name,
                                                         name2=d.name2, name2_language=d.name2_language or "",
                                                         is_active=d.is_active)
                                           for d in departments if d.plant_id == p.id])
                     for p in plants]
        self.loading, self.load_error = False, ""

    # ----- plants ------------------------------------------------------------------------------

    @rx.event
    def open_new_plant(self):
        self.plant_mode, self._plant_id = "create", 0
        self.plant_code, self.plant_name, self.plant_timezone = "", "", "UTC"
        self.plant_name2 = self.plant_name2_language = ""
        self.plant_errors, self.plant_open = {}, True

    @rx.event
    def open_edit_plant(self, plant_id: int):
        try:
            plant = self._use_case(_plant_for_edit, as_id(plant_id))
        except DomainError as error:
            return self._refused(error)
        self.plant_mode, self._plant_id = "edit", plant.id
        self.plant_code, self.plant_name, self.plant_timezone = plant.code, plant.name, plant.timezone
        self.plant_name2, self.plant_name2_language = plant.name2, plant.name2_language or ""
        self.plant_errors, self.plant_open = {}, True

    @rx.event
    def set_plant_open(self, is_open: bool):
        self.plant_open = bool(is_open)

    @rx.event
    def save_plant(self, form: dict):
        name, timezone = str(form.get("name", "")), str(form.get("timezone", "")).strip()
        second = {"name2": str(form.get("name2", "")), "name2_language": str(form.get("name2_language", "")) or None}
        try:
            if self.plant_mode == "create":
                plant = self._use_case(plant_service.create_plant, plant_service.PlantCreate(
                    code=str(form.get("code", "")), name=name, timezone=timezone, **second), now=utcnow())
            else:
                plant = self._use_case(plant_service.update_plant, self._plant_id,
                                       plant_service.PlantUpdate(name=name, timezone=timezone, **second),
                                       now=utcnow())
        except DomainError as error:
            self.plant_errors = {k: _(v) for k, v in error.fields.items()}
            return self._refused(error)
        self.plant_open, self.plant_errors = False, {}
        return [rx.toast.success(_("Plant saved") + f": {plant.code}"), PlantsState.load]

    @rx.event
    def set_plant_active(self, plant_id: int, active: bool):
        try:
            plant = self._use_case(plant_service.update_plant, as_id(plant_id),
                                   plant_service.PlantUpdate(is_active=bool(active)), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        done = _("Activated") if plant.is_active else _("Deactivated")
        return [rx.toast.success(f"{done}: {plant.code}"), PlantsState.load]

    # ----- departments -------------------------------------------------------------------------

    @rx.event
    def open_new_department(self, plant_id: int, plant_label: str):
        self.dept_mode, self._dept_plant_id, self._dept_id = "create", as_id(plant_id), 0
        self.dept_plant, self.dept_code, self.dept_name = str(plant_label), "", ""
        self.dept_name2 = self.dept_name2_language = ""
        self.dept_errors, self.dept_open = {}, True

    @rx.event
    def open_rename_department(self, department_id: int, code: str, name: str):
        self.dept_mode, self._dept_id, self._dept_plant_id = "edit", as_id(department_id), 0
        self.dept_plant, self.dept_code, self.dept_name = "", str(code), str(name)
        row = next((d for p in self.rows for d in p.departments if d.id == self._dept_id), DepartmentRow())
        self.dept_name2, self.dept_name2_language = row.name2, row.name2_language
        self.dept_errors, self.dept_open = {}, True

    @rx.event
    def set_dept_open(self, is_open: bool):
        self.dept_open = bool(is_open)

    @rx.event
    def save_department(self, form: dict):
        name = str(form.get("name", ""))
        second = {"name2": str(form.get("name2", "")), "name2_language": str(form.get("name2_language", "")) or None}
        try:
            if self.dept_mode == "create":
                dept = self._use_case(plant_service.create_department, plant_service.DepartmentCreate(
                    plant_id=self._dept_plant_id, code=str(form.get("code", "")), name=name, **second), now=utcnow())
            else:
                dept = self._use_case(plant_service.update_department, self._dept_id,
                                      plant_service.DepartmentUpdate(name=name, **second), now=utcnow())
        except DomainError as error:
            self.dept_errors = {k: _(v) for k, v in error.fields.items()}
            return self._refused(error)
        self.dept_open, self.dept_errors = False, {}
        return [rx.toast.success(_("Department saved") + f": {dept.code}"), PlantsState.load]

    @rx.event
    def set_department_active(self, department_id: int, active: bool):
        try:
            dept = self._use_case(plant_service.update_department, as_id(department_id),
                                  plant_service.DepartmentUpdate(is_active=bool(active)), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        done = _("Activated") if dept.is_active else _("Deactivated")
        return [rx.toast.success(f"{done}: {dept.code}"), PlantsState.load]
