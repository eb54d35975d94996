"""/quality/inspect state: the phone page where an operator or inspector records a measurement at
the machine. Choose a characteristic (optionally pre-chosen by `?characteristic=`; `?machine=`
records which machine), type the values, send; the answer says at once whether the point is in
control. Goes through services/quality/inspections.py (INSPECT)."""
from __future__ import annotations

import uuid

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.quality.spc import characteristic_options
from services.core.errors import DomainError
from services.quality import inspection_plans, inspections
from services.quality.inspections import InspectionData


class InspectState(AuthState):
    options: list[Option] = []
    characteristic_id: int = 0
    machine_id: int = 0
    hint: str = ""
    is_attribute: bool = False
    subgroup_size: int = 1
    result: str = ""
    result_ok: bool = True
    errors: dict[str, str] = {}
    loading: bool = True
    load_error: str = ""

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.machine_id, self.result, self.errors = as_id(query.get("machine", "")), "", {}
        try:
            self.options = self._use_case(characteristic_options)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        wanted = as_id(query.get("characteristic", ""))
        ids = [int(o.value) for o in self.options]
        self.loading, self.load_error = False, ""
        return InspectState.choose(str(wanted if wanted in ids else (ids[0] if ids else 0)))

    @rx.event
    def choose(self, value: str):
        self.characteristic_id, self.result = as_id(value), ""
        if not self.characteristic_id:
            return
        try:
            c = self._use_case(inspection_plans.get_characteristic, self.characteristic_id)
        except DomainError as error:
            return self._refused(error)
        self.is_attribute, self.subgroup_size = c.chart_type in ("p", "c"), c.subgroup_size
        limits = " · ".join(f"{k} {v}" for k, v in (("LSL", c.lsl), ("USL", c.usl)) if v is not None)
        self.hint = f"{c.subgroup_size} × {c.unit} {limits}".strip() if not self.is_attribute else c.chart_label

    @rx.event
    def send(self, form: dict):
        raw = str(form.get("values", "")).replace(";", " ").replace(",", " ").split()
        try:
            data = InspectionData(values=[] if self.is_attribute else raw,
                                  inspected=_count(form.get("inspected")), defects=_count(form.get("defects")),
                                  machine_id=self.machine_id or None, lot_reference=str(form.get("lot", ""))[:64],
                                  client_id=str(uuid.uuid4()))
            done = self._use_case(inspections.record_inspection, self.characteristic_id, data, now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.errors = {}
        self.result_ok = not done.alerts
        self.result = (_("Recorded: in control.") if self.result_ok else
                       _("Recorded: OUT OF CONTROL.") + " " + "; ".join(a.description for a in done.alerts))


def _count(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None
