"""CSV and Excel exports of any list of Read models (or plain dicts), exactly what a list shows.

`columns` is a sequence of field names or (field, header) pairs, in the order to write. Values:
None -> empty; enums -> their value; bools -> "yes"/"no"; Decimals stay exact in CSV and become
numbers in Excel; datetimes are written in UTC (ISO 8601 in CSV, with an "(UTC)" header suffix in
both); lists are joined with "; ". CSV is UTF-8 with a byte-order mark (Excel opens it right) and
text that a spreadsheet would run as a formula (=, +, -, @ first) or as a DDE link (any |) is prefixed
with an apostrophe. A header given as a Message (`t("Standard cost")`, services/core/messages.py) is
written in the language being served; a plain header is written as it is (import templates keep theirs).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import xlsxwriter
from pydantic import BaseModel

from services.core.messages import Message, render, t

Column = str | tuple[str, str]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def to_csv(rows: Iterable[BaseModel | dict], columns: Sequence[Column]) -> bytes:
    fields, headers = _split(columns)
    rows = list(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_headers(rows, fields, headers))
    for row in rows:
        writer.writerow([_csv_cell(_value(row, f)) for f in fields])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Iterable[BaseModel | dict], columns: Sequence[Column], sheet: str = "Export") -> bytes:
    fields, headers = _split(columns)
    rows = list(rows)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = book.add_worksheet(_sheet_name(sheet))
    bold = book.add_format({"bold": True})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    widths = [len(h) for h in _headers(rows, fields, headers)]
    for c, header in enumerate(_headers(rows, fields, headers)):
        ws.write_string(0, c, header, bold)
    for r, row in enumerate(rows, start=1):
        for c, field in enumerate(fields):
            shown = _xlsx_write(ws, r, c, _value(row, field), when, day)
            widths[c] = max(widths[c], min(shown, 60))
    for c, width in enumerate(widths):
        ws.set_column(c, c, width + 2)
    ws.freeze_panes(1, 0)
    if fields:
        ws.autofilter(0, 0, max(len(rows), 1), len(fields) - 1)
    book.close()
    return buffer.getvalue()


def _split(columns: Sequence[Column]) -> tuple[list[str], list[str]]:
    fields = [c if isinstance(c, str) else c[0] for c in columns]
    headers = [c if isinstance(c, str) else render(c[1]) if isinstance(c[1], Message) else c[1] for c in columns]
    return fields, headers


def _headers(rows: list, fields: list[str], headers: list[str]) -> list[str]:
    """Mark datetime columns as UTC so nobody reads them as plant-local times."""
    out = []
    for field, header in zip(fields, headers, strict=True):
        is_time = any(isinstance(_value(row, field), datetime) for row in rows)
        out.append(t("{header} (UTC)", header=header) if is_time else header)
    return out


def _value(row: BaseModel | dict, field: str) -> Any:
    value = row.get(field) if isinstance(row, dict) else getattr(row, field)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value
    return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set, frozenset)):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal, date)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) or "|" in text else text      # | : DDE payloads


def _xlsx_write(ws, r: int, c: int, value: Any, when, day) -> int:
    """Write one cell with its natural Excel type; return its rough display width."""
    if value is None:
        return 0
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)
        return 5
    if isinstance(value, (int, float, Decimal)):
        ws.write_number(r, c, float(value))
        return len(str(value))
    if isinstance(value, datetime):
        ws.write_datetime(r, c, value.replace(tzinfo=None), when)
        return 19
    if isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
        return 10
    if isinstance(value, (list, tuple, set, frozenset)):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    ws.write_string(r, c, text)
    return len(text)


def _sheet_name(name: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    return _SHEET_BAD.sub(" ", name or "Export").strip()[:31] or "Export"
