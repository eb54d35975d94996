"""The foundation in a real browser: log-in, the shell on a phone and on a desktop, the page guard,
creating a user and rebranding. Screenshots go to test-results/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, log_in, shot

pytestmark = pytest.mark.e2e

ADMIN_ITEMS = ["Users", "Plants", "Branding", "Audit log", "API tokens"]


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def _path(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0].rstrip("/") or "/"


def test_wrong_password_shows_the_message(new_page):
    page = new_page(PHONE)
    log_in(page, "viewer", "not-the-password")
    expect(page.get_by_test_id("login-error")).to_contain_text(
        "Wrong username or password, or the account is deactivated.")
    assert _path(page) == "/login"
    shot(page, "login-wrong-password-phone")


def test_operator_on_a_phone_sees_home_and_account_only(new_page):
    page = new_page(PHONE)
    log_in(page, "operator")
    expect(page.get_by_test_id("greeting")).to_contain_text("Olga Operator")
    expect(page.get_by_test_id("home-org")).to_have_text("Acme Precision Parts")
    expect(page.get_by_text("Berlin Works")).to_be_visible()
    expect(page.get_by_test_id("topbar")).to_be_visible()
    expect(page.get_by_test_id("sidebar")).to_be_hidden()
    assert _no_horizontal_scroll(page)
    shot(page, "operator-home-phone")

    menu = page.get_by_test_id("menu-button")
    box = menu.bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48
    menu.click()
    drawer = page.get_by_test_id("drawer")
    expect(drawer.get_by_role("link", name="Home")).to_be_visible()
    expect(drawer.get_by_role("link", name="Account")).to_be_visible()
    for label in ADMIN_ITEMS:
        expect(drawer.get_by_role("link", name=label, exact=True)).to_have_count(0)
    for link in drawer.get_by_role("link").all():
        assert link.bounding_box()["height"] >= 48
    assert _no_horizontal_scroll(page)
    shot(page, "operator-drawer-phone")

    drawer.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    assert _path(page) == "/account" and _no_horizontal_scroll(page)
    for control in page.locator("main .rt-TextFieldRoot:visible, main button:visible").all():
        assert control.bounding_box()["height"] >= 48, control.evaluate("e => e.outerHTML")
    shot(page, "operator-account-phone")

    page.get_by_test_id("menu-button").click()
    page.get_by_test_id("drawer-logout").click()
    expect(page.get_by_label("Username")).to_be_visible()
    assert _path(page) == "/login"


def test_operator_opening_an_admin_page_sees_not_allowed(new_page):
    page = new_page(PHONE)
    log_in(page, "operator")
    expect(page.get_by_test_id("greeting")).to_be_visible()
    page.goto("/admin/users")
    expect(page.get_by_test_id("not-allowed")).to_have_text("You are not allowed to open this page")
    expect(page.get_by_text("manage users")).to_be_visible()
    expect(page.get_by_text("Admin", exact=True)).to_be_visible()
    assert _path(page) == "/not-allowed" and _no_horizontal_scroll(page)
    shot(page, "operator-not-allowed-phone")
    page.get_by_role("link", name="Go to the home page").click()
    expect(page.get_by_test_id("greeting")).to_be_visible()


def test_signed_out_visitors_are_sent_to_log_in(new_page):
    page = new_page(DESKTOP)
    page.goto("/admin/plants")
    expect(page.get_by_label("Username")).to_be_visible()
    assert _path(page) == "/login"
    log_in_url = page.url
    assert "next=/admin/plants" in log_in_url


def test_admin_on_a_desktop_sees_every_admin_page(new_page):
    page = new_page(DESKTOP)
    log_in(page, "admin")
    expect(page.get_by_test_id("greeting")).to_contain_text("Ada Admin")
    sidebar = page.get_by_test_id("sidebar")
    expect(sidebar).to_be_visible()
    expect(page.get_by_test_id("topbar")).to_be_hidden()
    for label in ["Home", "Account", *ADMIN_ITEMS]:
        expect(sidebar.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(sidebar.get_by_test_id("brand")).to_contain_text("Acme Precision Parts")
    assert _no_horizontal_scroll(page)
    shot(page, "admin-home-desktop")
    for label, heading in [("Plants", "Plants"), ("Audit log", "Audit log"), ("API tokens", "API tokens")]:
        sidebar.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page.get_by_text("Loading…")).to_have_count(0)          # loaded: no spinner left
        shot(page, f"admin-{label.lower().replace(' ', '-')}-desktop")


def test_admin_creates_a_user_through_the_dialog(new_page):
    page = new_page(DESKTOP)
    log_in(page, "admin")
    expect(page.get_by_test_id("greeting")).to_be_visible()
    page.get_by_test_id("sidebar").get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_test_id("users-table")).to_be_visible()
    page.get_by_test_id("new-user").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Username").fill("e2e.person")
    dialog.get_by_label("Full name").fill("Erin Endtoend")
    dialog.get_by_label("Email").fill("erin@acme.example")
    dialog.get_by_label("Password").fill("short")
    dialog.get_by_text("Operator", exact=True).click()
    dialog.get_by_text("BER · Berlin Works").click()
    dialog.get_by_role("button", name="Create user").click()
    expect(dialog.get_by_text("Use at least 10 characters.")).to_be_visible()
    shot(page, "admin-create-user-error-desktop")
    dialog.get_by_label("Password").fill("Kestrel-orbit-2026")      # no part of her name (the log-in policy)
    dialog.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    row = page.get_by_test_id("user-row").filter(has_text="e2e.person")
    expect(row).to_contain_text("Erin Endtoend")
    expect(row).to_contain_text("Operator")
    expect(row).to_contain_text("BER")
    shot(page, "admin-users-desktop")


def test_admin_changes_the_branding_colour_and_the_shell_shows_it(new_page):
    page = new_page(DESKTOP)
    log_in(page, "admin")
    expect(page.get_by_test_id("greeting")).to_be_visible()
    page.get_by_test_id("sidebar").get_by_role("link", name="Branding", exact=True).click()
    colour = page.locator("#primary_color")
    expect(colour).to_have_value("#0f766e")
    colour.fill("#9333ea")
    expect(page.get_by_test_id("brand-preview")).to_have_css("background-color", "rgb(147, 51, 234)")
    page.get_by_test_id("save-branding").click()
    expect(page.get_by_text("Branding saved.")).to_be_visible()
    brand_block = page.get_by_test_id("sidebar").locator("> div").first
    expect(brand_block).to_have_css("background-color", "rgb(147, 51, 234)")
    page.mouse.move(700, 5)                      # not hovering: a hovered button is one shade darker
    expect(page.get_by_test_id("save-branding")).to_have_css("background-color", "rgb(147, 51, 234)")
    shot(page, "admin-branding-desktop")

    phone = new_page(PHONE)                       # another person of the organization, on a phone
    log_in(phone, "supervisor")
    expect(phone.get_by_test_id("greeting")).to_be_visible()
    expect(phone.get_by_test_id("topbar")).to_have_css("background-color", "rgb(147, 51, 234)")
    shot(phone, "supervisor-home-phone-rebranded")
