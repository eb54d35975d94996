"""Form layouts admin state: choose an entity, arrange its form's sections and fields (move up and down, across
sections at their edges), toggle required, edit help texts, add, rename and remove sections, preview the form as it
will render, save or go back to the default. services.config.form_layouts keeps every rule (a required built-in
field stays required, no field twice); this state only holds the draft the person is arranging."""
from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState
from services.config import form_layouts
from services.config.form_layouts import FormLayoutRead, FormLayoutSave
from services.core.errors import DomainError

MAX_HELP = form_layouts.MAX_HELP


@dataclass
class LayoutItem:
    key: str = ""
    label: str = ""
    custom: bool = False
    required: bool = False
    locked: bool = False           # required by the service or the field's definition: cannot be turned off
    help: str = ""


@dataclass
class LayoutBlock:
    title: str = ""
    fields: list[LayoutItem] = field(default_factory=list)


def blocks(layout: FormLayoutRead) -> list[LayoutBlock]:
    return [LayoutBlock(title=s.title, fields=[
        LayoutItem(key=f.key, label=f.label if f.custom else _(f.label), custom=f.custom, required=f.required,
                   locked=f.minimum_required, help=f.help) for f in s.fields]) for s in layout.sections]


class FormLayoutsState(AuthState):
    entity_type: str = "product"
    entity_options: list[Option] = []
    sections: list[LayoutBlock] = []
    saved: bool = False              # the organization has its own layout (else: the default)
    changed: bool = False            # the draft differs from what was loaded
    loading: bool = True
    load_error: str = ""
    errors: dict[str, str] = {}
    error_messages: list[str] = []   # the refusal, one line per problem, above the editor

    @rx.event
    def enter(self):
        self.loading = True
        self.entity_options = [Option(value=f.key, label=_(f.label))   # form_sections.FORM_LABELS
                               for f in form_layouts.form_entities()]
        return FormLayoutsState.load

    @rx.event
    def load(self):
        try:
            layout = self._use_case(form_layouts.get_layout, self.entity_type)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self._show(layout)
        self.loading, self.load_error = False, ""

    @rx.event
    def set_entity_type(self, value: str):
        if any(o.value == value for o in self.entity_options):
            self.entity_type = value
        return FormLayoutsState.load

    @rx.event
    def move(self, section: int, index: int, step: int):
        """One place up (-1) or down (+1); past a section's edge into the end / start of its neighbour."""
        if not self._has(section, index) or step not in (-1, 1):
            return
        items = self.sections[section].fields
        target = index + step
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
        elif 0 <= section + step < len(self.sections):
            moved = items.pop(index)
            neighbour = self.sections[section + step].fields
            if step < 0:
                neighbour.append(moved)
            else:
                neighbour.insert(0, moved)
        else:
            return
        self._touch()

    @rx.event
    def drop_field(self, spec: str):
        """A field dragged onto another (assets/form_layout_drag.js): "s:i>t:j" puts field i of section s
        where field j of section t is (j = the section's length: at its end)."""
        try:
            source, target = str(spec or "").split("#")[0].split(">")
            section, index = (int(x) for x in source.split(":"))
            to_section, to_index = (int(x) for x in target.split(":"))
        except ValueError:
            return
        if not self._has(section, index) or not 0 <= to_section < len(self.sections):
            return
        moved = self.sections[section].fields.pop(index)
        items = self.sections[to_section].fields
        if to_section == section and to_index > index:
            to_index -= 1
        items.insert(max(0, min(to_index, len(items))), moved)
        self._touch()

    @rx.event
    def toggle_required(self, section: int, index: int):
        if self._has(section, index):
            item = self.sections[section].fields[index]
            if not item.locked:
                item.required = not item.required
                self._touch()

    @rx.event
    def set_help(self, section: int, index: int, text: str):
        if self._has(section, index):
            self.sections[section].fields[index].help = str(text or "")[:MAX_HELP]
            self._touch()

    @rx.event
    def add_section(self):
        self.sections.append(LayoutBlock(title=_("New section")))
        self._touch()

    @rx.event
    def rename_section(self, section: int, title: str):
        if 0 <= section < len(self.sections):
            self.sections[section].title = str(title or "")[:form_layouts.MAX_TITLE]
            self._touch()

    @rx.event
    def remove_section(self, section: int):
        """Drop a section; its fields join the section before it (the next one for the first)."""
        if not 0 <= section < len(self.sections) or len(self.sections) < 2:
            return rx.toast.error(_("Keep at least one section."))
        removed = self.sections.pop(section)
        keeper = self.sections[section - 1] if section > 0 else self.sections[0]
        if section > 0:
            keeper.fields.extend(removed.fields)
        else:
            keeper.fields[:0] = removed.fields
        self._touch()

    @rx.event
    def save(self):
        data = FormLayoutSave(sections=[{"title": s.title, "fields": [
            {"key": f.key, "required": f.required, "help": f.help} for f in s.fields]} for s in self.sections])
        try:
            layout = self._use_case(form_layouts.save_layout, self.entity_type, data, now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            self.error_messages = list(self.errors.values())
            return self._refused(error)
        self._show(layout)
        return rx.toast.success(_("Form layout saved"))

    @rx.event
    def use_default(self):
        try:
            layout = self._use_case(form_layouts.reset_layout, self.entity_type, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        self._show(layout)
        return rx.toast.success(_("The form is back to its default layout"))

    @rx.event
    def discard(self):
        return FormLayoutsState.load

    def _show(self, layout: FormLayoutRead) -> None:
        self.sections, self.saved, self.changed, self.errors = blocks(layout), layout.saved, False, {}
        self.error_messages = []

    def _has(self, section: int, index: int) -> bool:
        return 0 <= section < len(self.sections) and 0 <= index < len(self.sections[section].fields)

    def _touch(self) -> None:
        self.changed, self.errors, self.error_messages = True, {}, []
        self.sections = list(self.sections)       # nested edits reach the browser
