"""Small input checks shared by services, each returning field errors in words people use."""
from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError

from services.core.errors import Invalid
from services.core.messages import t
from services.core.search import like_escape, nfkc

M = TypeVar("M", bound=BaseModel)

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse(model: type[M], data: BaseModel | dict) -> M:
    """Validate raw input into `model`, turning pydantic errors into Invalid with field messages."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data.model_dump() if isinstance(data, BaseModel) else data)
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]) or "body"
            fields.setdefault(name, err["msg"])
        raise Invalid(fields=fields) from None


def check(fields: Mapping[str, str]) -> None:
    if fields:
        raise Invalid(fields=fields)


def timezone_problem(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return t("Unknown time zone '{name}'. Use a name like Europe/Berlin or Asia/Tokyo.", name=name)
    return None

# ---- shared by the services' listing filters and form checks -------------------------------------

def like_pattern(search: str) -> str:
    """A LIKE pattern (escape `\\`) for text containing `search`, NFKC-normalized: a full-width term typed with a
    Japanese or Korean IME finds half-width text (services/core/search.py matches both ways)."""
    return f"%{like_escape(nfkc(search))}%"


def decimal_problem(value: Any, *, places: int, max_digits: int, minimum: Decimal | None = None,
                    exclusive_minimum: Decimal | None = None, below: Decimal | None = None) -> str | None:
    """A message when `value` is not a Decimal fitting NUMERIC(max_digits, places) within bounds."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return t("Enter a number.")
    if not number.is_finite():
        return t("Enter a number.")
    if abs(number) >= Decimal(10) ** (max_digits - places):
        return t("This number is too large.")
    exponent = number.as_tuple().exponent          # an int: the number is finite
    if isinstance(exponent, int) and exponent < -places and number != number.quantize(Decimal(1).scaleb(-places)):
        return t("Use at most {places} decimal places.", places=places)
    if minimum is not None and number < minimum:
        return t("Must be at least {minimum}.", minimum=minimum)
    if exclusive_minimum is not None and number <= exclusive_minimum:
        return t("Must be more than {exclusive_minimum}.", exclusive_minimum=exclusive_minimum)
    if below is not None and number >= below:
        return t("Must be less than {below}.", below=below)
    return None


def to_decimal(value: Any, places: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))


def text_problem(value: str | None, *, max_length: int, required: bool = True) -> str | None:
    text = (value or "").strip()
    if required and not text:
        return t("Required.")
    if len(text) > max_length:
        return t("Use at most {max_length} characters.", max_length=max_length)
    return None
