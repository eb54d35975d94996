"""Typed, framework-free errors. The API maps them to HTTP codes once (rxapp/api/errors.py); the UI to
messages once. Each class carries a stable machine-readable `code`, never a transport status.

The message and the field messages are `Message`s (services/core/messages.py: `t("...", name=value)`),
English as `str` and rendered in each person's language by the doors; a plain sentence passed in becomes a
Message whose template is that sentence."""
from __future__ import annotations

from collections.abc import Mapping

from services.core.messages import Message, as_message, t


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, *, fields: Mapping[str, str] | None = None):
        super().__init__(message)
        self.message: Message = as_message(message)
        self.fields: dict[str, str] = {name: as_message(text) if isinstance(text, str) else text
                                        for name, text in (fields or {}).items()}

    def __str__(self) -> str:
        if not self.fields:
            return self.message
        return self.message + " " + " ".join(f"{k}: {v}" for k, v in self.fields.items())


class Invalid(DomainError):
    code = "invalid"

    def __init__(self, message: str = t("Some fields are not valid."), *, fields: Mapping[str, str] | None = None):
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
