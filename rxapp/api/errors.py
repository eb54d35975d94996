"""Domain errors to HTTP status codes: the one table the REST door and the ingest websocket read.

Services raise framework-free errors (services/core/errors.py and their subclasses in the domain
packages); only the API knows HTTP. `status_for(error)` walks the error's class MRO and answers the
status of the first class listed in `STATUS`, so the most specific mapping wins and a subclass
without its own row takes its parent's status (`InvalidTransition` is a `Conflict`: 409).

Invariants: every DomainError subclass defined under services/ resolves through a row other than
`DomainError`'s own (tests/unit/test_api_errors.py), so a new error class is given a status
deliberately; `DomainError` itself (400) answers only errors raised at the API edge.
"""
from __future__ import annotations

from services.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
)
from services.shopfloor.ingest_limits import TooLarge


class MalformedJson(DomainError):
    """A request body (or websocket message) that is not JSON; raised at the API edge only."""

    code = "malformed_json"


STATUS: dict[type[DomainError], int] = {
    DomainError: 400,
    MalformedJson: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    Invalid: 422,
    RateLimited: 429,
    Unavailable: 503,
}


def mapped_class(error_class: type[DomainError]) -> type[DomainError]:
    """The class whose row in STATUS answers for `error_class`: the first of its MRO that has one."""
    return next(c for c in error_class.__mro__ if c in STATUS)


def status_for(error: DomainError) -> int:
    """The HTTP status of a domain error."""
    return STATUS[mapped_class(type(error))]
