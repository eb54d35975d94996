"""What every master-data list page shares, as a state mixin: the search box, the status filter
(active / inactive / all), loading and error states, the create/edit dialog's open flag, mode and
field errors, and CSV/Excel downloads of exactly the rows the filter shows.

A page state mixes it in before AuthState and supplies `_fetch(session, actor)` (the Read models
the filters select, straight from a service), `_show(rows)` (turn them into plain row dataclasses)
and the export `_columns` / `_export_name`. Everything goes through services with the actor
re-resolved from the token on every event (AuthState._use_case).

Other states share its small helpers too: Option, translated_fields, the form parsers (whole_number, iso_day),
download (rows as CSV/Excel) and document (a PDF/Excel/CSV a service made).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

import reflex as rx

from models.base import utcnow
from rxapp.i18n import Text, _
from services.core import exports
from services.core.errors import DomainError, Invalid


@dataclass
class Option:
    """One choice of a select: the value sent back and the label people read."""
    value: str = ""
    label: str = ""


STATUS_OPTIONS = [("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))]


def active_flag(status: str) -> bool | None:
    return {"active": True, "inactive": False}.get(status)


def translated_fields(error: DomainError) -> dict[str, str]:
    return {k: _(v) for k, v in error.fields.items()}


def decimal_text(value: Any) -> str:
    """A Decimal as people write it (12.5, 100), "" for None."""
    if value is None:
        return ""
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


def whole_number(value: Any, key: str, problem: str = "Use a whole number.") -> int:
    """A form field's text as an int, or a field error on `key` (translated where the form shows it)."""
    try:
        return int(str(value).strip())
    except ValueError:
        raise Invalid(fields={key: problem}) from None


def iso_day(value: Any, key: str, problem: str = "Enter a date (YYYY-MM-DD).") -> date:
    """A form field's YYYY-MM-DD text as a date, or a field error on `key` (translated where the form shows it)."""
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(fields={key: problem}) from None


def download(rows: Sequence[Any], columns: Sequence[Any], name: str, fmt: str):
    """An rx.download of `rows` as CSV or Excel, named after the list and the moment. Headers print in the
    person's language now: a module constant's `Text` is translated again here, a service's message by
    services/core/exports.py; any other header (a custom field's name) as it is written."""
    stamp = f"{utcnow():%Y%m%d-%H%M}"
    columns = [(c[0], _(c[1])) if not isinstance(c, str) and isinstance(c[1], Text) else c for c in columns]
    if fmt == "xlsx":
        return rx.download(data=exports.to_xlsx(rows, columns, sheet=name.replace("-", " ").title()),
                           filename=f"takt-{name}-{stamp}.xlsx", mime_type=exports.XLSX_MEDIA_TYPE)
    return rx.download(data=exports.to_csv(rows, columns), filename=f"takt-{name}-{stamp}.csv", mime_type="text/csv")


DOCUMENT_TYPES = {"pdf": "application/pdf", "xlsx": exports.XLSX_MEDIA_TYPE, "csv": exports.CSV_MEDIA_TYPE}


def document(data: bytes, filename: str):
    """An rx.download of a document a service made (PDF, Excel, CSV), its media type read from the file name."""
    return rx.download(data=data, filename=filename, mime_type=DOCUMENT_TYPES[filename.rpartition(".")[2]])


class MasterList(rx.State, mixin=True):
    search: str = ""
    status: str = "active"
    loading: bool = True
    load_error: str = ""
    form_open: bool = False
    form_mode: str = "create"              # create | edit
    form_errors: dict[str, str] = {}
    _edit_id: int = 0

    _columns: ClassVar[list] = []
    _export_name: ClassVar[str] = "export"

    def _fetch(self, session, actor) -> list:
        """Each list page says which service call reads its rows."""
        raise TypeError(f"{type(self).__name__} must define _fetch(session, actor)")

    def _show(self, rows: list) -> None:
        """Each list page turns the service's rows into its own row type."""
        raise TypeError(f"{type(self).__name__} must define _show(rows)")

    @rx.event
    def load(self):
        try:
            rows = self._use_case(self._fetch)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            self._show([])
            return self._refused(error, quiet=True)
        self._show(rows)
        self.loading, self.load_error = False, ""

    @rx.event
    def enter(self):
        """on_load: a dialog left open on another visit starts closed; the list reloads."""
        self.form_open, self.form_errors, self.loading = False, {}, True
        return type(self).load

    @rx.event
    def set_search(self, value: str):
        self.search = str(value or "")[:100]
        return type(self).load

    @rx.event
    def set_status(self, value: str):
        self.status = value if value in ("active", "inactive", "all") else "active"
        return type(self).load

    @rx.event
    def set_form_open(self, is_open: bool):
        self.form_open = bool(is_open)

    @rx.event
    def export(self, fmt: str):
        try:
            rows = self._use_case(self._fetch)
        except DomainError as error:
            return self._refused(error)
        return download(rows, self._columns, self._export_name, "xlsx" if fmt == "xlsx" else "csv")

    def _form_failed(self, error: DomainError) -> list:
        self.form_errors = translated_fields(error)
        return self._refused(error)

    def _saved(self, message: str) -> list:
        self.form_open, self.form_errors = False, {}
        return [rx.toast.success(message), type(self).load]
