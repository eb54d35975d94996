"""Organization settings page: regional defaults, numbering patterns per document type (with a preview),
retention periods, the log-in policy (session lengths, password rules), and the settings kept elsewhere, edited
where they live: the studio activity retention (services.studio.activity) and each plant's idle-time convention
and overproduction tolerance (services.kpi.settings). services.org.settings keeps the rules (CONFIGURE, own organization, audited)."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _, format_datetime
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError, Invalid
from services.kpi import settings as kpi_settings
from services.org import plants as plant_service
from services.org import settings as org_settings
from services.org.settings import DOCUMENT_TYPES, PASSWORD_FLAGS, SettingsUpdate
from services.studio import activity

NUMBERS = ("week_start", "audit_retention_days", "notification_retention_days", "activity_retention_days",
           "session_idle_minutes", "session_max_hours", "password_min_length")
FIELDS = ("timezone", "language", "currency", "number_format", "units", *NUMBERS, *PASSWORD_FLAGS)


@dataclass
class NumberingRow:
    key: str = ""
    label: str = ""
    pattern: str = ""
    example: str = ""


@dataclass
class PlantKpiRow:
    plant_id: int = 0
    plant: str = ""
    idle_convention: str = "loss"
    tolerance: str = "0"


@dataclass
class HistoryRow:
    at: str = ""
    who: str = ""
    what: str = ""


def _load(session, actor):
    read = org_settings.get_settings(session, actor)
    history = org_settings.settings_history(session, actor)
    plants = plant_service.list_plants(session, actor)
    kpis = [(p, kpi_settings.conventions(session, p.id)) for p in plants]
    return read, history, kpis, activity.retention_days(session, actor.organization_id)


def _save(session, actor, data: SettingsUpdate, activity_days: int | None):
    read = org_settings.update_settings(session, actor, data, now=utcnow())
    if activity_days is not None and activity_days != activity.retention_days(session, actor.organization_id):
        activity.set_retention(session, actor, activity_days, now=utcnow())
    return read


class OrgSettingsState(AuthState):
    values: dict[str, str] = {}
    numbering: list[NumberingRow] = []
    plant_kpis: list[PlantKpiRow] = []
    history: list[HistoryRow] = []
    errors: dict[str, str] = {}
    loading: bool = True
    load_error: str = ""

    @rx.event
    def load(self):
        try:
            read, history, kpis, activity_days = self._use_case(_load)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self.values = {"timezone": read.timezone, "week_start": str(read.week_start), "language": read.language,
                       "currency": read.currency, "number_format": read.number_format, "units": read.units,
                       "audit_retention_days": str(read.audit_retention_days or 0),
                       "notification_retention_days": str(read.notification_retention_days or 0),
                       "activity_retention_days": str(activity_days),
                       "session_idle_minutes": str(read.session_idle_minutes),
                       "session_max_hours": str(read.session_max_hours),
                       "password_min_length": str(read.password_min_length),
                       **{flag: "true" if getattr(read, flag) else "false" for flag in PASSWORD_FLAGS}}
        self.number_format = read.number_format          # this tab writes numbers in it at once (LanguageState)
        now = utcnow()
        self.numbering = [NumberingRow(key=key, label=_(label), pattern=read.numbering[key],
                                       example=org_settings.numbering_example(read.numbering[key], now))
                          for key, label in DOCUMENT_TYPES.items()]
        self.plant_kpis = [PlantKpiRow(plant_id=p.id, plant=p.code, idle_convention=k.idle_convention.value,
                                       tolerance=str(k.overproduction_tolerance_percent)) for p, k in kpis]
        self.history = [HistoryRow(at=format_datetime(h.at, "UTC", "short"), who=h.username,
                                   what=", ".join(sorted(h.changes))) for h in history]
        self.loading, self.load_error, self.errors = False, "", {}

    @rx.event
    def set_value(self, name: str, value: str):
        if name in FIELDS:
            self.values[name] = ("true" if value is True else "false" if value is False else str(value))

    @rx.event
    def set_pattern(self, key: str, value: str):
        for row in self.numbering:
            if row.key == key:
                row.pattern = str(value)

    @rx.event
    def save(self):
        problems: dict[str, str] = {}
        numbers = {}
        for name in NUMBERS:
            try:
                numbers[name] = int(self.values.get(name, "0") or 0)
            except ValueError:
                problems[name] = _("Enter a whole number.")
        if problems:
            self.errors = problems
            return None
        data = SettingsUpdate(timezone=self.values.get("timezone"), week_start=numbers["week_start"],
                              language=self.values.get("language"), currency=self.values.get("currency"),
                              number_format=self.values.get("number_format"), units=self.values.get("units"),
                              audit_retention_days=numbers["audit_retention_days"],
                              notification_retention_days=numbers["notification_retention_days"],
                              numbering={row.key: row.pattern for row in self.numbering},
                              session_idle_minutes=numbers["session_idle_minutes"],
                              session_max_hours=numbers["session_max_hours"],
                              password_min_length=numbers["password_min_length"],
                              **{flag: self.values.get(flag) == "true" for flag in PASSWORD_FLAGS})
        try:
            self._use_case(_save, data, numbers["activity_retention_days"])
        except Invalid as error:
            self.errors = {("activity_retention_days" if k == "days" else k): _(v) for k, v in error.fields.items()}
            return rx.toast.error(_("Some settings are not valid: see the marked fields."))
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Settings saved")), OrgSettingsState.load]

    @rx.event
    def set_kpi(self, plant_id: int, name: str, value: str):
        for row in self.plant_kpis:
            if row.plant_id == as_id(plant_id) and name in ("idle_convention", "tolerance"):
                setattr(row, name, str(value))

    @rx.event
    def save_kpi(self, plant_id: int):
        row = next((r for r in self.plant_kpis if r.plant_id == as_id(plant_id)), None)
        if row is None:
            return None
        try:
            tolerance = int(row.tolerance)
        except ValueError:
            return rx.toast.error(_("Enter a whole number."))
        try:
            self._use_case(lambda s, actor: kpi_settings.set_plant_settings(
                s, actor, row.plant_id, idle_convention=row.idle_convention, overproduction_tolerance_percent=tolerance,
                now=utcnow()))
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Saved for {plant}").format(plant=row.plant)), OrgSettingsState.load]
