"""Audit log: people's changes first (the source filter: people, machines and system, or all); the
machine, station and system traffic of the same filter summarised per entity and action, each line a
click away from its entries; filter by user, entity and date range (UTC days), page through the entries,
each change shown as "field: before -> after", and download exactly what the filter shows as CSV.
services.core.audit scopes everything to the organization and requires VIEW_AUDIT."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _, format_datetime
from rxapp.state.org.auth import AuthState, as_id
from services.core import audit as audit_service
from services.core import formats
from services.core.errors import DomainError, Invalid

PAGE_SIZE = 50
ALL = "all"
SOURCES = [("people", _("People")), ("machines", _("Machines and system")), (ALL, _("All"))]
MAX_LINES = 12


@dataclass
class AuditRow:
    id: int = 0
    at: str = ""
    user: str = ""
    entity: str = ""
    entity_id: str = ""
    action: str = ""
    changes: list[str] = field(default_factory=list)     # "field: before -> after", one per changed field


@dataclass
class TrafficRow:
    entity: str = ""
    action: str = ""
    count: str = ""                  # "2,345"
    last: str = ""


@dataclass
class Choice:
    value: str = ""
    label: str = ""


def _day(value: str, field: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(0), tzinfo=UTC)
    except ValueError:
        raise Invalid(fields={field: _("Use a date like 2026-03-02.")}) from None


def _value(value) -> str:
    if value is None or value == "":
        return "–"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:79] + "…"


def change_lines(changes: dict) -> list[str]:
    """An entry's changes in people's words: "field: before -> after" for a changed field, "field: value"
    for a recorded value (one level of nesting opened as "group.field"); at most MAX_LINES lines."""
    lines: list[str] = []
    for key in sorted(changes):
        value = changes[key]
        if isinstance(value, dict) and set(value) == {"before", "after"}:
            lines.append(f"{key}: {_value(value['before'])} -> {_value(value['after'])}")
        elif isinstance(value, dict) and value and all(not isinstance(v, dict) for v in value.values()):
            lines.extend(f"{key}.{sub}: {_value(v)}" for sub, v in sorted(value.items()))
        else:
            lines.append(f"{key}: {_value(value)}")
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES - 1] + [_("… and {n} more").format(n=len(lines) - MAX_LINES + 1)]
    return lines


class AuditState(AuthState):
    rows: list[AuditRow] = []
    user_choices: list[Choice] = []
    entity_choices: list[str] = []
    filter_user: str = ALL
    source: str = "people"
    traffic: list[TrafficRow] = []
    traffic_total: int = 0
    filter_entity: str = ALL
    date_from: str = ""
    date_to: str = ""
    filter_errors: dict[str, str] = {}
    page: int = 0
    total: int = 0
    loading: bool = True
    load_error: str = ""

    @rx.var
    def page_count(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    def _filter(self) -> audit_service.AuditFilter:
        since, until = _day(self.date_from, "date_from"), _day(self.date_to, "date_to")
        if since and until and until < since:
            raise Invalid(fields={"date_to": _("The end is before the start.")})
        return audit_service.AuditFilter(
            user_id=as_id(self.filter_user) if self.filter_user != ALL else None,
            entity=self.filter_entity if self.filter_entity != ALL else None,
            since=since, until=until + timedelta(days=1) if until else None,
            source=self.source if self.source != ALL else None)

    @rx.event
    def load(self):
        try:
            flt = self._filter()
            people, entities, (entries, total), traffic = self._use_case(lambda s, actor: (
                audit_service.audit_users(s, actor), audit_service.audit_entities(s, actor),
                audit_service.list_audit(s, actor, flt, limit=PAGE_SIZE, offset=self.page * PAGE_SIZE),
                audit_service.audit_traffic(s, actor, flt)))
        except DomainError as error:
            self.loading = False
            if error.fields:
                self.filter_errors = {k: _(v) for k, v in error.fields.items()}
                return
            self.load_error, self.rows = _(error.message), []
            return self._refused(error, quiet=True)
        self.user_choices = [Choice(value=str(uid), label=name) for uid, name in people]
        self.entity_choices = entities
        self.rows = [AuditRow(id=e.id, at=format_datetime(e.at, fmt="yyyy-MM-dd HH:mm:ss"), user=e.username or _("system"),
                              entity=e.entity, entity_id=e.entity_id or "", action=e.action,
                              changes=change_lines(e.changes))
                     for e in entries]
        self.traffic = [TrafficRow(entity=t.entity, action=t.action, count=formats.number(t.count),
                                   last=format_datetime(t.last, fmt="yyyy-MM-dd HH:mm")) for t in traffic]
        self.traffic_total = sum(t.count for t in traffic)
        self.total, self.filter_errors = total, {}
        self.loading, self.load_error = False, ""

    @rx.event
    def set_filter_user(self, value: str):
        self.filter_user = str(value) or ALL

    @rx.event
    def set_filter_entity(self, value: str):
        self.filter_entity = str(value) or ALL

    @rx.event
    def set_source(self, value: str | list[str]):
        value = value[0] if isinstance(value, list) and value else value
        self.source = value if value in {v for v, _label in SOURCES} else "people"
        self.page = 0
        return AuditState.load

    @rx.event
    def show_traffic(self, entity: str):
        """The entries behind one line of the traffic summary."""
        self.source, self.filter_entity, self.filter_user, self.page = "machines", str(entity) or ALL, ALL, 0
        return AuditState.load

    @rx.event
    def set_date_from(self, value: str):
        self.date_from = str(value)[:10]

    @rx.event
    def set_date_to(self, value: str):
        self.date_to = str(value)[:10]

    @rx.event
    def apply_filters(self):
        self.page = 0
        return AuditState.load

    @rx.event
    def clear_filters(self):
        self.filter_user = self.filter_entity = ALL
        self.date_from = self.date_to = ""
        self.page = 0
        return AuditState.load

    @rx.event
    def next_page(self):
        if (self.page + 1) * PAGE_SIZE < self.total:
            self.page += 1
            return AuditState.load

    @rx.event
    def previous_page(self):
        if self.page > 0:
            self.page -= 1
            return AuditState.load

    @rx.event
    def export_csv(self):
        try:
            flt = self._filter()
            text = self._use_case(audit_service.audit_csv, flt)
        except DomainError as error:
            self.filter_errors = {k: _(v) for k, v in error.fields.items()}
            return self._refused(error)
        return rx.download(data=text, filename=f"takt-audit-{utcnow():%Y%m%d-%H%M}.csv", mime_type="text/csv")
