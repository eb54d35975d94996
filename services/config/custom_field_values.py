"""Custom field values: cleaning one raw value into its canonical stored form (see the invariants in
services/config/custom_fields.py), typing stored values for exports, and the SQL clause that filters a
list by one custom field on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, func

from models.config import CustomFieldDefinition, FieldType
from models.user import User
from services.config import type_lists
from services.core.access import Actor
from services.core.errors import Invalid
from services.core.messages import t
from services.core.validation import like_pattern

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TEXT_MAX = 1000
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "y", "1", "on"}, {"false", "no", "n", "0", "off"}


def filter_clause(session: Session, entity_type: str, model, key: str, value: Any, field_type: FieldType | str):
    """A WHERE clause keeping rows whose custom `key` matches `value` (text: contains, ignoring
    case; other types: equals the cleaned value). Works on SQLite and PostgreSQL."""
    field_type = FieldType(field_type)
    dialect = session.get_bind().dialect.name
    if not KEY_RE.match(key):
        raise Invalid(fields={"custom": t("Unknown field.")})
    if dialect == "postgresql":
        text = model.custom.op("->>", return_type=sa.String)(key)
    else:
        text = sa.cast(func.json_extract(model.custom, f'$."{key}"'), sa.String)
    if field_type == FieldType.TEXT:
        return func.lower(text).like(like_pattern(str(value)), escape="\\")
    if field_type == FieldType.BOOLEAN:
        truth = _boolean(value)
        return text == (("true" if truth else "false") if dialect == "postgresql" else ("1" if truth else "0"))
    if field_type == FieldType.NUMBER:
        return text == number_text(value)
    return text == str(value).strip()


# ---- cleaning ------------------------------------------------------------------------------------

def clean_value(session: Session, actor: Actor, d: CustomFieldDefinition, raw: Any) -> Any:
    kind = FieldType(d.field_type)
    if kind == FieldType.TEXT:
        text = str(raw).strip()
        if len(text) > TEXT_MAX:
            raise ValueError(t("Use at most {max_length} characters.", max_length=TEXT_MAX))
        return text
    if kind == FieldType.NUMBER:
        return _number(raw, d)
    if kind == FieldType.DATE:
        try:
            return (raw if isinstance(raw, date) and not isinstance(raw, datetime)
                    else date.fromisoformat(str(raw).strip())).isoformat()
        except ValueError:
            raise ValueError(t("Enter a date as YYYY-MM-DD.")) from None
    if kind == FieldType.BOOLEAN:
        return _boolean(raw)
    if kind == FieldType.CHOICE:
        problem = type_lists.value_problem(session, actor, d.type_list_key, raw)
        if problem:
            raise ValueError(problem)
        return int(raw)
    return _user(session, actor, raw)


def _number(raw: Any, d: CustomFieldDefinition) -> str:
    if isinstance(raw, bool):
        raise ValueError(t("Enter a number."))
    try:
        number = Decimal(str(raw).strip().replace(",", ".")) if isinstance(raw, str) else Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ValueError(t("Enter a number.")) from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
        raise ValueError(t("Enter a number."))
    if d.min_value is not None and number < d.min_value:
        minimum = Decimal(_plain(d.min_value))
        raise ValueError(t("Must be at least {minimum} {unit}.", minimum=minimum, unit=d.unit) if d.unit
                         else t("Must be at least {minimum}.", minimum=minimum))
    if d.max_value is not None and number > d.max_value:
        maximum = Decimal(_plain(d.max_value))
        raise ValueError(t("Must be at most {maximum} {unit}.", maximum=maximum, unit=d.unit) if d.unit
                         else t("Must be at most {maximum}.", maximum=maximum))
    return _plain(number)


def number_text(value: Any) -> str:
    number = Decimal(str(value).strip().replace(",", "."))
    if not number.is_finite():
        raise ValueError
    return _plain(number)


def _plain(number: Decimal) -> str:
    """Canonical decimal text: no exponent, no trailing zeros ("12.50" -> "12.5", "1E+2" -> "100")."""
    text = format(Decimal(number).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(t("Answer yes or no."))


def _user(session: Session, actor: Actor, raw: Any) -> int:
    try:
        user_id = int(raw)
        if isinstance(raw, bool) or str(raw).strip() != str(user_id):
            raise ValueError
    except (TypeError, ValueError):
        raise ValueError(t("Pick a user.")) from None
    user = session.get(User, user_id)
    if user is None or user.organization_id != actor.organization_id:
        raise ValueError(t("Pick a user."))
    if not user.is_active:
        raise ValueError(t("{username} is deactivated: pick another user.", username=user.username))
    return user_id


def typed(d, value: Any, choice_labels: dict, names: dict) -> Any:
    kind = FieldType(d.field_type)
    try:
        if kind == FieldType.NUMBER:
            return Decimal(str(value))
        if kind == FieldType.DATE:
            return date.fromisoformat(value)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if kind == FieldType.CHOICE:
        return choice_labels.get(d.type_list_key, {}).get(value, f"#{value}")
    if kind == FieldType.USER:
        return names.get(value, f"#{value}")
    return value


def is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())
