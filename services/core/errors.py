"""Typed, framework-free errors. The API maps them to HTTP codes once; the UI to messages once."""
from __future__ import annotations


class DomainError(Exception):
    code = "error"
    http_status = 400

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
    http_status = 422

    def __init__(self, message: str = "Some fields are not valid.", *, fields: dict[str, str] | None = None):
        super().__init__(message, fields=fields)


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class Unauthorized(DomainError):
    code = "unauthorized"
    http_status = 401


class RateLimited(DomainError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after_seconds: int):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class Unavailable(DomainError):
    """A dependency (the database) cannot be reached; the caller may retry later."""

    code = "unavailable"
    http_status = 503
