"""Work centers & machines page state: both lists of the actor's plants (filter by plant, search,
status), create/edit dialogs for each, deactivate/reactivate, CSV/Excel export. The plant, the
department and the work center options come from services that only show the actor's plants."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import (
    MasterList,
    Option,
    active_flag,
    download,
    translated_fields,
)
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError
from services.master import work_centers as wc_service
from services.master.work_centers import (
    MACHINE_COLUMNS,
    WORK_CENTER_COLUMNS,
    MachineCreate,
    MachineRead,
    MachineUpdate,
    WorkCenterCreate,
    WorkCenterRead,
    WorkCenterUpdate,
)
from services.org import plants as plant_service


@dataclass
class WorkCenterRow:
    id: int = 0
    plant_id: int = 0
    plant_code: str = ""
    department_id: int = 0
    department_code: str = ""
    code: str = ""
    name: str = ""
    machine_count: int = 0
    is_active: bool = True


@dataclass
class MachineRow:
    id: int = 0
    plant_code: str = ""
    work_center_id: int = 0
    work_center_code: str = ""
    department_id: int = 0
    department_code: str = ""
    code: str = ""
    name: str = ""                      # the main name (the form's)
    shown: str = ""                     # the name in the viewer's language
    other_name: str = ""                # the main name when the viewer sees the second one
    name2: str = ""
    name2_language: str = ""
    is_active: bool = True


def machine_row(m: MachineRead) -> MachineRow:
    shown = m.display_name or m.name
    return MachineRow(id=m.id, plant_code=m.plant_code, work_center_id=m.work_center_id,
                      work_center_code=m.work_center_code, department_id=m.department_id,
                      department_code=m.department_code, code=m.code, name=m.name, shown=shown,
                      other_name=m.name if shown != m.name else "", name2=m.name2,
                      name2_language=m.name2_language or "", is_active=m.is_active)


def _options(session, actor):
    plants = plant_service.list_plants(session, actor)
    departments = plant_service.list_departments(session, actor)
    centers = wc_service.list_work_centers(session, actor)
    return plants, departments, centers


class ResourcesState(MasterList, AuthState):
    rows: list[MachineRow] = []
    work_centers: list[WorkCenterRow] = []
    plant_filter: str = ""
    plant_options: list[Option] = []
    department_options: list[Option] = []
    work_center_options: list[Option] = []
    editing: MachineRow = MachineRow()

    wc_open: bool = False
    wc_mode: str = "create"
    wc_errors: dict[str, str] = {}
    editing_wc: WorkCenterRow = WorkCenterRow()
    _wc_id: int = 0

    _columns: ClassVar[list] = MACHINE_COLUMNS
    _export_name: ClassVar[str] = "machines"

    def _fetch(self, session, actor) -> list[MachineRead]:
        return wc_service.list_machines(session, actor, plant_id=as_id(self.plant_filter) or None, search=self.search,
                                        active=active_flag(self.status))

    def _fetch_centers(self, session, actor) -> list[WorkCenterRead]:
        return wc_service.list_work_centers(session, actor, plant_id=as_id(self.plant_filter) or None,
                                            search=self.search, active=active_flag(self.status))

    def _show(self, rows: list[MachineRead]) -> None:
        self.rows = [machine_row(m) for m in rows]

    @rx.event
    def load(self):
        try:
            machines = self._use_case(self._fetch)
            centers = self._use_case(self._fetch_centers)
            plants, departments, active_centers = self._use_case(_options)
        except DomainError as error:
            self.loading, self.load_error, self.rows, self.work_centers = False, _(error.message), [], []
            return self._refused(error, quiet=True)
        self._show(machines)
        self.work_centers = [WorkCenterRow(**w.model_dump(exclude={"organization_id"})) for w in centers]
        codes = {p.id: p.code for p in plants}
        self.plant_options = [Option(str(p.id), f"{p.code} · {p.display_name or p.name}") for p in plants]
        self.department_options = [Option(str(d.id), f"{codes.get(d.plant_id, '?')} · {d.code} · {d.display_name or d.name}")
                                   for d in departments]
        self.work_center_options = [Option(str(w.id), f"{w.plant_code} · {w.code} · {w.name}") for w in active_centers]
        self.loading, self.load_error = False, ""

    @rx.event
    def set_plant_filter(self, value: str):
        self.plant_filter = str(as_id(value) or "")
        return ResourcesState.load

    # ----- machines (the mixin's form) ------------------------------------------------------------

    @rx.event
    def open_new(self):
        self.form_mode, self._edit_id, self.form_errors = "create", 0, {}
        self.editing, self.form_open = MachineRow(), True

    @rx.event
    def open_edit(self, machine_id: int):
        try:
            m = self._use_case(wc_service.get_machine, as_id(machine_id))
        except DomainError as error:
            return self._refused(error)
        self.form_mode, self._edit_id, self.form_errors = "edit", m.id, {}
        self.editing = machine_row(m)
        self.form_open = True

    @rx.event
    def save(self, form: dict):
        code, name = str(form.get("code", "")), str(form.get("name", ""))
        second = {"name2": str(form.get("name2", "")), "name2_language": str(form.get("name2_language", "")) or None}
        wc_id, dept_id = as_id(form.get("work_center_id")), as_id(form.get("department_id")) or None
        try:
            if self.form_mode == "create":
                m = self._use_case(wc_service.create_machine, MachineCreate(work_center_id=wc_id, code=code, name=name,
                                                                            department_id=dept_id, **second),
                                   now=utcnow())
            else:
                m = self._use_case(wc_service.update_machine, self._edit_id, MachineUpdate(
                    code=code, name=name, work_center_id=wc_id or None, department_id=dept_id, **second),
                    now=utcnow())
        except DomainError as error:
            return self._form_failed(error)
        return self._saved(_("Machine saved") + f": {m.code}")

    @rx.event
    def set_active(self, machine_id: int, active: bool):
        try:
            m = self._use_case(wc_service.set_machine_active, as_id(machine_id), bool(active), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        done = _("Reactivated") if m.is_active else _("Deactivated")
        return [rx.toast.success(f"{done}: {m.code}"), ResourcesState.load]

    # ----- work centers ---------------------------------------------------------------------------

    @rx.event
    def open_new_wc(self):
        self.wc_mode, self._wc_id, self.wc_errors = "create", 0, {}
        self.editing_wc, self.wc_open = WorkCenterRow(plant_id=as_id(self.plant_filter)), True

    @rx.event
    def open_edit_wc(self, work_center_id: int):
        try:
            w = self._use_case(wc_service.get_work_center, as_id(work_center_id))
        except DomainError as error:
            return self._refused(error)
        self.wc_mode, self._wc_id, self.wc_errors = "edit", w.id, {}
        self.editing_wc = WorkCenterRow(**w.model_dump(exclude={"organization_id"}))
        self.wc_open = True

    @rx.event
    def set_wc_open(self, is_open: bool):
        self.wc_open = bool(is_open)

    @rx.event
    def save_wc(self, form: dict):
        code, name, dept_id = str(form.get("code", "")), str(form.get("name", "")), as_id(form.get("department_id"))
        try:
            if self.wc_mode == "create":
                w = self._use_case(wc_service.create_work_center, WorkCenterCreate(
                    plant_id=as_id(form.get("plant_id")), department_id=dept_id, code=code, name=name), now=utcnow())
            else:
                w = self._use_case(wc_service.update_work_center, self._wc_id,
                                   WorkCenterUpdate(code=code, name=name, department_id=dept_id or None), now=utcnow())
        except DomainError as error:
            self.wc_errors = translated_fields(error)
            return self._refused(error)
        self.wc_open, self.wc_errors = False, {}
        return [rx.toast.success(_("Work center saved") + f": {w.code}"), ResourcesState.load]

    @rx.event
    def set_wc_active(self, work_center_id: int, active: bool):
        try:
            w = self._use_case(wc_service.set_work_center_active, as_id(work_center_id), bool(active), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        done = _("Reactivated") if w.is_active else _("Deactivated")
        return [rx.toast.success(f"{done}: {w.code}"), ResourcesState.load]

    @rx.event
    def export_work_centers(self, fmt: str):
        try:
            rows = self._use_case(self._fetch_centers)
        except DomainError as error:
            return self._refused(error)
        return download(rows, WORK_CENTER_COLUMNS, "work-centers", fmt)
