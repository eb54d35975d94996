"""Inputs cleaned once at the edge, before any route or service sees them.

Every API route depends on `clean_inputs` (an app-level dependency):
- integers, in a JSON body and in path or query parameters declared as `int`, must fit a 32-bit
  signed column (PostgreSQL's INTEGER; SQLite's limit is wider): ids, versions, quantities and
  counts beyond it are a field error, never a database overflow;
- text must not hold a NUL character (PostgreSQL refuses it) or a lone surrogate (not encodable as
  UTF-8): a field error names where.
What still slips through to the database as a data error is answered 422 by the error handlers.
"""
from __future__ import annotations

import re
from typing import Any, get_args

from fastapi import Request
from fastapi.dependencies.models import Dependant
from starlette.requests import HTTPConnection

from services.core.errors import Invalid

INT_MIN, INT_MAX = -(2 ** 31), 2 ** 31 - 1
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_INT_PARAMS: dict[int, frozenset[str]] = {}


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None when it can."""
    found = _BAD_TEXT.search(value)
    if found is None:
        return None
    return "Must not contain a NUL character." if found.group() == "\x00" else "Contains an invalid character."


def int_problem(value: int) -> str | None:
    return None if INT_MIN <= value <= INT_MAX else f"Must be between {INT_MIN} and {INT_MAX}."


def find_problems(value: Any, where: str, problems: dict[str, str], limit: int = 20) -> None:
    """Walk parsed JSON; record `path -> message` for every bad integer or text (up to `limit`)."""
    if len(problems) >= limit:
        return
    if isinstance(value, str):
        message = text_problem(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        message = int_problem(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            key_message = text_problem(key) if isinstance(key, str) else None
            if key_message:
                problems.setdefault(_join(where, "key"), key_message)
            find_problems(item, _join(where, str(key)), problems, limit)
        return
    elif isinstance(value, list):
        for index, item in enumerate(value):
            find_problems(item, _join(where, str(index)), problems, limit)
        return
    else:
        return
    if message:
        problems.setdefault(where or "body", message)


def _join(where: str, part: str) -> str:
    return f"{where}.{part}" if where else part


async def clean_inputs(request: HTTPConnection) -> None:
    """Also a websocket's dependency (its handshake's path and query); its messages are the route's to check."""
    problems: dict[str, str] = {}
    int_names = _int_params(request)
    for source in (request.path_params, request.query_params):
        for name, raw in source.items():
            if not isinstance(raw, str):
                continue
            message = text_problem(raw)
            if message is None and name in int_names and re.fullmatch(r"\s*[+-]?\d+\s*", raw):
                message = int_problem(int(raw))
            if message:
                problems.setdefault(name, message)
    if isinstance(request, Request) and "json" in request.headers.get("content-type", "") and await request.body():
        try:
            body = await request.json()
        except ValueError:
            body = None      # FastAPI answers malformed JSON itself
        find_problems(body, "", problems)
    if problems:
        raise Invalid("Some fields are not valid.", fields=problems)


def _int_params(request: HTTPConnection) -> frozenset[str]:
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return frozenset()
    key = id(route)
    if key not in _INT_PARAMS:
        _INT_PARAMS[key] = frozenset(_walk_int_params(dependant))
    return _INT_PARAMS[key]


def _walk_int_params(dependant: Dependant):
    for field in (*dependant.path_params, *dependant.query_params):
        annotation = field.field_info.annotation
        if annotation is int or int in get_args(annotation):
            yield field.alias or field.name
    for sub in dependant.dependencies:
        yield from _walk_int_params(sub)
