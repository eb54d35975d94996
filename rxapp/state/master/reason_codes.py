"""Reason codes page state: list by kind, create/edit (planned flag, six-big-loss category),
deactivate, delete an unused one, export. services.master.reason_codes keeps the rules."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import MasterList, active_flag
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError
from services.master import reason_codes as reason_service
from services.master.reason_codes import (
    REASON_CODE_COLUMNS,
    ReasonCodeCreate,
    ReasonCodeRead,
    ReasonCodeUpdate,
)

KIND_LABELS = {"downtime": _("Downtime"), "scrap": _("Scrap"), "pause": _("Pause"), "exception": _("Exception")}
LOSS_LABELS = {"breakdown": _("Breakdown"), "setup_adjustment": _("Setup and adjustment"),
               "minor_stop": _("Minor stop"), "reduced_speed": _("Reduced speed"),
               "startup_reject": _("Start-up reject"), "production_reject": _("Production reject"),
               "planned_stop": _("Planned stop")}


@dataclass
class ReasonRow:
    id: int = 0
    kind: str = "downtime"
    kind_label: str = ""
    code: str = ""
    name: str = ""
    planned: bool = False
    loss_category: str = ""
    loss_label: str = ""
    position: int = 100
    is_active: bool = True


def reason_row(r: ReasonCodeRead) -> ReasonRow:
    loss = r.loss_category.value if r.loss_category else ""
    return ReasonRow(id=r.id, kind=r.kind.value, kind_label=KIND_LABELS[r.kind.value], code=r.code, name=r.name,
                     planned=r.planned, loss_category=loss, loss_label=LOSS_LABELS.get(loss, ""),
                     position=r.position, is_active=r.is_active)


class ReasonCodesState(MasterList, AuthState):
    rows: list[ReasonRow] = []
    kind_filter: str = ""
    editing: ReasonRow = ReasonRow()

    _columns: ClassVar[list] = REASON_CODE_COLUMNS
    _export_name: ClassVar[str] = "reason-codes"

    def _fetch(self, session, actor) -> list[ReasonCodeRead]:
        return reason_service.list_reason_codes(session, actor, kind=self.kind_filter or None, search=self.search,
                                                active=active_flag(self.status))

    def _show(self, rows: list[ReasonCodeRead]) -> None:
        self.rows = [reason_row(r) for r in rows]

    @rx.event
    def set_kind_filter(self, value: str):
        self.kind_filter = value if value in KIND_LABELS else ""
        return ReasonCodesState.load

    @rx.event
    def open_new(self):
        self.form_mode, self._edit_id, self.form_errors = "create", 0, {}
        self.editing, self.form_open = ReasonRow(kind=self.kind_filter or "downtime"), True

    @rx.event
    def open_edit(self, reason_id: int):
        try:
            reason = self._use_case(reason_service.get_reason_code, as_id(reason_id))
        except DomainError as error:
            return self._refused(error)
        self.form_mode, self._edit_id, self.form_errors = "edit", reason.id, {}
        self.editing, self.form_open = reason_row(reason), True

    @rx.event
    def save(self, form: dict):
        planned = str(form.get("planned", "")).lower() in ("on", "true", "1")
        try:
            position = int(str(form.get("position", "100")).strip() or "100")
        except ValueError:
            self.form_errors = {"position": _("Enter a whole number.")}
            return
        values = dict(code=str(form.get("code", "")), name=str(form.get("name", "")), planned=planned,
                      loss_category=str(form.get("loss_category", "")), position=position)
        try:
            if self.form_mode == "create":
                reason = self._use_case(reason_service.create_reason_code,
                                        ReasonCodeCreate(kind=str(form.get("kind", "")), **values), now=utcnow())
            else:
                reason = self._use_case(reason_service.update_reason_code, self._edit_id, ReasonCodeUpdate(**values), now=utcnow())
        except DomainError as error:
            return self._form_failed(error)
        return self._saved(_("Reason code saved") + f": {reason.code}")

    @rx.event
    def set_active(self, reason_id: int, active: bool):
        try:
            reason = self._use_case(reason_service.set_reason_code_active, as_id(reason_id), bool(active), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        done = _("Reactivated") if reason.is_active else _("Deactivated")
        return [rx.toast.success(f"{done}: {reason.code}"), ReasonCodesState.load]

    @rx.event
    def delete(self, reason_id: int):
        try:
            self._use_case(reason_service.delete_reason_code, as_id(reason_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Reason code deleted")), ReasonCodesState.load]
