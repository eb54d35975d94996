"""Shapes every route shares: the error body, and the error responses documented in OpenAPI."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from rxapp.i18n import _


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. not_found, invalid, conflict.")
    message: str = Field(description="A sentence for people.")
    fields: dict[str, str] = Field(default_factory=dict, description="Per-field messages, by field name.")


class ErrorResponse(BaseModel):
    error: ErrorDetail


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    """The one error body, its message and field messages in the request's language (rxapp/api/i18n.py)."""
    fields = {name: str(_(text)) for name, text in (fields or {}).items()}
    return ErrorResponse(error=ErrorDetail(code=code, message=str(_(message)), fields=fields)).model_dump()


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for these error statuses, all with the one error body."""
    descriptions = {
        400: "Malformed request (e.g. a body that is not JSON)",
        401: "Missing, unknown, expired or revoked bearer token",
        403: "Authenticated, but not allowed to do this",
        404: "Not found (or outside your organization or plants)",
        409: "Conflicts with existing data",
        422: "Some fields are not valid",
        429: "Too many attempts; see Retry-After",
        503: "The database is not reachable",
    }
    return {s: {"model": ErrorResponse, "description": descriptions[s]} for s in statuses}


AUTHENTICATED = errors(400, 401, 403, 404, 422)
