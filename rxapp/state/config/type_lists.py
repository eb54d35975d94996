"""Type lists admin state: the organization's lists, the chosen list's values in pick-list order,
add/edit/move/retire/delete a value, add/rename/delete a custom list. services.config.type_lists keeps
every rule (values in use are retired, never deleted; reason code lists edit reason codes)."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.config import type_lists
from services.config.type_lists import (
    TypeListCreate,
    TypeListRead,
    TypeListUpdate,
    TypeListValueRead,
    ValueCreate,
    ValueUpdate,
)
from services.core.errors import DomainError


@dataclass
class ListRow:
    key: str = ""
    name: str = ""
    description: str = ""
    is_system: bool = False
    backed_by_reason_codes: bool = False
    value_count: int = 0


@dataclass
class ValueRow:
    id: int = 0
    code: str = ""
    label: str = ""
    position: int = 0
    is_active: bool = True


def list_row(t: TypeListRead) -> ListRow:
    return ListRow(key=t.key, name=t.name, description=t.description, is_system=t.is_system,
                   backed_by_reason_codes=t.backed_by_reason_codes, value_count=t.value_count)


def value_row(v: TypeListValueRead) -> ValueRow:
    return ValueRow(id=v.id, code=v.code, label=v.label, position=v.position, is_active=v.is_active)


class TypeListsState(AuthState):
    lists: list[ListRow] = []
    selected: ListRow = ListRow()
    values: list[ValueRow] = []
    show_retired: bool = True
    loading: bool = True
    load_error: str = ""

    value_form_open: bool = False
    value_mode: str = "create"          # create | edit
    editing: ValueRow = ValueRow()
    value_errors: dict[str, str] = {}

    list_form_open: bool = False
    list_mode: str = "create"           # create | edit
    list_errors: dict[str, str] = {}

    @rx.event
    def enter(self):
        self.value_form_open = self.list_form_open = False
        self.loading = True
        return TypeListsState.load

    @rx.event
    def load(self):
        try:
            found = self._use_case(type_lists.lists)
            self.lists = [list_row(t) for t in found]
            keys = [t.key for t in found]
            if self.selected.key not in keys:
                self.selected = self.lists[0] if self.lists else ListRow()
            else:
                self.selected = next(r for r in self.lists if r.key == self.selected.key)
            rows = self._use_case(type_lists.values, self.selected.key, include_retired=self.show_retired) \
                if self.selected.key else []
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self.values = [value_row(v) for v in rows]
        self.loading, self.load_error = False, ""

    @rx.event
    def choose(self, key: str):
        self.selected = next((r for r in self.lists if r.key == key), self.selected)
        return TypeListsState.load

    @rx.event
    def set_show_retired(self, value: bool):
        self.show_retired = bool(value)
        return TypeListsState.load

    @rx.event
    def set_value_form_open(self, is_open: bool):
        self.value_form_open = bool(is_open)

    @rx.event
    def set_list_form_open(self, is_open: bool):
        self.list_form_open = bool(is_open)

    @rx.event
    def open_new_value(self):
        self.value_mode, self.editing, self.value_errors, self.value_form_open = "create", ValueRow(), {}, True

    @rx.event
    def open_edit_value(self, value_id: int):
        row = next((v for v in self.values if v.id == as_id(value_id)), None)
        if row is not None:
            self.value_mode, self.editing, self.value_errors, self.value_form_open = "edit", row, {}, True

    @rx.event
    def save_value(self, form: dict):
        code, label = str(form.get("code") or ""), str(form.get("label") or "")
        try:
            if self.value_mode == "create":
                saved = self._use_case(type_lists.create_value, self.selected.key, ValueCreate(code=code, label=label), now=utcnow())
            else:
                saved = self._use_case(type_lists.update_value, self.selected.key, self.editing.id,
                                       ValueUpdate(code=code, label=label), now=utcnow())
        except DomainError as error:
            self.value_errors = translated_fields(error)
            return self._refused(error)
        self.value_form_open, self.value_errors = False, {}
        return [rx.toast.success(_("Value saved") + f": {saved.code}"), TypeListsState.load]

    @rx.event
    def move(self, value_id: int, step: int):
        return self._act(type_lists.move_value, self.selected.key, as_id(value_id), -1 if as_id(step) < 0 else 1)

    @rx.event
    def set_active(self, value_id: int, active: bool):
        done = _("Reactivated") if active else _("Retired")
        return self._act(type_lists.set_value_active, self.selected.key, as_id(value_id), bool(active), message=done)

    @rx.event
    def delete_value(self, value_id: int):
        return self._act(type_lists.delete_value, self.selected.key, as_id(value_id), message=_("Value deleted"))

    @rx.event
    def open_new_list(self):
        self.list_mode, self.list_errors, self.list_form_open = "create", {}, True

    @rx.event
    def open_edit_list(self):
        self.list_mode, self.list_errors, self.list_form_open = "edit", {}, True

    @rx.event
    def save_list(self, form: dict):
        name, description = str(form.get("name") or ""), str(form.get("description") or "")
        try:
            if self.list_mode == "create":
                saved = self._use_case(type_lists.create_list, TypeListCreate(key=str(form.get("key") or ""), name=name,
                                                                              description=description), now=utcnow())
            else:
                saved = self._use_case(type_lists.update_list, self.selected.key,
                                       TypeListUpdate(name=name, description=description), now=utcnow())
        except DomainError as error:
            self.list_errors = translated_fields(error)
            return self._refused(error)
        self.list_form_open, self.list_errors = False, {}
        self.selected = list_row(saved)
        return [rx.toast.success(_("List saved") + f": {saved.name}"), TypeListsState.load]

    @rx.event
    def delete_list(self):
        return self._act(type_lists.delete_list, self.selected.key, message=_("List deleted"))

    def _act(self, fn, *args, message: str = ""):
        try:
            self._use_case(fn, *args, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(message), TypeListsState.load] if message else TypeListsState.load
