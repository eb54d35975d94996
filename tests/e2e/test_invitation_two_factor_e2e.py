"""Invitation and two-factor log-in in Chromium: an admin invites a person, the person opens the one-time link,
chooses a username and password and lands logged in, sets up two-factor log-in from the user menu (the code is
computed here with pyotp from the key the page shows), logs out, and logs in again with password and code.
The used link then refuses a second use."""
from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, log_in, shot

pytestmark = pytest.mark.e2e

PASSWORD = "Kestrel-orbit-2027"          # no part of the name "Ivy Invited" (the log-in policy)


def test_invite_accept_enrol_log_out_and_log_in_with_the_code(new_page):
    admin = new_page(DESKTOP)
    log_in(admin, "admin")
    expect(admin.get_by_test_id("greeting")).to_be_visible()
    admin.goto("/admin/invitations")
    expect(admin.get_by_role("heading", name="Invitations")).to_be_visible()
    admin.get_by_test_id("invite-email").fill("ivy.invited@example.com")
    admin.get_by_label("Full name").fill("Ivy Invited")
    admin.get_by_test_id("invite-role-viewer").click()
    admin.get_by_test_id("send-invitation").click()
    link = admin.get_by_test_id("invitation-link")
    expect(link).to_contain_text("/invitation?token=tki_")
    expect(admin.get_by_test_id("invitation-row").filter(has_text="ivy.invited@example.com")).to_contain_text("pending")
    path = "/invitation?" + link.inner_text().split("/invitation?", 1)[1].strip()
    shot(admin, "invitation-sent")

    person = new_page(DESKTOP)
    person.goto(path)
    expect(person.get_by_role("heading", name=re.compile("Join"))).to_be_visible()
    expect(person.get_by_label("Username")).to_have_value("ivy.invited")
    person.get_by_label("Password", exact=True).fill(PASSWORD)
    person.get_by_label("Password again").fill(PASSWORD)
    person.get_by_test_id("accept-invitation").click()
    expect(person.get_by_test_id("greeting")).to_be_visible()

    person.get_by_test_id("user-menu").click()
    person.get_by_role("menuitem", name="Account").click()
    person.wait_for_url(re.compile(r"/account/?$"))
    person.get_by_test_id("two-factor-setup").click()
    secret_box = person.get_by_test_id("account-totp-secret")
    expect(secret_box).to_have_text(re.compile(r"^[A-Z2-7]{16,}$"))
    secret = secret_box.inner_text().strip()
    shot(person, "two-factor-setup")
    person.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    person.get_by_role("button", name="Turn on").click()
    expect(person.get_by_test_id("account-recovery-codes")).to_be_visible()
    expect(person.get_by_text("Two-factor log-in is on.")).to_be_visible()

    person.get_by_test_id("user-menu").click()
    person.get_by_test_id("logout").click()
    person.wait_for_url(re.compile(r"/login/?$"))
    log_in(person, "ivy.invited", PASSWORD)
    expect(person.get_by_role("heading", name="Two-factor log-in")).to_be_visible()
    person.get_by_test_id("code-input").fill(pyotp.TOTP(secret).at(time.time() + 30))   # a later step than the set-up's
    person.get_by_role("button", name="Log in").click()
    expect(person.get_by_test_id("greeting")).to_be_visible()
    shot(person, "two-factor-logged-in")

    again = new_page(DESKTOP)
    again.goto(path)
    expect(again.get_by_test_id("invitation-invalid")).to_be_visible()
