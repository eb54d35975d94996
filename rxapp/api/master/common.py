"""What the master-data routers share: the active/inactive/all filter, and lists that answer as
JSON or, with `?format=csv|xlsx`, as a file of exactly the rows the same filter shows."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from fastapi import Response, status

from models.base import utcnow
from services.core import exports

Status = Literal["active", "inactive", "all"]
Format = Literal["json", "csv", "xlsx"]

EXPORTABLE = {200: {"description": "The rows as JSON, or as a CSV or Excel file with ?format=csv|xlsx",
                    "content": {"text/csv": {}, exports.XLSX_MEDIA_TYPE: {}}}}
NO_CONTENT = {"status_code": status.HTTP_204_NO_CONTENT, "response_class": Response}


def active_flag(value: Status) -> bool | None:
    return {"active": True, "inactive": False, "all": None}[value]


def listing(rows: list, columns: Sequence[Any], fmt: Format, name: str) -> list | Response:
    """`rows` as JSON (FastAPI serializes them), or as a downloadable CSV/xlsx file."""
    if fmt == "json":
        return rows
    filename = f"{name}-{utcnow():%Y%m%d}.{fmt}"
    if fmt == "csv":
        content, media = exports.to_csv(rows, columns), exports.CSV_MEDIA_TYPE
    else:
        content, media = exports.to_xlsx(rows, columns, sheet=name.replace("-", " ").title()), exports.XLSX_MEDIA_TYPE
    return Response(content=content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def no_content() -> Response:
    return Response(status_code=status.HTTP_204_NO_CONTENT)
