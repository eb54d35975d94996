"""The log-in page's second-factor steps (AuthState), the account page's two-factor card, the policy page, and
invitations from the admin's form to the invitee logged in, through the page states."""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pyotp
from sqlmodel import Session, select

from models.base import utcnow
from models.config import EmailOutbox
from models.user import User
from rxapp.state.config.invitation_accept import InvitationAcceptState
from rxapp.state.config.invitations import InvitationsState
from rxapp.state.org.auth import AuthState
from rxapp.state.org.two_factor import TwoFactorState
from rxapp.state.org.two_factor_policy import TwoFactorPolicyState
from services.core.db import transaction
from services.core.languages import use_language
from services.org import two_factor
from tests.factories.org import PASSWORD
from tests.ui.conftest import new_tab, redirects, run, signed_in

NEW_PASSWORD = "Fresh-start-2026"


def next_code(secret: str) -> str:
    """The next 30-second step's code: accepted now, and later than the code that confirmed the set-up."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def enrol(session, world, user_id) -> str:
    actor = world.actor(user_id)
    with transaction(session):
        secret = two_factor.begin_enrolment(session, actor, now=utcnow()).secret
    with transaction(session):
        two_factor.confirm_enrolment(session, actor, pyotp.TOTP(secret).now(), now=utcnow())
    return secret


async def test_an_enrolled_person_is_asked_for_the_code_after_the_password(engine, session, world):
    secret = enrol(session, world, world.operator1)
    auth = await new_tab()

    events = await run(auth.login({"username": "op.one", "password": PASSWORD}), auth)
    assert (auth.login_step, auth.token, redirects(events)) == ("code", "", [])

    await run(auth.submit_code({"code": "12345x"}), auth)
    assert auth.code_error == "The code is wrong or was used already." and auth.token == ""

    events = await run(auth.submit_code({"code": next_code(secret)}), auth)
    assert auth.token.startswith("tks_") and auth.login_step == "" and redirects(events) == ["/"]


async def test_back_returns_to_the_password_step(engine, session, world):
    enrol(session, world, world.operator1)
    auth = await new_tab()
    await run(auth.login({"username": "op.one", "password": PASSWORD}), auth)
    await run(auth.restart_login(), auth)
    assert auth.login_step == "" and auth._login_challenge == ""


async def test_a_required_role_sets_it_up_at_log_in_and_sees_the_recovery_codes_once(engine, session, world):
    admin = await signed_in(engine, TwoFactorPolicyState, "admin.a")
    await run(admin.load(), admin)
    await run(admin.toggle_role("operator", True), admin)
    await run(admin.save(), admin)
    assert admin.required_roles == ["operator"] and admin.updated != ""

    auth = await new_tab()
    await run(auth.login({"username": "op.one", "password": PASSWORD}), auth)
    assert auth.login_step == "enrol" and auth.enrol_qr.startswith("data:image/svg+xml") and auth.token == ""

    await run(auth.confirm_enrolment({"code": "000000" if pyotp.TOTP(auth.enrol_secret).now() != "000000" else "111111"}), auth)
    assert auth.code_error == "The code does not match." and auth.login_step == "enrol"
    await run(auth.confirm_enrolment({"code": pyotp.TOTP(auth.enrol_secret).now()}), auth)
    assert auth.login_step == "codes" and len(auth.recovery_codes) == 10 and auth.token.startswith("tks_")

    events = await run(auth.leave_recovery_codes(), auth)
    assert redirects(events) == ["/"] and auth.recovery_codes == [] and auth.login_step == ""


async def test_the_account_card_turns_it_on_renews_codes_and_turns_it_off(engine, world):
    card = await signed_in(engine, TwoFactorState, "planner.one")
    await run(card.load(), card)
    assert not card.enrolled

    await run(card.begin(), card)
    assert card.setup_secret and card.setup_qr.startswith("data:image/svg+xml")
    await run(card.confirm({"setup_code": pyotp.TOTP(card.setup_secret).now()}), card)
    assert card.enrolled and len(card.new_codes) == 10 and card.setup_secret == ""

    await run(card.renew_codes({"renew_password": "not-my-password"}), card)
    assert card.errors == {"renew_password": "Wrong password."}
    old = list(card.new_codes)
    await run(card.renew_codes({"renew_password": PASSWORD}), card)
    assert set(card.new_codes).isdisjoint(old) and card.codes_left == 10

    await run(card.turn_off({"off_password": PASSWORD}), card)
    assert not card.enrolled


async def test_invite_then_accept_the_link_and_land_logged_in(engine, world, monkeypatch):
    monkeypatch.setenv("TAKT_PUBLIC_URL", "http://takt.test")
    admin = await signed_in(engine, InvitationsState, "admin.a")
    await run(admin.load(), admin)
    await run(admin.invite({"email": "bad", "full_name": "", "valid_days": "7"}), admin)
    assert set(admin.form_errors) == {"email", "roles"}

    await run(admin.toggle_role("planner", True), admin)
    await run(admin.toggle_plant(world.plant1, True), admin)
    await run(admin.invite({"email": "nina@example.com", "full_name": "Nina", "valid_days": "3", "language": "ja"}),
              admin)
    assert admin.form_errors == {} and [r.email for r in admin.rows] == ["nina@example.com"]
    assert admin.rows[0].status == "pending" and admin.last_link.startswith("http://takt.test/invitation?token=")
    token = parse_qs(urlparse(admin.last_link).query)["token"][0]

    page = await new_tab(InvitationAcceptState)
    page.show(token)
    assert (page.invalid, page.organization, page.suggested_username) == ("", "Org A", "nina")
    assert page.lang == "ja"                       # the page greets them in the language chosen for them
    await run(page.accept({"username": "nina", "full_name": "Nina N", "password": NEW_PASSWORD,
                           "confirm_password": "other"}), page)
    assert page.errors == {"confirm_password": "2 つのパスワードが一致しません。"}     # in the page's language
    events = await run(page.accept({"username": "nina", "full_name": "Nina N", "password": NEW_PASSWORD,
                                    "confirm_password": NEW_PASSWORD}), page)
    auth = await page.get_state(AuthState)
    assert redirects(events) == ["/"] and auth.token.startswith("tks_")
    with Session(engine) as s:                     # the language the admin chose: the email's and the account's
        assert s.exec(select(EmailOutbox.subject)).one() == "Takt の Org A への招待"
        assert s.exec(select(User.language).where(User.username == "nina")).one() == "ja"

    again = await new_tab(InvitationAcceptState)
    again.show(token)
    assert again.invalid.startswith("この招待リンクはもう使えません")   # the browser is nina's now, in Japanese


async def test_a_revoked_invitation_shows_why_the_link_fails(engine, world):
    admin = await signed_in(engine, InvitationsState, "admin.a")
    await run(admin.toggle_role("viewer", True), admin)
    await run(admin.invite({"email": "late@example.com", "valid_days": "7"}), admin)
    token = parse_qs(urlparse(admin.last_link).query)["token"][0]
    await run(admin.revoke(admin.rows[0].id), admin)
    assert admin.rows[0].status == "revoked"

    page = await new_tab(InvitationAcceptState)
    page.show(token)
    assert page.invalid != ""


async def test_an_invitee_whose_role_requires_it_goes_to_the_set_up(engine, session, world):
    with transaction(session):
        two_factor.set_policy(session, world.actor(world.admin_a), ["viewer"], now=utcnow())
    admin = await signed_in(engine, InvitationsState, "admin.a")
    await run(admin.toggle_role("viewer", True), admin)
    await run(admin.invite({"email": "sam@example.com", "valid_days": "7"}), admin)
    token = parse_qs(urlparse(admin.last_link).query)["token"][0]

    page = await new_tab(InvitationAcceptState)
    page.show(token)
    events = await run(page.accept({"username": "sam.s", "full_name": "", "password": NEW_PASSWORD,
                                    "confirm_password": NEW_PASSWORD}), page)
    auth = await page.get_state(AuthState)
    assert redirects(events) == ["/login"] and auth.login_step == "enrol" and auth.token == ""
    await run(auth.confirm_enrolment({"code": pyotp.TOTP(auth.enrol_secret).now()}), auth)
    assert auth.login_step == "codes" and auth.token.startswith("tks_")


async def test_the_policy_page_lists_who_uses_it_and_clears_a_lost_phone(engine, session, world):
    enrol(session, world, world.operator1)
    with transaction(session):
        two_factor.set_policy(session, world.actor(world.admin_a), ["operator"], now=utcnow())
    admin = await signed_in(engine, TwoFactorPolicyState, "admin.a")
    await run(admin.load(), admin)
    rows = {p.username: (p.enrolled, p.required) for p in admin.people}
    assert rows == {"admin.a": (False, False), "op.one": (True, True), "planner.one": (False, False)}
    assert "operator" in [o.key for o in admin.role_options]

    [op] = [p for p in admin.people if p.username == "op.one"]
    await run(admin.reset_person(op.user_id), admin)
    assert {p.username: p.enrolled for p in admin.people}["op.one"] is False
    auth = await new_tab()
    await run(auth.login({"username": "op.one", "password": PASSWORD}), auth)
    assert auth.login_step == "enrol"                          # required: set up again at the next log-in


async def test_an_expired_challenge_returns_to_the_password_step_in_the_persons_language(engine, session, world):
    enrol(session, world, world.operator1)
    auth = await new_tab()
    await run(auth.login({"username": "op.one", "password": PASSWORD}), auth)
    assert auth.login_step == "code"
    auth._login_challenge = "gone-" + auth._login_challenge          # as if it had expired or been used
    with use_language("ja"):                                         # told by its code, not by its English words
        await run(auth.submit_code({"code": "123456"}), auth)
    assert (auth.login_step, auth.code_error) == ("", "")
    assert auth.login_error == "このログインは有効期限が切れました。ユーザー名とパスワードでもう一度ログインしてください。"
