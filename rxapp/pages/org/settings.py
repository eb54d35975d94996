"""/admin/settings: the organization's defaults, numbering patterns per document type with a preview, retention
periods, the log-in policy (session lengths, password rules, a link to two-factor log-in per role), each plant's
KPI conventions, and the history of changes."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field
from rxapp.components.second_name import second_name_fields
from rxapp.components.shell import shell
from rxapp.components.ui import PHONE_TOUCH, list_states, page_header, scroll_x, text_input
from rxapp.i18n import _
from rxapp.state.org.organization_names import OrganizationNamesState
from rxapp.state.org.settings import HistoryRow, NumberingRow, OrgSettingsState, PlantKpiRow

S = OrgSettingsState
N = OrganizationNamesState


def _field(name: str, label: str, control: rx.Component, hint: str = "") -> rx.Component:
    return rx.flex(
        rx.text(label, size="2", weight="medium"), control,
        rx.cond(S.errors.contains(name), rx.text(S.errors[name], color_scheme="red", size="1"),
                rx.text(hint, size="1", color_scheme="gray")),
        direction="column", spacing="1", min_width="220px")


def _text(name: str, label: str, hint: str = "") -> rx.Component:
    return _field(name, label, rx.input(value=S.values[name], on_change=lambda v: S.set_value(name, v),
                                        aria_label=label, min_height=PHONE_TOUCH), hint)


def _choice(name: str, label: str, options: list[tuple[str, str]], hint: str = "") -> rx.Component:
    return _field(name, label, rx.select.root(
        rx.select.trigger(aria_label=label, min_height=PHONE_TOUCH),
        rx.select.content(*[rx.select.item(text, value=value) for value, text in options]),
        value=S.values[name], on_change=lambda v: S.set_value(name, v)), hint)


def _regional() -> rx.Component:
    days = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
    return rx.flex(
        _text("timezone", _("Time zone"), _("New plants start in it, e.g. Europe/Berlin.")),
        _choice("week_start", _("Week starts on"), [(str(i), d) for i, d in enumerate(days)]),
        _choice("language", _("Language"), [("en", "English"), ("ja", "日本語"), ("ko", "한국어")]),
        _text("currency", _("Currency"),
              _("Three letters, e.g. EUR: new purchase orders, standard costs and quality costs are in it.")),
        _choice("number_format", _("Number format"), [(f, f) for f in ("1,234.56", "1.234,56", "1 234,56", "1'234.56")],
                _("How numbers and amounts are written for everyone of the organization.")),
        _choice("units", _("Units"), [("metric", _("Metric")), ("imperial", _("Imperial"))],
                _("The units a new product is offered (kg, m ... or lb, ft ...).")),
        spacing="4", wrap="wrap")


def _retention() -> rx.Component:
    return rx.flex(
        _text("audit_retention_days", _("Keep the audit log (days)"), _("0 keeps it for ever.")),
        _text("notification_retention_days", _("Keep notifications (days)"), _("0 keeps them for ever.")),
        _text("activity_retention_days", _("Keep the studio activity feed (days)"), _("1 to 3650 days.")),
        spacing="4", wrap="wrap")


def _flag(name: str, label: str, hint: str) -> rx.Component:
    return _field(name, label, rx.checkbox(label, checked=S.values[name] == "true",
                                           on_change=lambda v: S.set_value(name, v)), hint)


def _login() -> rx.Component:
    return rx.flex(
        rx.flex(
            _text("session_idle_minutes", _("Log out after no use (minutes)"),
                  _("15 to 1440 minutes; each use starts it again.")),
            _text("session_max_hours", _("Log in again after (hours)"),
                  _("1 to 2160 hours (90 days) from the log-in, however busy the session.")),
            _text("password_min_length", _("Shortest password (characters)"), _("8 to 64 characters.")),
            spacing="4", wrap="wrap"),
        rx.flex(
            _flag("password_require_digit", _("Letters and digits"), _("Every new password holds both.")),
            _flag("password_require_mixed_case", _("Upper- and lower-case letters"), _("Every new password holds both.")),
            _flag("password_require_symbol", _("A symbol"), _("Such as ! ? # or %.")),
            _flag("password_refuse_personal", _("Not the person's name or email address"),
                  _("No part of them may be in the password.")),
            spacing="4", wrap="wrap"),
        rx.text(_("The rules apply to every password set from now on: changed, reset by an admin or chosen when "
                  "accepting an invitation. Shorter session lengths end longer sessions at once."),
                size="2", color_scheme="gray"),
        rx.link(_("Two-factor log-in per role"), href="/admin/two-factor", size="2"),
        direction="column", spacing="3")


def _numbering_row(row: NumberingRow) -> rx.Component:
    name = "numbering." + row.key
    return rx.table.row(
        rx.table.cell(rx.text(row.label), rx.code(row.key, variant="ghost", size="1")),
        rx.table.cell(rx.input(value=row.pattern, on_change=lambda v: S.set_pattern(row.key, v), aria_label=row.label),
                      rx.cond(S.errors.contains(name), rx.text(S.errors[name], color_scheme="red", size="1"))),
        rx.table.cell(rx.code(row.example, variant="ghost")),
        data_testid="numbering-row")


def _kpi_row(row: PlantKpiRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.plant, weight="medium")),
        rx.table.cell(rx.select.root(
            rx.select.trigger(aria_label=_("Idle time")),
            rx.select.content(rx.select.item(_("An availability loss"), value="loss"),
                              rx.select.item(_("Not scheduled time"), value="not_scheduled")),
            value=row.idle_convention, on_change=lambda v: S.set_kpi(row.plant_id, "idle_convention", v))),
        rx.table.cell(rx.input(value=row.tolerance, on_change=lambda v: S.set_kpi(row.plant_id, "tolerance", v),
                               aria_label=_("Overproduction tolerance (%)"), width="80px")),
        rx.table.cell(rx.button(_("Save"), size="1", variant="soft", on_click=S.save_kpi(row.plant_id))))


def _history_row(row: HistoryRow) -> rx.Component:
    return rx.table.row(rx.table.cell(row.at), rx.table.cell(row.who), rx.table.cell(row.what))


def _table(headers: list[str], rows) -> rx.Component:
    return scroll_x(rx.table.root(rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                                  rx.table.body(rows), variant="surface", size="1", width="100%"))


def _names() -> rx.Component:
    e = N.org_errors
    return rx.form(rx.flex(
        rx.box(form_field(_("Name"), text_input("org_name", default_value=N.org_name), e, "org_name"), flex="2",
               min_width="200px"),
        rx.box(second_name_fields(e, N.org_name2, N.org_name2_language), flex="3", min_width="320px"),
        rx.button(_("Save names"), type="submit", min_height=PHONE_TOUCH),
        spacing="3", wrap="wrap", align="end", width="100%"),
        on_submit=N.save_names, reset_on_submit=False, key=N.org_name)


def settings_page() -> rx.Component:
    return shell(
        page_header(_("Organization settings"),
                    _("Defaults for the whole organization, how documents are numbered and how long records are kept."),
                    rx.button(_("Save settings"), on_click=S.save, size="3", min_height=PHONE_TOUCH)),
        list_states(
            S.loading, S.load_error, S.values.length() == 0, _("No settings."), S.load,
            rx.flex(
                rx.heading(_("Organization name"), size="4"), _names(),
                rx.heading(_("Regional defaults"), size="4"), _regional(),
                rx.heading(_("Document numbers"), size="4"),
                rx.text(_("Use {seq} once ({seq:06} pads it to six digits), and {yyyy}, {yy} or {mm} for the date. "
                          "Counting goes on when a pattern changes, so no number repeats."), size="2", color_scheme="gray"),
                _table([_("Document"), _("Pattern"), _("Example")], rx.foreach(S.numbering, _numbering_row)),
                rx.heading(_("Retention"), size="4"), _retention(),
                rx.heading(_("Log-in"), size="4"), _login(),
                rx.heading(_("KPI conventions per plant"), size="4"),
                _table([_("Plant"), _("Idle time"), _("Overproduction tolerance (%)"), ""],
                       rx.foreach(S.plant_kpis, _kpi_row)),
                rx.heading(_("History"), size="4"),
                _table([_("When (UTC)"), _("Who"), _("Changed")], rx.foreach(S.history, _history_row)),
                direction="column", spacing="4"),
        ),
    )
