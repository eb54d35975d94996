"""Form layouts: an organization's arrangement of an entity's form (sections, field order, required flags
and help texts of built-in and custom fields), and the required check it drives in the entity's service.

Interface for other modules (stable):
- `register_form(entity_type, label, fields)`: an entity whose form can be laid out, with its built-in fields
  (`BuiltinField(key, label, required, after)`: `required` is what its service itself demands; `after` places a
  field added later in layouts saved before it); domains register
  at import, as they register custom field entity types;
- `get_layout(session, actor, entity_type) -> FormLayoutRead`: the saved layout, or the default (one section
  of built-in fields, one of active custom fields), always holding every current field exactly once;
- `save_layout(session, actor, entity_type, data, *, now)`: validated, audited, announced;
- `reset_layout(session, actor, entity_type, *, now)`: back to the default;
- `required_problems(session, actor, entity_type, values)`: the field errors of fields a saved layout requires
  and `values` leaves empty ({"code": "Code is required. <help>"}; none without a saved layout: the services'
  own messages stand); services pass built-in values by name and custom values as "custom.<key>", so the UI
  and the API get the same messages.

Invariants: field keys are the keys of field errors (built-in by name, custom as "custom.<key>"); a saved
layout names no unknown field and no field twice, and fields it does not name (custom fields defined later)
are shown at the end of its last section; a built-in field the service requires stays required (a layout
tightens, never loosens), and so does a custom field whose definition is required; retired custom fields
are not laid out. Everyone of the organization reads layouts; CONFIGURE changes them; another organization's
layout is never reachable (the actor's organization is the key). Nothing here commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.config import CustomFieldDefinition
from models.form_layouts import FormLayout
from services.core.access import Actor, Permission, require
from services.core.changes import announce, stamp, stamp_new
from services.core.errors import Invalid, NotFound
from services.core.messages import as_message, t
from services.core.validation import check

ENTITY = "form_layout"
MAX_SECTIONS = 20
MAX_TITLE = 100
MAX_HELP = 500


@dataclass(frozen=True)
class BuiltinField:
    key: str
    label: str
    required: bool = False       # what the entity's service itself demands
    after: str = ""              # a field added after layouts were saved: one that does not name it shows it here


@dataclass(frozen=True)
class FormEntity:
    key: str
    label: str
    fields: tuple[BuiltinField, ...]


_forms: dict[str, FormEntity] = {}


def register_form(entity_type: str, label: str, fields: list[BuiltinField]) -> None:
    _forms[entity_type] = FormEntity(entity_type, label, tuple(fields))


def form_entities() -> list[FormEntity]:
    return sorted(_forms.values(), key=lambda f: f.label)


class LayoutField(BaseModel):
    key: str
    label: str
    custom: bool                 # a custom field (key "custom.<key>")
    required: bool               # required on this form
    minimum_required: bool       # required by the service or the field's definition: cannot be turned off
    help: str = ""


class LayoutSection(BaseModel):
    title: str
    fields: list[LayoutField]


class FormLayoutRead(BaseModel):
    entity_type: str
    label: str
    saved: bool                  # False: the default layout
    sections: list[LayoutSection]


class FieldPlacement(BaseModel):
    key: str
    required: bool = False
    help: str = ""


class SectionPlacement(BaseModel):
    title: str
    fields: list[FieldPlacement] = []


class FormLayoutSave(BaseModel):
    sections: list[SectionPlacement]


def get_layout(session: Session, actor: Actor, entity_type: str) -> FormLayoutRead:
    require(actor, Permission.VIEW)
    form = _form(entity_type)
    fields = _fields(session, actor, form)
    row = _row(session, actor, entity_type)
    if row is None:
        return FormLayoutRead(entity_type=entity_type, label=form.label, saved=False, sections=_default(fields))
    return FormLayoutRead(entity_type=entity_type, label=form.label, saved=True,
                          sections=_arrange(fields, row.sections, {b.key: b.after for b in form.fields if b.after}))


def save_layout(session: Session, actor: Actor, entity_type: str, data: FormLayoutSave, *,
                now: datetime) -> FormLayoutRead:
    """Store the organization's layout of the entity's form; Invalid with `sections` / `sections.N...` field
    errors when a title is empty or long, a field is unknown or placed twice, or a minimum requirement is loosened."""
    require(actor, Permission.CONFIGURE)
    form = _form(entity_type)
    fields = {f.key: f for f in _fields(session, actor, form)}
    sections = _clean(data, fields)
    row = _row(session, actor, entity_type)
    before = None if row is None else row.sections
    if row is None:
        row = stamp_new(FormLayout(organization_id=actor.organization_id, entity_type=entity_type, sections=sections),
                        actor, now)
    elif row.sections != sections:
        row.sections = sections
        stamp(row, actor, now)
    if before != sections:
        session.add(row)
        session.flush()
        announce(session, actor, ENTITY, row.id, "create" if before is None else "update",
                 {"entity_type": entity_type, "sections": {"before": before, "after": sections}}, now=now)
    return get_layout(session, actor, entity_type)


def reset_layout(session: Session, actor: Actor, entity_type: str, *, now: datetime) -> FormLayoutRead:
    """Delete the saved layout: the form goes back to the default."""
    require(actor, Permission.CONFIGURE)
    _form(entity_type)
    row = _row(session, actor, entity_type)
    if row is not None:
        snapshot = {"entity_type": entity_type, "sections": row.sections}
        row_id = row.id
        session.delete(row)
        session.flush()
        announce(session, actor, ENTITY, row_id, "delete", snapshot, now=now)
    return get_layout(session, actor, entity_type)


def required_problems(session: Session, actor: Actor, entity_type: str, values: dict[str, Any]) -> dict[str, str]:
    """{field key: "<label> is required. <help>"} for each field the layout requires that `values` leaves empty
    (None, blank text or absent). Only fields named in `values` or custom fields are checked, so a service
    passes every built-in value it takes."""
    if entity_type not in _forms:
        return {}
    layout = get_layout(session, actor, entity_type)
    if not layout.saved:
        return {}        # the default layout requires what the services and definitions do, with their own messages
    problems: dict[str, str] = {}
    for section in layout.sections:
        for f in section.fields:
            if not f.required or (not f.custom and f.key not in values):
                continue
            value = values.get(f.key)
            if value is None or (isinstance(value, str) and not value.strip()):
                problems[f.key] = (t("{field} is required. {help}", field=_label(f), help=f.help) if f.help
                                   else t("{field} is required.", field=_label(f)))
    return problems


# ---- helpers -------------------------------------------------------------------------------------

def _form(entity_type: str) -> FormEntity:
    form = _forms.get(entity_type)
    if form is None:
        raise NotFound(t("No form layout for '{entity_type}'. Pick one of: {choices}.", entity_type=entity_type,
                           choices=", ".join(sorted(_forms))))
    return form


def _row(session: Session, actor: Actor, entity_type: str) -> FormLayout | None:
    return session.exec(select(FormLayout).where(FormLayout.organization_id == actor.organization_id,
                                                 FormLayout.entity_type == entity_type)).first()


def _fields(session: Session, actor: Actor, form: FormEntity) -> list[LayoutField]:
    """Every field of the form, in default order with default flags: built-in, then active custom fields."""
    result = [LayoutField(key=b.key, label=b.label, custom=False, required=b.required, minimum_required=b.required)
              for b in form.fields]
    definitions = session.exec(select(CustomFieldDefinition).where(
        CustomFieldDefinition.organization_id == actor.organization_id,
        CustomFieldDefinition.entity_type == form.key, col(CustomFieldDefinition.is_active))
        .order_by(col(CustomFieldDefinition.position), col(CustomFieldDefinition.key))).all()
    result += [LayoutField(key=f"custom.{d.key}", label=d.label, custom=True, required=d.required,
                           minimum_required=d.required, help=d.help_text) for d in definitions]
    return result


def _default(fields: list[LayoutField]) -> list[LayoutSection]:
    """Built-in fields under "Details", custom ones under "Additional fields" (a form of custom fields only, such
    as a work order's: all under "Details")."""
    builtin, custom = [f for f in fields if not f.custom], [f for f in fields if f.custom]
    if not builtin:
        return [LayoutSection(title="Details", fields=custom)]
    sections = [LayoutSection(title="Details", fields=builtin)]
    if custom:
        sections.append(LayoutSection(title="Additional fields", fields=custom))
    return sections


def _arrange(fields: list[LayoutField], saved: list[dict[str, Any]], after: dict[str, str]) -> list[LayoutSection]:
    """The saved sections with the current fields; a field they do not name goes right after its `after` field
    (a built-in field added later, such as the product's second name after its name), else at the end."""
    by_key = {f.key: f for f in fields}
    placed: set[str] = set()
    sections = []
    for s in saved:
        laid = []
        for entry in s.get("fields", []):
            f = by_key.get(entry.get("key", ""))
            if f is None or f.key in placed:
                continue            # a custom field retired or deleted since
            placed.add(f.key)
            laid.append(f.model_copy(update={"required": f.minimum_required or bool(entry.get("required")),
                                             "help": str(entry.get("help") or "") or f.help}))
        sections.append(LayoutSection(title=str(s.get("title", "")), fields=laid))
    for key, anchor in after.items():
        if key in by_key and key not in placed and anchor in placed:
            section = next(s for s in sections if any(f.key == anchor for f in s.fields))
            section.fields.insert([f.key for f in section.fields].index(anchor) + 1, by_key[key])
            placed.add(key)
    rest = [f for f in fields if f.key not in placed]
    if rest:
        if not sections:
            sections.append(LayoutSection(title="Details", fields=[]))
        sections[-1].fields.extend(rest)
    return sections


def _label(f: LayoutField) -> str:
    """A field's label inside a message: a built-in field's in the person's language, a custom field's as written."""
    return f.label if f.custom else as_message(f.label)


def _clean(data: FormLayoutSave, fields: dict[str, LayoutField]) -> list[dict[str, Any]]:
    problems: dict[str, str] = {}
    if not data.sections:
        problems["sections"] = t("Keep at least one section.")
    elif len(data.sections) > MAX_SECTIONS:
        problems["sections"] = t("Use at most {count} sections.", count=MAX_SECTIONS)
    seen: set[str] = set()
    result = []
    for i, section in enumerate(data.sections):
        title = (section.title or "").strip()
        if not title:
            problems[f"sections.{i}.title"] = t("Give the section a title.")
        elif len(title) > MAX_TITLE:
            problems[f"sections.{i}.title"] = t("Use at most {max_length} characters.", max_length=MAX_TITLE)
        laid = []
        for entry in section.fields:
            where, f = f"sections.{i}.{entry.key}", fields.get(entry.key)
            help_text = (entry.help or "").strip()
            if f is None:
                problems[where] = t("Unknown field {key}.", key=entry.key)
            elif entry.key in seen:
                problems[where] = t("{field} is placed twice.", field=_label(f))
            elif f.minimum_required and not entry.required:
                problems[where] = (t("{field} is always required: change the custom field's definition to make it "
                                     "optional.", field=f.label) if f.custom
                                   else t("{field} is always required.", field=as_message(f.label)))
            elif len(help_text) > MAX_HELP:
                problems[where] = t("Keep the help text of {field} under {max_length} characters.", field=_label(f),
                                    max_length=MAX_HELP)
            seen.add(entry.key)
            laid.append({"key": entry.key, "required": bool(entry.required), "help": help_text})
        result.append({"title": title, "fields": laid})
    check(problems)
    if not result:
        raise Invalid(fields={"sections": t("Keep at least one section.")})
    return result
