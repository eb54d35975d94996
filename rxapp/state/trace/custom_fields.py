"""Custom fields inside the lots and shipments page states (mixins): the inputs of the receipt /
new-shipment form and its sections in the organization's form layout, the values of the open detail
with their edit form (laid out too) and its field errors, the custom-field filter of the list and the export with one column per field.

The rules stay in services (services/config/custom_fields.py validates, services/trace/custom_values.py stores
changes), so the page shows exactly the `custom.<key>` field errors the REST API answers.
"""
from __future__ import annotations

from typing import Any, ClassVar

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import (
    CustomFilterField,
    CustomInput,
    submitted_custom,
    summary,
)
from rxapp.state.config.form_sections import FormSection, entity_form
from rxapp.state.master.common import translated_fields
from services.config import custom_field_views, custom_fields
from services.core.errors import DomainError
from services.trace import custom_values as trace_custom


class TraceCustomFields(rx.State, mixin=True):
    custom_inputs: list[CustomInput] = []              # the receipt / new shipment form
    form_sections: list[FormSection] = []              # ... as the organization laid it out
    detail_custom: list[CustomInput] = []              # the open lot / shipment
    detail_sections: list[FormSection] = []            # its custom values form, laid out
    detail_custom_summary: str = ""
    detail_custom_version: int = 0                     # remounts the edit form with fresh default values
    custom_errors: dict[str, str] = {}
    custom_filter_fields: list[CustomFilterField] = []
    custom_filter_key: str = ""
    custom_filter_value: str = ""

    _custom_entity: ClassVar[str] = ""
    _custom_updater: ClassVar[Any] = None

    def _custom_filter(self) -> dict[str, str] | None:
        return {self.custom_filter_key: self.custom_filter_value} if self.custom_filter_key else None

    def _load_custom_filter_fields(self) -> None:
        try:
            defs = self._use_case(custom_fields.definitions, self._custom_entity)
        except DomainError:
            defs = []
        self.custom_filter_fields = [CustomFilterField(key=d.key, label=d.label) for d in defs]
        if not any(f.key == self.custom_filter_key for f in self.custom_filter_fields):
            self.custom_filter_key = self.custom_filter_value = ""

    def _load_form_custom(self) -> None:
        """The empty inputs of the create form and its layout (raises DomainError like any use case)."""
        self.custom_inputs, self.form_sections = entity_form(self._use_case, self._custom_entity)

    def _form_custom(self, form: dict | None) -> dict[str, str]:
        return submitted_custom(form or {}, self.custom_inputs)

    def _show_custom(self, current: dict[str, Any]) -> None:
        """The open entity's values: inputs to edit them and a one-line summary to read them."""
        entity = self._custom_entity
        self.detail_custom, self.detail_sections = entity_form(self._use_case, entity, current, custom_only=True)
        shown = self._use_case(custom_field_views.display_values, entity, [current])[0]
        self.detail_custom_summary = summary(shown, {i.key: i.label for i in self.detail_custom})
        self.custom_errors = {}
        self.detail_custom_version += 1

    def _custom_export(self, rows: list, columns: list) -> tuple[list[dict], list]:
        return self._use_case(custom_field_views.with_custom_columns, self._custom_entity, rows, columns)

    def _custom_entity_id(self) -> int:
        raise TypeError(f"{type(self).__name__} must say which entity is open")

    @rx.event
    def set_custom_filter_key(self, key: str):
        self.custom_filter_key = key if any(f.key == key for f in self.custom_filter_fields) else ""
        self.custom_filter_value, self.offset = "", 0
        return type(self).load

    @rx.event
    def set_custom_filter_value(self, value: str):
        self.custom_filter_value, self.offset = str(value or "")[:200], 0
        return type(self).load

    @rx.event
    def save_custom(self, form: dict):
        """Store the open entity's custom values; field errors stay next to their inputs."""
        values = submitted_custom(form, self.detail_custom)
        try:
            found = self._use_case(type(self)._custom_updater, self._custom_entity_id(), values, now=utcnow())
        except DomainError as error:
            self.custom_errors = translated_fields(error)
            return self._refused(error)
        self._show_custom(found.custom)
        return [rx.toast.success(_("Custom fields saved.")), type(self).load]


class LotCustomFields(TraceCustomFields, mixin=True):
    _custom_entity: ClassVar[str] = "lot"
    _custom_updater: ClassVar[Any] = staticmethod(trace_custom.update_lot_custom)

    def _custom_entity_id(self) -> int:
        return self.selected.id


class ShipmentCustomFields(TraceCustomFields, mixin=True):
    _custom_entity: ClassVar[str] = "shipment"
    _custom_updater: ClassVar[Any] = staticmethod(trace_custom.update_shipment_custom)

    def _custom_entity_id(self) -> int:
        return self.detail.id
