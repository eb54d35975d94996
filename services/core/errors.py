"""Typed, framework-free errors. The API maps them to HTTP codes once (rxapp/api/errors.py); the UI to
messages once. Each class carries a stable machine-readable `code`, never a transport status."""
from __future__ import annotations


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})

    def __str__(self) -> str:
        if not self.fields:
            return self.message
        return self.message + " " + " ".join(f"{k}: {v}" for k, v in self.fields.items())


class Invalid(DomainError):
    code = "invalid"

    def __init__(self, message: str = "Some fields are not valid.", *, fields: dict[str, str] | None = None):
        super().__init__(message, fields=fields)


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class Unauthorized(DomainError):
    code = "unauthorized"


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_seconds: int):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class Unavailable(DomainError):
    """A dependency (the database) cannot be reached; the caller may retry later."""

    code = "unavailable"
