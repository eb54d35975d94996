"""Languages at run time in headless Chromium: a person switches to Japanese in the user menu and every text
of the page changes at once, without a reload and keeping what they typed; the choice stays on their account
(a reload shows Japanese) while another person's tab stays English. The server reads the tiny catalog
tests/factories/catalogs.E2E_JA first (tests/e2e/conftest.py)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, log_in, shot
from tests.factories.catalogs import E2E_JA

pytestmark = pytest.mark.e2e


@pytest.fixture
def viewer_back_to_default(app_database_url):
    """The viewer's language is stored on the account: clear it so later tests see the demo in English."""
    yield
    from sqlmodel import Session, select

    from models.base import utcnow
    from models.user import User
    from services.core.db import make_engine, transaction
    from services.org.auth import actor_for_user
    from services.org.languages import set_my_language
    engine = make_engine(app_database_url)
    with Session(engine) as session, transaction(session):
        user = session.exec(select(User).where(User.username == "viewer")).one()
        set_my_language(session, actor_for_user(session, user), None, now=utcnow())
    engine.dispose()


def test_switching_to_japanese_changes_the_page_at_once_and_keeps_what_is_typed(new_page, viewer_back_to_default):
    page = new_page(DESKTOP)
    log_in(page, "viewer")
    expect(page.get_by_test_id("greeting")).to_be_visible()
    page.get_by_test_id("sidebar").get_by_role("link", name="Account").click()
    page.wait_for_url(re.compile(r"/account/?$"))
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    page.get_by_label("Current password").fill("half-typed")
    page.evaluate("() => { window.__no_reload_marker = 42; }")

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("language-ja").click()
    sidebar = page.get_by_test_id("sidebar")
    expect(sidebar.get_by_role("link", name=E2E_JA["Home"])).to_be_visible()
    expect(page.get_by_role("heading", name=E2E_JA["Change password"])).to_be_visible()
    expect(page.get_by_text(E2E_JA["Your log-in, password and two-factor log-in."])).to_be_visible()
    expect(page.get_by_label(E2E_JA["Current password"])).to_have_value("half-typed")
    assert page.evaluate("() => window.__no_reload_marker") == 42
    expect(sidebar.get_by_role("link", name="Home", exact=True)).to_have_count(0)
    shot(page, "languages-account-ja")

    other = new_page(DESKTOP)
    log_in(other, "operator")
    expect(other.get_by_test_id("sidebar").get_by_role("link", name="Home", exact=True)).to_be_visible()

    page.reload()
    expect(page.get_by_role("heading", name=E2E_JA["Change password"])).to_be_visible()
    expect(page.get_by_test_id("sidebar").get_by_role("link", name=E2E_JA["Home"])).to_be_visible()

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("language-en").click()
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    expect(page.get_by_test_id("sidebar").get_by_role("link", name="Home", exact=True)).to_be_visible()


def test_an_enter_that_ends_an_ime_composition_does_not_submit_the_machine_code(new_page):
    """The composition events are the browser's own (dispatched on the field); the Enter is a real key press, so
    the form's implicit submit is what assets/takt_input.js must hold back."""
    page = new_page(PHONE)
    log_in(page, "operator")
    page.get_by_test_id("home-operator").click()
    page.wait_for_url(re.compile(r"/operator/?$"))
    code = page.get_by_label("Machine code")
    code.fill("ＮＯ－ＳＵＣＨ")
    code.dispatch_event("compositionstart", {"data": ""})
    code.press("Enter")
    page.wait_for_timeout(800)
    expect(code).to_have_value("ＮＯ－ＳＵＣＨ")            # not submitted: the form resets on submit
    expect(page.get_by_text(re.compile("No machine with code"))).to_have_count(0)

    code.dispatch_event("compositionend", {"data": "ＮＯ－ＳＵＣＨ"})
    page.wait_for_timeout(200)
    code.press("Enter")
    expect(page.get_by_text(re.compile("No machine with code"))).to_be_visible()   # the answer to an unknown code
    expect(code).to_have_value("")
