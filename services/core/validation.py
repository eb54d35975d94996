"""Small input checks shared by services, each returning field errors in words people use."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError

from services.core.errors import Invalid

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse(model: type[BaseModel], data: BaseModel | dict) -> BaseModel:
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


def check(fields: dict[str, str]) -> None:
    if fields:
        raise Invalid(fields=fields)


def timezone_problem(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"Unknown time zone '{name}'. Use a name like Europe/Berlin or Asia/Tokyo."
    return None
