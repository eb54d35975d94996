"""How entities' custom values are shown and searched: the inputs of a form, the text people read,
the columns and typed cells of an export, and the filters of a list.

Everything here reads definitions through `custom_fields.definitions` (VIEW); retired fields still
show and export the values entities keep, while forms offer active fields only.
"""
from __future__ import annotations

from decimal import InvalidOperation
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.config import FieldType
from models.user import User
from services.config import type_lists
from services.config.custom_field_values import filter_clause, is_empty, typed
from services.config.custom_fields import definitions
from services.core.access import Actor
from services.core.errors import Invalid
from services.core.messages import t


class FieldInput(BaseModel):
    """One active field as a form shows it: its definition, the entity's value as text, and the
    choices a choice or user field offers (value, label)."""
    key: str
    label: str
    field_type: FieldType
    required: bool
    unit: str
    help_text: str
    value: str
    choices: list[tuple[str, str]] = []


def form_inputs(session: Session, actor: Actor, entity_type: str,
                current: dict[str, Any] | None = None) -> list[FieldInput]:
    """The active fields of an entity type with `current` values as text, ready for a form."""
    current = current or {}
    users: list[tuple[str, str]] | None = None
    out = []
    for d in definitions(session, actor, entity_type):
        choices: list[tuple[str, str]] = []
        if d.field_type == FieldType.CHOICE:
            choices = [(str(v.id), v.label) for v in type_lists.values(session, actor, d.type_list_key)]
        elif d.field_type == FieldType.USER:
            if users is None:
                users = [(str(uid), name) for uid, name in session.exec(
                    select(User.id, func.coalesce(func.nullif(User.full_name, ""), User.username)).where(
                        User.organization_id == actor.organization_id, User.is_active).order_by(User.username)).all()]
            choices = users
        value = current.get(d.key)
        text = "" if value is None else ("true" if value is True else "false" if value is False else str(value))
        out.append(FieldInput(key=d.key, label=d.label, field_type=d.field_type, required=d.required, unit=d.unit,
                              help_text=d.help_text, value=text, choices=choices))
    return out


def display_values(session: Session, actor: Actor, entity_type: str,
                   customs: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Each entity's custom values as text people read (list labels, user names, units)."""
    typed = export_values(session, actor, entity_type, customs)
    defs = definitions(session, actor, entity_type, include_retired=True)
    out = []
    for row in typed:
        shown = {}
        for d in defs:
            value = row.get(f"custom.{d.key}")
            if value is None:
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            shown[d.key] = f"{value} {d.unit}".strip() if d.field_type == FieldType.NUMBER else str(value)
        out.append(shown)
    return out


def export_columns(session: Session, actor: Actor, entity_type: str) -> list[tuple[str, str]]:
    """(column, header) pairs for the active fields, to append to a list export."""
    return [(f"custom.{d.key}", f"{d.label} ({d.unit})" if d.unit else d.label)
            for d in definitions(session, actor, entity_type)]


def export_values(session: Session, actor: Actor, entity_type: str,
                  customs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each entity's values keyed `custom.<key>`, typed for a spreadsheet: Decimal, date, bool, or
    the label of a list value / the name of a user."""
    defs = definitions(session, actor, entity_type, include_retired=True)
    choice_labels = {d.type_list_key: type_lists.labels(session, actor, d.type_list_key)
                     for d in defs if d.field_type == FieldType.CHOICE}
    user_ids = {v for c in customs for d in defs if d.field_type == FieldType.USER
                for v in [(c or {}).get(d.key)] if isinstance(v, int)}
    names = dict(session.exec(select(User.id, func.coalesce(func.nullif(User.full_name, ""), User.username)).where(
        col(User.id).in_(user_ids), User.organization_id == actor.organization_id)).all()) if user_ids else {}
    out = []
    for custom in customs:
        row = {}
        for d in defs:
            value = (custom or {}).get(d.key)
            if value is None:
                continue
            row[f"custom.{d.key}"] = typed(d, value, choice_labels, names)
        out.append(row)
    return out


def with_custom_columns(session: Session, actor: Actor, entity_type: str, rows: list[BaseModel],
                        columns: list) -> tuple[list[dict[str, Any]], list]:
    """Rows (Read models with a `custom` dict) as export dicts with one typed cell per active
    custom field, and `columns` followed by those fields' (column, header) pairs."""
    extra = export_columns(session, actor, entity_type)
    typed = export_values(session, actor, entity_type, [getattr(r, "custom", None) or {} for r in rows])
    return [{**r.model_dump(), **cells} for r, cells in zip(rows, typed, strict=True)], [*columns, *extra]


def apply_filters(session: Session, actor: Actor, entity_type: str, query, model, filters: dict[str, Any] | None):
    """`query` narrowed by {field key: wanted value} (empty values are ignored)."""
    if not filters:
        return query
    by_key = {d.key: d for d in definitions(session, actor, entity_type, include_retired=True)}
    for key, wanted in filters.items():
        if is_empty(wanted):
            continue
        if key not in by_key:
            raise Invalid(fields={f"custom.{key}": t("Unknown field.")})
        try:
            query = query.where(filter_clause(session, entity_type, model, key, wanted, by_key[key].field_type))
        except (ValueError, InvalidOperation):
            raise Invalid(fields={f"custom.{key}": t("Not a value this field can hold.")}) from None
    return query
