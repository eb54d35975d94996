"""Custom fields: admin-defined extra fields per entity type, stored as JSON on the entity.

Interface for other modules (stable):
- `register_entity(key, label, *, model=None, permission=Permission.PLAN)`: an entity type that can
  carry custom fields; `model` is its table (with a JSON `custom` column, `organization_id` and
  optionally `plant_id`), `permission` is what editing its values needs;
- `definitions(session, actor, entity_type, *, include_retired=False) -> list[CustomFieldRead]`;
- `validate(session, actor, entity_type, values, *, current=None) -> dict`: the entity's new
  `custom` dict (current values merged with `values`, cleaned), or `Invalid` whose `fields` hold
  one message per bad field under the key `custom.<field key>`; every door (UI, REST, CLI) gets
  the same messages because they all come from here;
- `set_values(session, actor, entity_type, entity_id, values)` for registered models, and
  `may_set_values(actor, entity_type, *, plant_id=None)`, whether it would be allowed (for the pages' buttons);
  `store_values(session, actor, entity_type, row, values, *, now)` the same step for a service that
  checks its own permission and announces its own event (services/trace/custom_values.py);
- forms, display text, exports and list filters are in services/config/custom_field_views.py; the
  value cleaning and the SQL clause in services/config/custom_field_values.py.

Invariants:
- a definition's key (the JSON key) and entity type never change; keys are unique per
  organization and entity type; definitions are retired (`is_active` False), and deleted only
  while no entity holds a value for them;
- stored values are JSON-native and canonical: text str, number a decimal string ("12.5", exact),
  date ISO "YYYY-MM-DD", boolean true/false, choice the type list value id, user the user id;
  an empty value is absent from the dict;
- required active fields must be present after every change; retired fields keep their stored
  values untouched and are neither validated nor required; unknown keys are refused;
- choice values must be active values of the field's type list, users active users of the
  organization; type list values used by custom fields cannot be deleted (registered usage).
Reading needs VIEW; defining fields needs CONFIGURE.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.catalog import Product
from models.config import CustomFieldDefinition, FieldType
from models.lots import Lot
from models.orders import WorkOrder
from models.shipments import Shipment
from services.config import form_layouts, type_lists
from services.config.custom_field_values import (
    KEY_RE,
    clean_value,
    filter_clause,
    is_empty,
    number_text,
)
from services.core.access import Actor, Permission, can_any, require
from services.core.changes import announce, apply_changes, stamp, stamp_new
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import t, word
from services.core.scoping import get_scoped
from services.core.validation import check, text_problem


@dataclass(frozen=True)
class EntityType:
    key: str
    label: str
    model: Any = None          # its table: a class with `custom`, `organization_id` (and `plant_id`) columns
    permission: Permission = Permission.PLAN


_entities: dict[str, EntityType] = {}


def register_entity(key: str, label: str, *, model: type | None = None,
                    permission: Permission = Permission.PLAN) -> None:
    _entities[key] = EntityType(key, label, model, permission)


for _key, _label, _model, _perm in (
        ("work_order", "Work orders", WorkOrder, Permission.PLAN), ("product", "Products", Product, Permission.PLAN),
        ("ncr", "NCRs", None, Permission.QUALITY), ("sop_ticket", "SOP tickets", None, Permission.SUPERVISE),
        ("maintenance_ticket", "Maintenance tickets", None, Permission.MAINTAIN),
        ("shipment", "Shipments", Shipment, Permission.PLAN), ("lot", "Lots", Lot, Permission.SUPERVISE),
        ("project", "Projects", None, Permission.PLAN)):
    register_entity(_key, _label, model=_model, permission=_perm)


def entity_types() -> list[EntityType]:
    return list(_entities.values())


class CustomFieldRead(BaseModel):
    id: int
    entity_type: str
    key: str
    label: str
    field_type: FieldType
    required: bool
    help_text: str
    unit: str
    min_value: Decimal | None
    max_value: Decimal | None
    type_list_key: str
    position: int
    is_active: bool


class CustomFieldCreate(BaseModel):
    entity_type: str
    key: str
    label: str
    field_type: str
    required: bool = False
    help_text: str = ""
    unit: str = ""
    min_value: Decimal | str | None = None
    max_value: Decimal | str | None = None
    type_list_key: str = ""
    position: int | None = None


class CustomFieldUpdate(BaseModel):
    label: str | None = None
    required: bool | None = None
    help_text: str | None = None
    unit: str | None = None
    min_value: Decimal | str | None = None
    max_value: Decimal | str | None = None
    clear_range: bool = False
    type_list_key: str | None = None
    position: int | None = None


# ---- definitions ---------------------------------------------------------------------------------

def definitions(session: Session, actor: Actor, entity_type: str, *,
                include_retired: bool = False) -> list[CustomFieldRead]:
    require(actor, Permission.VIEW)
    _entity(entity_type)
    query = select(CustomFieldDefinition).where(CustomFieldDefinition.organization_id == actor.organization_id,
                                                CustomFieldDefinition.entity_type == entity_type)
    if not include_retired:
        query = query.where(CustomFieldDefinition.is_active)
    rows = session.exec(query.order_by(col(CustomFieldDefinition.position), col(CustomFieldDefinition.key))).all()
    return [_read(r) for r in rows]


def get_definition(session: Session, actor: Actor, definition_id: int) -> CustomFieldRead:
    require(actor, Permission.VIEW)
    return _read(get_scoped(session, actor, CustomFieldDefinition, definition_id, t("Custom field")))


def create_definition(session: Session, actor: Actor, data: CustomFieldCreate, *,
                      now: datetime) -> CustomFieldRead:
    require(actor, Permission.CONFIGURE)
    problems: dict[str, str] = {}
    if data.entity_type not in _entities:
        problems["entity_type"] = t("Pick one of: {choices}.", choices=", ".join(_entities))
    key = (data.key or "").strip().lower()
    if not KEY_RE.match(key):
        problems["key"] = t("Use 1 to 40 lower-case letters, digits or underscores, starting with a letter.")
    try:
        field_type = FieldType(data.field_type)
    except ValueError:
        problems["field_type"] = t("Pick text, number, date, boolean, choice or user.")
        field_type = None
    clean = _shape(session, actor, field_type, data.label, data.help_text, data.unit, data.min_value, data.max_value,
                   data.type_list_key, 100 if data.position is None else data.position, problems)
    check(problems)
    taken = session.exec(select(CustomFieldDefinition.id).where(
        CustomFieldDefinition.organization_id == actor.organization_id,
        CustomFieldDefinition.entity_type == data.entity_type, CustomFieldDefinition.key == key)).first()
    if taken is not None:
        raise Conflict(t("A field with key {key} exists for this entity type.", key=key), fields={"key": t("Already used.")})
    if data.position is None:
        clean["position"] = _next_position(session, actor, data.entity_type)
    assert field_type is not None            # check() refused an unknown field type
    row = stamp_new(CustomFieldDefinition(organization_id=actor.organization_id, entity_type=data.entity_type,
                                          key=key, field_type=field_type, required=bool(data.required), **clean),
                    actor, now)
    session.add(row)
    session.flush()
    announce(session, actor, "custom_field", row.id, "create",
             {"entity_type": row.entity_type, "key": key, "field_type": field_type.value, **clean}, now=now)
    return _read(row)


def update_definition(session: Session, actor: Actor, definition_id: int, data: CustomFieldUpdate, *,
                      now: datetime) -> CustomFieldRead:
    """Change label, help, unit, range, list, position or required; key, type and entity stay."""
    require(actor, Permission.CONFIGURE)
    row = get_scoped(session, actor, CustomFieldDefinition, definition_id, t("Custom field"))
    problems: dict[str, str] = {}
    pick = lambda new, old: old if new is None else new  # noqa: E731
    clean = _shape(session, actor, FieldType(row.field_type), pick(data.label, row.label),
                   pick(data.help_text, row.help_text), pick(data.unit, row.unit),
                   None if data.clear_range else pick(data.min_value, row.min_value),
                   None if data.clear_range else pick(data.max_value, row.max_value),
                   pick(data.type_list_key, row.type_list_key), pick(data.position, row.position), problems)
    check(problems)
    clean["required"] = row.required if data.required is None else bool(data.required)
    changes = {}
    for name in ("min_value", "max_value"):
        if clean[name] != getattr(row, name):
            changes[name] = {"before": getattr(row, name), "after": clean[name]}
            setattr(row, name, clean[name])
    changes.update(apply_changes(row, {k: v for k, v in clean.items() if k not in ("min_value", "max_value")}))
    if changes:
        session.add(stamp(row, actor, now))
        announce(session, actor, "custom_field", row.id, "update", changes, now=now)
    return _read(row)


def set_definition_active(session: Session, actor: Actor, definition_id: int, active: bool, *,
                          now: datetime) -> CustomFieldRead:
    require(actor, Permission.CONFIGURE)
    row = get_scoped(session, actor, CustomFieldDefinition, definition_id, t("Custom field"))
    if row.is_active != active:
        row.is_active = active
        session.add(stamp(row, actor, now))
        announce(session, actor, "custom_field", row.id, "reactivate" if active else "retire",
                 {"is_active": {"before": not active, "after": active}}, now=now,
                 event="custom_field.reactivated" if active else "custom_field.retired")
    return _read(row)


def delete_definition(session: Session, actor: Actor, definition_id: int, *, now: datetime) -> None:
    """Delete a field no entity holds a value for; otherwise Conflict (retire it instead)."""
    require(actor, Permission.CONFIGURE)
    row = get_scoped(session, actor, CustomFieldDefinition, definition_id, t("Custom field"))
    uses = _value_count(session, row)
    if uses:
        label = _entities[row.entity_type].label
        raise Conflict(t("{count} {entities} hold a value for {field}: retire the field instead.", count=uses,
                         entities=word(label, label.lower()), field=row.label))
    snapshot = {"entity_type": row.entity_type, "key": row.key, "label": row.label}
    session.delete(row)
    session.flush()
    announce(session, actor, "custom_field", definition_id, "delete", snapshot, now=now)


# ---- values --------------------------------------------------------------------------------------

def validate(session: Session, actor: Actor, entity_type: str, values: dict[str, Any] | None, *,
             current: dict[str, Any] | None = None, problems: dict[str, str] | None = None,
             builtin: dict[str, Any] | None = None) -> dict[str, Any]:
    """The entity's new custom dict: `current` with `values` applied (None or "" clears a field),
    cleaned and checked; Invalid with `custom.<key>` field messages when anything is wrong.
    `problems` are the entity's other field errors, raised together with these (one answer).
    `builtin`: the entity's built-in values by field name, given by services whose form has a layout
    (services/config/form_layouts.py): fields it requires and leaves empty are refused with its label and help."""
    require(actor, Permission.VIEW)
    _entity(entity_type)
    if values is not None and not isinstance(values, dict):
        raise Invalid(t("Custom fields must be an object of field keys and values."),
                      fields={"custom": t("Not an object.")})
    by_key = {d.key: d for d in _rows(session, actor, entity_type)}
    result = dict(current or {})
    problems = dict(problems or {})
    for key, raw in (values or {}).items():
        definition = by_key.get(key)
        if definition is None:
            problems[f"custom.{key}"] = t("Unknown field.")
        elif not definition.is_active:
            problems[f"custom.{key}"] = t("{field} is retired and cannot be changed.", field=definition.label)
        elif is_empty(raw):
            result.pop(key, None)
        else:
            try:
                result[key] = clean_value(session, actor, definition, raw)
            except ValueError as exc:
                problems[f"custom.{key}"] = exc.args[0] if exc.args else t("Not a value this field can hold.")
    for definition in by_key.values():
        if definition.is_active and definition.required and definition.key not in result \
                and f"custom.{definition.key}" not in problems:
            problems[f"custom.{definition.key}"] = t("Required.")
    if builtin is not None:
        laid_out = {**builtin, **{f"custom.{k}": v for k, v in result.items()}}
        for key, message in form_layouts.required_problems(session, actor, entity_type, laid_out).items():
            if getattr(problems.get(key), "template", problems.get(key, "Required.")) == "Required.":
                problems[key] = message
    if problems:
        raise Invalid(fields=problems)
    return result


def may_set_values(actor: Actor, entity_type: str, *, plant_id: int | None = None) -> bool:
    """Whether set_values would let the actor change an entity's values at `plant_id` (its permission)."""
    return can_any(actor, _entity(entity_type).permission, plant_id=plant_id)


def set_values(session: Session, actor: Actor, entity_type: str, entity_id: int, values: dict[str, Any], *,
               now: datetime) -> dict[str, Any]:
    """Validate and store custom values on one entity of a registered model; audited, announced."""
    entity = _entity(entity_type, need_model=True)
    row = get_scoped(session, actor, entity.model, entity_id, entity.label[:-1] if entity.label.endswith("s") else entity.label)
    require(actor, entity.permission, plant_id=getattr(row, "plant_id", None))
    changes = store_values(session, actor, entity_type, row, values, now=now)
    if changes:
        announce(session, actor, entity_type, row.id, "custom_update", changes, now=now,
                 plant_id=getattr(row, "plant_id", None), event=f"{entity_type}.custom_updated")
    return dict(row.custom or {})


def store_values(session: Session, actor: Actor, entity_type: str, row: Any, values: dict[str, Any] | None, *,
                 now: datetime) -> dict[str, dict[str, Any]]:
    """`values` validated onto the row's custom dict and stored (stamped when the row has stamps, flushed);
    answers what changed, {key: {before, after}} by key (empty: nothing changed, nothing written).
    The custom fields the organization's form layout requires are refused when left empty (its label and help).
    The caller has checked its permission and audits and announces the change its own way."""
    before = dict(row.custom or {})
    after = validate(session, actor, entity_type, values, current=before, builtin={})
    if after == before:
        return {}
    row.custom = after
    if hasattr(row, "updated_at"):
        stamp(row, actor, now)
    session.add(row)
    session.flush()
    return {k: {"before": before.get(k), "after": after.get(k)} for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k)}


def get_values(session: Session, actor: Actor, entity_type: str, entity_id: int) -> dict[str, Any]:
    require(actor, Permission.VIEW)
    entity = _entity(entity_type, need_model=True)
    return dict(get_scoped(session, actor, entity.model, entity_id, t("Entity")).custom or {})



# ---- helpers -------------------------------------------------------------------------------------

def _shape(session: Session, actor: Actor, field_type: FieldType | None, label, help_text, unit, min_value, max_value,
           type_list_key, position, problems: dict[str, str]) -> dict:
    label, help_text, unit = (label or "").strip(), (help_text or "").strip(), (unit or "").strip()
    for name, value, limit, required in (("label", label, 200, True), ("help_text", help_text, 500, False),
                                         ("unit", unit, 16, False)):
        problem = text_problem(value, max_length=limit, required=required)
        if problem:
            problems[name] = problem
    bounds: dict[str, Decimal | None] = {}
    for name, value in (("min_value", min_value), ("max_value", max_value)):
        if is_empty(value):
            bounds[name] = None
            continue
        try:
            bounds[name] = Decimal(number_text(value))
        except (InvalidOperation, ValueError):
            problems[name] = t("Enter a number.")
            bounds[name] = None
    low, high = bounds["min_value"], bounds["max_value"]
    if low is not None and high is not None and low > high:
        problems["max_value"] = t("Must be at least the minimum.")
    if field_type is not None and field_type != FieldType.NUMBER and (unit or any(v is not None for v in bounds.values())):
        problems.setdefault("unit", t("Only number fields take a unit and a range."))
    type_list_key = (type_list_key or "").strip()
    if field_type == FieldType.CHOICE:
        known = {t.key for t in type_lists.lists(session, actor)}
        if type_list_key not in known:
            problems["type_list_key"] = t("Pick a type list.")
    elif type_list_key:
        problems["type_list_key"] = t("Only choice fields take a type list.")
    try:
        position = int(position)
        if not 0 <= position < 100_000:
            raise ValueError
    except (TypeError, ValueError):
        problems["position"] = t("Use a whole number from {low} to {high}.", low=0, high=99999)
    return {"label": label, "help_text": help_text, "unit": unit, **bounds, "type_list_key": type_list_key,
            "position": position}


def _entity(entity_type: str, *, need_model: bool = False) -> EntityType:
    entity = _entities.get(entity_type)
    if entity is None or (need_model and entity.model is None):
        raise NotFound(t("Entity type '{entity_type}' not found.", entity_type=entity_type))
    return entity


def _rows(session: Session, actor: Actor, entity_type: str) -> list[CustomFieldDefinition]:
    return list(session.exec(select(CustomFieldDefinition).where(
        CustomFieldDefinition.organization_id == actor.organization_id,
        CustomFieldDefinition.entity_type == entity_type)).all())


def _next_position(session: Session, actor: Actor, entity_type: str) -> int:
    last = session.exec(select(func.max(CustomFieldDefinition.position)).where(
        CustomFieldDefinition.organization_id == actor.organization_id,
        CustomFieldDefinition.entity_type == entity_type)).one()
    return (last or 0) + 10


def _value_count(session: Session, d: CustomFieldDefinition) -> int:
    model = _entities[d.entity_type].model
    if model is None:
        return 0
    dialect = session.get_bind().dialect.name
    held = (model.custom.op("->>", return_type=sa.String)(d.key) if dialect == "postgresql"
            else func.json_extract(model.custom, f'$."{d.key}"'))
    return session.exec(select(func.count()).select_from(model).where(
        model.organization_id == d.organization_id, held.is_not(None))).one()


def _choice_usage(session: Session, organization_id: int, value_id: int, list_key: str) -> int:
    """How many entities hold `value_id` in a choice field over `list_key` (a type_lists usage)."""
    fields = session.exec(select(CustomFieldDefinition).where(
        CustomFieldDefinition.organization_id == organization_id,
        CustomFieldDefinition.field_type == FieldType.CHOICE,
        CustomFieldDefinition.type_list_key == list_key)).all()
    total = 0
    for d in fields:
        model = _entities[d.entity_type].model if d.entity_type in _entities else None
        if model is not None:
            clause = filter_clause(session, d.entity_type, model, d.key, value_id, FieldType.CHOICE)
            total += session.exec(select(func.count()).select_from(model).where(
                model.organization_id == organization_id, clause)).one()
    return total


type_lists.register_usage("*", _choice_usage)


def _read(row: CustomFieldDefinition) -> CustomFieldRead:
    return CustomFieldRead(id=row.id, entity_type=row.entity_type, key=row.key, label=row.label,
                           field_type=FieldType(row.field_type), required=row.required, help_text=row.help_text,
                           unit=row.unit, min_value=row.min_value, max_value=row.max_value,
                           type_list_key=row.type_list_key, position=row.position, is_active=row.is_active)
