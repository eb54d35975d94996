"""Navigation follows permissions; every user-facing string goes through `_()` and is in the
catalog template."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from models.user import Role
from rxapp import routes
from rxapp.i18n import LOCALE_DIR, _, format_datetime
from services.core.access import ROLE_PERMISSIONS
from services.maintenance import RAISE_PERMISSIONS

ROOT = Path(__file__).resolve().parents[2]


def _labels(role: Role) -> list[str]:
    return [item.label for item in routes.nav_for({p.value for p in ROLE_PERMISSIONS[role]})]


ADMIN_ITEMS = ["Users", "Plants", "Branding", "Audit log", "API tokens"]


def test_operators_see_home_and_account_but_no_admin_page():
    labels = _labels(Role.OPERATOR)
    assert labels[:2] == ["Home", "Account"] and not set(labels) & set(ADMIN_ITEMS)


def test_admins_see_every_admin_page():
    labels = _labels(Role.ADMIN)
    assert [label for label in labels if label in ADMIN_ITEMS] == ADMIN_ITEMS


def test_managers_see_the_audit_log_but_not_user_admin():
    assert [label for label in _labels(Role.MANAGER) if label in ADMIN_ITEMS] == ["Audit log"]


def test_report_a_breakdown_shows_to_every_role_that_may_raise_a_ticket():
    """The item needs any of maintenance's RAISE_PERMISSIONS (what raise_ticket checks): a technician holding only
    MAINTAIN sees it, like operators and supervisors; a viewer does not."""
    item = routes.nav_item(routes.MAINTENANCE_REPORT)
    assert item is not None and item.permissions == RAISE_PERMISSIONS
    for role in (Role.OPERATOR, Role.SUPERVISOR, Role.MAINTENANCE):
        assert "Report a breakdown" in _labels(role), role
    assert "Report a breakdown" not in _labels(Role.VIEWER)
    assert item.allowed({"maintain"}) and item.allowed({"view", "supervise"}) and not item.allowed({"view"})


def test_every_nav_path_is_unique_and_login_url_is_local():
    paths = [item.path for item in routes.NAV]
    assert len(paths) == len(set(paths))
    assert routes.login_url("/admin/users") == "/login?next=/admin/users"
    assert routes.login_url("//evil.example") == "/login" and routes.login_url(None) == "/login"


def test_translation_falls_back_to_english_and_dates_follow_the_zone():
    assert _("Log in") == "Log in" and _("") == ""
    at = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert format_datetime(at, "Asia/Tokyo", "yyyy-MM-dd HH:mm") == "2026-03-02 17:00"
    assert format_datetime(None) == ""


def test_the_catalog_template_has_every_string_of_the_ui():
    in_code = {msg[2] for msg in extract_from_dir(str(ROOT), method_map=[("rxapp/**.py", "python")])
               if isinstance(msg[2], str)}
    with open(LOCALE_DIR / "takt.pot", encoding="utf-8") as f:
        in_catalog = {m.id for m in read_po(f) if m.id}
    missing = sorted(in_code - in_catalog)
    assert not missing, f"new UI strings; update the catalogs with: python -m rxapp.i18n ({missing[:5]})"
    assert "Log in to continue." in in_catalog
