"""An organization's settings: time zone and week start defaults, language, currency, number format, units,
document numbering patterns per document type and retention periods; with their history.

Invariants: everyone of the organization reads them, CONFIGURE changes them, another organization's are never
reachable (the actor's organization is the only key); an organization without a row has `DEFAULTS` (new plants
in UTC, numbers as `KEY-000001`, weeks from Monday, nothing purged); the time zone is where new plants start,
the week start is where capacity and KPI weeks begin, numbering patterns are rendered by services/core/numbering.py
and retention is read by services/org/retention.py; the currency is what purchase orders, standard costs and the
cost of poor quality are in when no currency is given (`default_currency`), the number format is how numbers are
written for the organization's people (services/core/formats.py, set by the doors from the profile) and the unit
system is which units product forms offer (`unit_system`, services/master/products.offered_units); every change
is validated, audited with its before and after (the history) and announced; nothing here commits. The KPI
conventions (idle time, overproduction tolerance) stay per plant in services/kpi/settings.py and the studio
activity retention in services/studio/activity.py: the settings page edits them there.

The log-in policy: how long a session lasts without use (`session_idle_minutes`, sliding) and at most
(`session_max_hours`), with idle <= absolute, stored on each session as its expiry when it starts or slides
and read by the token check in its one query (services/org/auth.py); and the password rules
(`password_policy`, services/org/passwords.py) every password set in the organization meets (one's own change,
an admin's reset, a new user, an accepted invitation: each checks it through `new_password_problem` or
`check_new_password`, which also decide what of the person counts as personal). Two-factor log-in per role is on /admin/two-factor
(services/org/two_factor.py).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.audit import AuditEntry
from models.org_settings import OrganizationSettings
from models.user import User
from services.core.access import Actor, Permission, require
from services.core.changes import announce, stamp, stamp_new
from services.core.messages import t
from services.core.numbering import default_pattern, pattern_problem, render
from services.core.validation import check, timezone_problem
from services.core.worker_cache import WorkerCache
from services.org import passwords
from services.org.passwords import MIN_LENGTH_BOUNDS, PasswordPolicy

ENTITY = "organization_settings"
# The document types that take a number, by counter key, with what the settings page calls them.
DOCUMENT_TYPES: dict[str, str] = {
    "SO": "Customer orders", "WO": "Work orders", "PO": "Purchase orders", "INV": "Invoices", "CN": "Credit notes",
    "PAY": "Payments", "ST": "Settlements", "JE": "Journal entries", "NCR": "NCRs", "REJ": "Internal rejects",
    "RET": "Customer returns", "SOP": "SOP tickets", "MT": "Maintenance tickets", "SHP": "Shipments", "LOT": "Lots",
    "SN": "Serial numbers", "PRJ": "Projects", "DOC": "Documents", "CO": "Change orders",
}
LANGUAGES = ("en", "ja", "ko")
NUMBER_FORMATS = ("1,234.56", "1.234,56", "1 234,56", "1'234.56")
UNIT_SYSTEMS = ("metric", "imperial")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_RETENTION_DAYS = 36_500
SESSION_IDLE_MINUTES = (15, 24 * 60)          # bounds of the log-in policy's session lengths
SESSION_MAX_HOURS = (1, 90 * 24)
PASSWORD_FLAGS = ("password_require_digit", "password_require_mixed_case", "password_require_symbol",
                  "password_refuse_personal")


class SettingsRead(BaseModel):
    timezone: str = "UTC"
    week_start: int = 0
    language: str = "en"
    currency: str = "EUR"
    number_format: str = "1,234.56"
    units: str = "metric"
    numbering: dict[str, str] = {}          # every document type's pattern in force (the default where unset)
    audit_retention_days: int | None = None
    notification_retention_days: int | None = None
    session_idle_minutes: int = 720         # a session unused this long ends (it slides with use)
    session_max_hours: int = 168            # and ends this long after the log-in whatever happens
    password_min_length: int = 10
    password_require_digit: bool = False
    password_require_mixed_case: bool = False
    password_require_symbol: bool = False
    password_refuse_personal: bool = True   # no part of the person's name or email address


DEFAULTS = SettingsRead()


class SettingsUpdate(BaseModel):
    """Only the fields given change. `numbering`: {key: pattern}, "" puts a type back on its default;
    a retention of 0 keeps for ever. The log-in policy: `session_idle_minutes` 15-1440 and within
    `session_max_hours` (1-2160), `password_min_length` 8-64, and the password flags."""
    timezone: str | None = None
    week_start: int | None = None
    language: str | None = None
    currency: str | None = None
    number_format: str | None = None
    units: str | None = None
    numbering: dict[str, str] | None = None
    audit_retention_days: int | None = None
    notification_retention_days: int | None = None
    session_idle_minutes: int | None = None
    session_max_hours: int | None = None
    password_min_length: int | None = None
    password_require_digit: bool | None = None
    password_require_mixed_case: bool | None = None
    password_require_symbol: bool | None = None
    password_refuse_personal: bool | None = None


class SettingsChange(BaseModel):
    at: datetime
    username: str
    changes: dict[str, Any]


def settings_for(session: Session, organization_id: int) -> SettingsRead:
    """The organization's settings in force (a platform read for jobs and other services: no actor)."""
    row = _row(session, organization_id)
    stored = dict(row.numbering or {}) if row else {}
    numbering = {key: stored.get(key) or default_pattern(key) for key in DOCUMENT_TYPES}
    if row is None:
        return DEFAULTS.model_copy(update={"numbering": numbering})
    return SettingsRead(timezone=row.timezone, week_start=row.week_start, language=row.language, currency=row.currency,
                        number_format=row.number_format, units=row.units, numbering=numbering,
                        audit_retention_days=row.audit_retention_days,
                        notification_retention_days=row.notification_retention_days,
                        session_idle_minutes=row.session_idle_minutes, session_max_hours=row.session_max_hours,
                        password_min_length=row.password_min_length,
                        **{flag: bool(getattr(row, flag)) for flag in PASSWORD_FLAGS})


def password_policy(session: Session, organization_id: int) -> PasswordPolicy:
    """The password rules of the organization (its log-in policy; the defaults without a settings row)."""
    row = _row(session, organization_id)
    if row is None:
        return PasswordPolicy()
    return PasswordPolicy(min_length=row.password_min_length, require_digit=row.password_require_digit,
                          require_mixed_case=row.password_require_mixed_case,
                          require_symbol=row.password_require_symbol, refuse_personal=row.password_refuse_personal)


def new_password_problem(session: Session, organization_id: int, password: str, *, username: str,
                         full_name: str | None = None, full_name2: str | None = None,
                         email: str | None = None) -> str | None:
    """The first of the organization's password rules `password` breaks as this person's password (not their
    username; no part of their names or email address when the policy refuses them); None when it is good."""
    return passwords.password_problem(password, username=username, policy=password_policy(session, organization_id),
                                      personal=(full_name, full_name2, email))


def check_new_password(session: Session, user: User, password: str, *, field: str = "password") -> None:
    """`new_password_problem` for a password an existing person is to have; Invalid on `field` when it breaks one."""
    passwords.check_password_problem(new_password_problem(
        session, user.organization_id, password, username=user.username, full_name=user.full_name,
        full_name2=user.full_name2, email=user.email), field=field)


def session_lengths(session: Session, organization_id: int) -> tuple[timedelta, timedelta]:
    """How long a session of the organization lasts unused (sliding) and at most."""
    lengths = session.exec(select(OrganizationSettings.session_idle_minutes, OrganizationSettings.session_max_hours)
                           .where(OrganizationSettings.organization_id == organization_id)).first()
    idle, most = lengths if lengths is not None else (DEFAULTS.session_idle_minutes, DEFAULTS.session_max_hours)
    return timedelta(minutes=idle), timedelta(hours=most)


def default_currency(session: Session, organization_id: int) -> str:
    """The currency a document of the organization is in when none is given (purchase orders, standard costs,
    cost of poor quality): its settings' currency, else EUR."""
    currency = session.exec(select(OrganizationSettings.currency).where(
        OrganizationSettings.organization_id == organization_id)).first()
    return currency or DEFAULTS.currency


def organization_currency(session: Session, actor: Actor) -> str:
    """The actor's organization's default currency (what a new document's form starts with)."""
    require(actor, Permission.VIEW)
    return default_currency(session, actor.organization_id)


def unit_system(session: Session, organization_id: int) -> str:
    """The organization's unit system ("metric" or "imperial"): the units its forms offer."""
    units = session.exec(select(OrganizationSettings.units).where(
        OrganizationSettings.organization_id == organization_id)).first()
    return units if units in UNIT_SYSTEMS else DEFAULTS.units


# Per worker: each organization's number format for the REST door (set per request like the UI sets it per
# event), dropped when its settings change or after 60 s, so a request reads no settings row for it.
FORMAT_CACHE: WorkerCache[str | None] = WorkerCache("number formats", invalidated_by=("organization_settings.*",))


def number_format_of(session: Session, organization_id: int) -> str | None:
    """The organization's number format once it has settings (None: the language's own signs), as the profile
    gives it to the UI (services/org/profile.py)."""
    return FORMAT_CACHE.get(organization_id, lambda: session.exec(select(OrganizationSettings.number_format).where(
        OrganizationSettings.organization_id == organization_id)).first(), plant_id=None)


def get_settings(session: Session, actor: Actor) -> SettingsRead:
    require(actor, Permission.VIEW)
    return settings_for(session, actor.organization_id)


def update_settings(session: Session, actor: Actor, data: SettingsUpdate, *, now: datetime) -> SettingsRead:
    require(actor, Permission.CONFIGURE)
    values = _validated(data)
    row = _row(session, actor.organization_id)
    if row is None:
        row = stamp_new(OrganizationSettings(organization_id=actor.organization_id), actor, now)
        session.add(row)
    changes: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        if key == "numbering":
            value = _merged_numbering(dict(row.numbering or {}), value)
        elif key.endswith("_retention_days"):
            value = value or None
        if getattr(row, key) != value:
            changes[key] = {"before": getattr(row, key), "after": value}
            setattr(row, key, value)
    if row.session_idle_minutes > row.session_max_hours * 60:
        check({"session_idle_minutes": t("Use at most the session's longest length ({hours} hours = {minutes} "
                                         "minutes).", hours=row.session_max_hours, minutes=row.session_max_hours * 60)})
    if changes:
        session.add(stamp(row, actor, now))
        session.flush()
        announce(session, actor, ENTITY, actor.organization_id, "update", changes, now=now)
    return settings_for(session, actor.organization_id)


def settings_history(session: Session, actor: Actor, *, limit: int = 50) -> list[SettingsChange]:
    """Who changed which setting from what to what, newest first."""
    require(actor, Permission.CONFIGURE)
    rows = session.exec(select(AuditEntry, User.username).outerjoin(User, col(User.id) == AuditEntry.user_id).where(
        AuditEntry.organization_id == actor.organization_id, AuditEntry.entity == ENTITY)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc()).limit(max(1, min(limit, 500)))).all()
    return [SettingsChange(at=entry.at, username=username or "system", changes=entry.changes) for entry, username in rows]


def numbering_example(pattern: str, at: datetime) -> str:
    """The number a pattern makes for the 42nd document (the settings page's preview)."""
    return render(pattern, 42, at)


def _validated(data: SettingsUpdate) -> dict[str, Any]:
    problems: dict[str, str] = {}
    values = data.model_dump(exclude_unset=True, exclude_none=True)
    if "timezone" in values and (p := timezone_problem(values["timezone"].strip())):
        problems["timezone"] = p
    if "week_start" in values and values["week_start"] not in range(7):
        problems["week_start"] = t("Use 0 (Monday) to 6 (Sunday).")
    for key, allowed in (("language", LANGUAGES), ("number_format", NUMBER_FORMATS), ("units", UNIT_SYSTEMS)):
        if key in values and values[key] not in allowed:
            problems[key] = t("Use one of: {allowed}.", allowed=', '.join(allowed))
    if "currency" in values:
        values["currency"] = values["currency"].strip().upper()
        if len(values["currency"]) != 3 or not values["currency"].isalpha():
            problems["currency"] = t("Use a three-letter currency code such as EUR.")
    for key in ("audit_retention_days", "notification_retention_days"):
        if key in values and not 0 <= values[key] <= MAX_RETENTION_DAYS:
            problems[key] = t("Use 0 (keep for ever) to {max_retention_days} days.",
                              max_retention_days=MAX_RETENTION_DAYS)
    for key, (low, high), unit in (("session_idle_minutes", SESSION_IDLE_MINUTES, t("minutes")),
                                   ("session_max_hours", SESSION_MAX_HOURS, t("hours")),
                                   ("password_min_length", MIN_LENGTH_BOUNDS, t("characters"))):
        if key in values and not low <= values[key] <= high:
            problems[key] = t("Use {low} to {high} {unit}.", low=low, high=high, unit=unit)
    for key, pattern in (values.get("numbering") or {}).items():
        if key not in DOCUMENT_TYPES:
            problems[f"numbering.{key}"] = t("Unknown document type.")
        elif pattern.strip() and (p := pattern_problem(pattern.strip())):
            problems[f"numbering.{key}"] = p
    check(problems)
    if "timezone" in values:
        values["timezone"] = values["timezone"].strip()
    return values


def _merged_numbering(stored: dict[str, str], wanted: dict[str, str]) -> dict[str, str]:
    merged = dict(stored)
    for key, pattern in wanted.items():
        pattern = pattern.strip()
        if not pattern or pattern == default_pattern(key):
            merged.pop(key, None)
        else:
            merged[key] = pattern
    return merged


def _row(session: Session, organization_id: int) -> OrganizationSettings | None:
    return session.exec(select(OrganizationSettings).where(
        OrganizationSettings.organization_id == organization_id)).first()
