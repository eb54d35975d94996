"""Custom fields admin state: choose an entity type, see its fields (retired ones too), define,
change, retire, bring back or delete one. services.config.custom_fields keeps every rule."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import Option, decimal_text, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.config import custom_fields, type_lists
from services.config.custom_fields import (
    CustomFieldCreate,
    CustomFieldRead,
    CustomFieldUpdate,
)
from services.core.errors import DomainError

TYPE_LABELS = {"text": _("Text"), "number": _("Number"), "date": _("Date"), "boolean": _("Yes / no"),
               "choice": _("Choice from a type list"), "user": _("User")}
ENTITY_LABELS = {"work_order": _("Work orders"), "product": _("Products"), "ncr": _("NCRs"),
                 "sop_ticket": _("SOP tickets"), "maintenance_ticket": _("Maintenance tickets"),
                 "shipment": _("Shipments"), "lot": _("Lots"), "project": _("Projects")}


@dataclass
class FieldRow:
    id: int = 0
    key: str = ""
    label: str = ""
    field_type: str = "text"
    type_label: str = ""
    required: bool = False
    help_text: str = ""
    unit: str = ""
    min_value: str = ""
    max_value: str = ""
    type_list_key: str = ""
    rule: str = ""                 # what the field accepts, in a few words
    position: int = 100
    is_active: bool = True


def field_row(d: CustomFieldRead, list_names: dict[str, str]) -> FieldRow:
    low, high = decimal_text(d.min_value), decimal_text(d.max_value)
    rule = ""
    if d.field_type == "number" and (low or high or d.unit):
        rule = f"{low or '…'} – {high or '…'} {d.unit}".strip() if (low or high) else d.unit
    elif d.field_type == "choice":
        rule = list_names.get(d.type_list_key, d.type_list_key)
    return FieldRow(id=d.id, key=d.key, label=d.label, field_type=d.field_type.value,
                    type_label=TYPE_LABELS[d.field_type.value], required=d.required, help_text=d.help_text,
                    unit=d.unit, min_value=low, max_value=high, type_list_key=d.type_list_key, rule=rule,
                    position=d.position, is_active=d.is_active)


class CustomFieldsState(AuthState):
    entity_type: str = "product"
    entity_options: list[Option] = []
    list_options: list[Option] = []
    rows: list[FieldRow] = []
    loading: bool = True
    load_error: str = ""
    form_open: bool = False
    form_mode: str = "create"
    editing: FieldRow = FieldRow()
    form_type: str = "text"            # the type picked in the dialog (shows unit/range or list)
    form_errors: dict[str, str] = {}

    @rx.event
    def enter(self):
        self.form_open, self.loading = False, True
        self.entity_options = [Option(value=e.key, label=ENTITY_LABELS.get(e.key, e.label))
                               for e in custom_fields.entity_types()]
        return CustomFieldsState.load

    @rx.event
    def load(self):
        try:
            lists = self._use_case(type_lists.lists)
            defs = self._use_case(custom_fields.definitions, self.entity_type, include_retired=True)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        names = {t.key: t.name for t in lists}
        self.list_options = [Option(value=t.key, label=t.name) for t in lists]
        self.rows = [field_row(d, names) for d in defs]
        self.loading, self.load_error = False, ""

    @rx.event
    def set_entity_type(self, value: str):
        if any(o.value == value for o in self.entity_options):
            self.entity_type = value
        return CustomFieldsState.load

    @rx.event
    def set_form_open(self, is_open: bool):
        self.form_open = bool(is_open)

    @rx.event
    def set_form_type(self, value: str):
        self.form_type = value if value in TYPE_LABELS else "text"

    @rx.event
    def open_new(self):
        self.form_mode, self.editing, self.form_type, self.form_errors = "create", FieldRow(), "text", {}
        self.form_open = True

    @rx.event
    def open_edit(self, field_id: int):
        row = next((r for r in self.rows if r.id == as_id(field_id)), None)
        if row is not None:
            self.form_mode, self.editing, self.form_type, self.form_errors = "edit", row, row.field_type, {}
            self.form_open = True

    @rx.event
    def save(self, form: dict):
        text = lambda name: str(form.get(name) or "").strip()  # noqa: E731  (an input not shown comes as None)
        required = text("required").lower() in ("on", "true", "1")
        try:
            position = int(text("position") or "100")
        except ValueError:
            self.form_errors = {"position": _("Enter a whole number.")}
            return
        shaped = dict(label=text("label"), required=required, help_text=text("help_text"), unit=text("unit"),
                      min_value=text("min_value"), max_value=text("max_value"),
                      type_list_key=text("type_list_key"), position=position)
        try:
            if self.form_mode == "create":
                saved = self._use_case(custom_fields.create_definition, CustomFieldCreate(
                    entity_type=self.entity_type, key=text("key"), field_type=self.form_type, **shaped), now=utcnow())
            else:
                saved = self._use_case(custom_fields.update_definition, self.editing.id, CustomFieldUpdate(**shaped), now=utcnow())
        except DomainError as error:
            self.form_errors = translated_fields(error)
            return self._refused(error)
        self.form_open, self.form_errors = False, {}
        return [rx.toast.success(_("Custom field saved") + f": {saved.label}"), CustomFieldsState.load]

    @rx.event
    def set_active(self, field_id: int, active: bool):
        try:
            saved = self._use_case(custom_fields.set_definition_active, as_id(field_id), bool(active), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        done = _("Reactivated") if saved.is_active else _("Retired")
        return [rx.toast.success(f"{done}: {saved.label}"), CustomFieldsState.load]

    @rx.event
    def delete(self, field_id: int):
        try:
            self._use_case(custom_fields.delete_definition, as_id(field_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Custom field deleted")), CustomFieldsState.load]
