"""Who is signed in, and the one way every handler finds out.

`AuthState` keeps the session token in the browser's localStorage ("takt_token") and the signed-in
person's display data as plain values (never ORM objects). It imports nothing else from the app
but routes, i18n and the theme helper, so every page state can build on it.

Security: page `on_load` guards are a convenience, not a defence. Any client can send any event,
so every handler that reads or changes data resolves the actor from the token through
`services.org.auth.actor_for_token` inside its own unit of work (`_use_case`), and the services check
permissions and organization/plant scope. Ids sent by the client are only ever passed to services,
which treat rows outside the actor's organization or plants as not found.
"""
from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

import reflex as rx

from models.base import utcnow
from rxapp import live, routes
from rxapp.i18n import _, set_language
from rxapp.state.language import LanguageState
from rxapp.state.theme import DEFAULT_COLOR, accent_css, text_on
from rxapp.state.trace.labels import permission_label, role_label
from services.core import formats, tenancy
from services.core.access import Actor, Permission, roles_granting
from services.core.db import db_session, transaction
from services.core.display_names import pick
from services.core.errors import Conflict, DomainError, Forbidden, Invalid, RateLimited, Unauthorized
from services.core.languages import choose as choose_language
from services.org import auth as auth_service
from services.org import languages as language_service
from services.org import profile as profile_service
from services.org import roles as roles_service
from services.org import two_factor as two_factor_service
from services.org.demo_users import CHANGE_PASSWORD_FIRST

T = TypeVar("T")


def as_id(value: Any) -> int:
    """A row id sent by the client, as an int (0, which names no row, when it is not one)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@dataclass
class DepartmentInfo:
    code: str = ""
    name: str = ""


@dataclass
class PlantInfo:
    id: int = 0
    code: str = ""
    name: str = ""              # in the person's language (services/core/display_names.pick)
    timezone: str = ""
    departments: list[DepartmentInfo] = field(default_factory=list)


def logo_src(logo: str | None) -> str:
    """An <img> source for a stored logo (inline SVG text or a data URL); "" when there is none."""
    if not logo:
        return ""
    if logo.startswith("data:"):
        return logo
    return "data:image/svg+xml;base64," + base64.b64encode(logo.encode("utf-8")).decode("ascii")


def _person_for_token(session, token: str | None) -> Actor:
    """The UI is for people: an API token (machine, station, display) does not log in here."""
    actor = auth_service.actor_for_token(session, token, now=utcnow())
    if actor.user_id is None:
        raise Unauthorized("Log in with your username and password.")
    tenancy.bind(session, actor.organization_id)   # the rest of this unit of work runs for the organization (RLS)
    return actor


class AuthState(LanguageState):
    token: str = rx.LocalStorage(name="takt_token", sync=True)

    username: str = ""
    full_name: str = ""
    organization_name: str = ""
    roles: list[str] = []
    role_names: list[str] = []
    permissions: list[str] = []
    plants: list[PlantInfo] = []

    brand_name: str = ""
    brand_color: str = DEFAULT_COLOR
    brand_text_color: str = "#ffffff"
    brand_logo: str = ""
    brand_css: str = ""

    login_error: str = ""
    login_busy: bool = False
    login_step: str = ""                    # "" password, "code" second factor, "enrol" set it up, "codes" recovery codes
    code_error: str = ""
    enrol_secret: str = ""                  # the authenticator secret being set up (the person types or scans it)
    enrol_qr: str = ""
    recovery_codes: list[str] = []          # shown once, right after the set-up
    _login_challenge: str = ""              # the single-use challenge between the password and the second factor
    denied_permission: str = ""
    denied_roles: list[str] = []            # role names that hold the missing permission
    demo_users: list[str] = []              # the organization's users still on the demo's published password
    password_change_required: bool = False  # this person is one of them, outside demo mode: no writes yet
    own_language: str = ""                  # the person's own setting; "": the organization's, then the browser's
    organization_language: str = ""

    @rx.var
    def signed_in(self) -> bool:
        return self.username != ""

    @rx.var
    def display_name(self) -> str:
        return self.full_name or self.username

    # ----- the resolver: every handler goes through these ------------------------------------

    def _actor(self, session) -> Actor:
        """The person behind this client's token, re-checked now. Raises Unauthorized."""
        return _person_for_token(session, self.token or None)

    def _use_case(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(session, actor, ...)` as one unit of work for the signed-in person."""
        with db_session() as session, transaction(session):
            return fn(session, self._actor(session), *args, **kwargs)

    async def _use_case_slow(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`_use_case` off the event loop, for work that hashes passwords."""
        token = self.token or None

        def run() -> T:
            with db_session() as session, transaction(session):
                return fn(session, _person_for_token(session, token), *args, **kwargs)
        return await asyncio.to_thread(run)

    def _refused(self, error: DomainError, *, quiet: bool = False) -> list:
        """What the person sees when a service says no: log in again, or a message.

        `quiet` (page loads) shows no toast: the page shows its error state instead, and a missing
        permission has already sent the person to the not-allowed page.
        """
        if isinstance(error, Unauthorized):
            return self._ask_to_log_in(error.message)
        return [] if quiet else [rx.toast.error(_(error.message), id="refused")]

    def _ask_to_log_in(self, message: str = "Log in first.") -> list:
        here = self.router.url.path if self.router and self.router.url else ""
        self._forget()
        return [rx.toast.info(_(message), id="log-in"),
                rx.redirect(routes.login_url(quote(here, safe="/") if here else None))]

    def _forget(self) -> None:
        self.token = ""
        self.username = self.full_name = self.organization_name = ""
        self.roles, self.role_names, self.permissions, self.plants = [], [], [], []
        self.demo_users, self.password_change_required = [], False
        self._login_challenge, self.login_step, self.code_error, self.recovery_codes = "", "", "", []
        self.brand_name, self.brand_logo, self.brand_css = "", "", ""
        self.brand_color, self.brand_text_color = DEFAULT_COLOR, "#ffffff"
        self.own_language = self.organization_language = self.number_format = ""

    def _zone(self, plant_id: int | None = None) -> str:
        """The time zone to show times in: the plant's (one of the person's), else their first plant's, else UTC."""
        zones = [p.timezone for p in self.plants if plant_id is None or p.id == plant_id] or \
            [p.timezone for p in self.plants]
        return next((z for z in zones if z), "UTC")

    def _when(self, value: datetime | None, plant_id: int | None = None) -> str:
        """A stored (UTC) time as the whole app shows it: the plant's zone, the person's locale, short
        (services/core/formats.moment); "" for None."""
        return formats.moment(value, self._zone(plant_id), fmt="short")

    def _show_profile(self, profile: profile_service.ProfileRead) -> None:
        self.username, self.full_name = profile.username, profile.full_name
        self.organization_name = profile.organization_name
        self.roles, self.permissions = list(profile.roles), list(profile.permissions)
        labels = [role_label(r) for r in profile.roles]
        self.role_names = labels + [r for r in profile.custom_roles if r not in labels]   # and roles held at a plant
        self._show_branding(profile.branding.display_name, profile.branding.primary_color, profile.branding.logo_svg)
        self.demo_users, self.password_change_required = list(profile.demo_users), profile.password_change_required
        self.own_language, self.organization_language = profile.language or "", profile.organization_language or ""
        self.number_format = profile.number_format or ""
        formats.set_number_format(profile.number_format)       # this event's remaining numbers too
        self._show_language()
        # the plant pickers' names in the language just chosen (the event may have started in the browser's)
        self.plants = [PlantInfo(id=p.id, code=p.code, name=pick(p.name, p.name2, p.name2_language, self.lang),
                                 timezone=p.timezone,
                                 departments=[DepartmentInfo(code=d.code, name=d.display_name or d.name) for d in p.departments])
                       for p in profile.plants]

    def _browser_language(self) -> str:
        return self.router.headers.accept_language if self.router and self.router.headers else ""

    def _show_language(self) -> None:
        """Show this tab in the person's language from now on, this event's remaining messages included."""
        self.lang = choose_language(self.own_language, self.organization_language, self._browser_language())
        set_language(self.lang)

    def _show_branding(self, name: str, color: str, logo: str | None) -> None:
        self.brand_name, self.brand_color = name, color
        self.brand_text_color = text_on(color)
        self.brand_logo = logo_src(logo)
        self.brand_css = accent_css(color)

    # ----- events --------------------------------------------------------------------------

    @rx.event
    def require(self, permission: str = Permission.VIEW.value):
        """Page guard for on_load: log-in page when signed out, the account page while the person must change
        the demo's published password, not-allowed page without `permission` (a vendor or client account
        opening the home page goes to its portal instead)."""
        try:
            profile = self._use_case(profile_service.get_profile)
        except DomainError as error:
            return self._ask_to_log_in(error.message if isinstance(error, Unauthorized) else "Log in first.")
        self._show_profile(profile)
        here = self.router.url.path.rstrip("/") if self.router and self.router.url else ""
        if self.password_change_required and here != routes.ACCOUNT:
            return [rx.toast.warning(_(CHANGE_PASSWORD_FIRST), id="change-password"), rx.redirect(routes.ACCOUNT)]
        if permission not in self.permissions:
            start = routes.landing(self.permissions)
            if start != routes.HOME and here in ("", routes.HOME):
                return rx.redirect(start)       # a portal account opening the home page
            self.denied_permission = permission_label(permission)
            try:
                holding = self._use_case(lambda s, actor: roles_service.roles_holding(s, actor, permission))
                self.denied_roles = [role_label(r.key) if r.builtin else r.name for r in holding]
            except DomainError:
                self.denied_roles = [role_label(r.value) for r in roles_granting(permission)] if permission in {
                    p.value for p in Permission} else []
            return rx.redirect(routes.NOT_ALLOWED)

    @rx.event
    def open_login(self):
        """On the log-in page: a person who is still signed in goes home."""
        self.login_error = ""
        if not self.token:
            self._show_language()
            return
        try:
            actor = self._use_case(lambda session, actor: actor)
        except DomainError:
            self._forget()
            return
        return rx.redirect(routes.landing(p.value for p in actor.permissions))

    @rx.event
    async def login(self, form: dict):
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        ip = self._client_ip()

        def run():
            with db_session() as session, transaction(session):
                result = auth_service.login(session, username, password, now=utcnow(), ip=ip, client="ui")
                if isinstance(result, auth_service.SecondFactorChallenge) and result.purpose == "enrol":
                    return result, auth_service.challenge_enrolment(session, result.challenge, now=utcnow())
                return result, None
        self.login_busy, self.login_error = True, ""
        yield
        try:
            result, enrolment = await asyncio.to_thread(run)
        except (Unauthorized, RateLimited, Invalid, Forbidden) as error:
            self.login_error = _(error.message)
            return
        finally:
            self.login_busy = False
        if isinstance(result, auth_service.SecondFactorChallenge):
            self._ask_second_factor(result, enrolment)
            return
        yield self._signed_in(result.token)

    def _client_ip(self) -> str | None:
        return (self.router.session.client_ip if self.router and self.router.session else "") or None

    def _ask_second_factor(self, challenge: auth_service.SecondFactorChallenge,
                           enrolment: two_factor_service.Enrolment | None) -> None:
        """The password was right: the log-in page asks for the code, or shows the set-up the policy requires."""
        self._login_challenge, self.login_step, self.code_error = challenge.challenge, challenge.purpose, ""
        self.enrol_secret = enrolment.secret if enrolment else ""
        self.enrol_qr = enrolment.qr_svg_data_url if enrolment else ""

    def _signed_in(self, token: str):
        """Keep the session token and go where the person was heading (or to their start page)."""
        self.token = token
        self._login_challenge, self.login_step, self.enrol_secret, self.enrol_qr = "", "", "", ""
        target = self.router.url.query_parameters.get("next", "") if self.router and self.router.url else ""
        if target.startswith("/") and not target.startswith("//") and target != routes.LOGIN:
            return rx.redirect(target)
        try:
            actor = self._use_case(lambda session, actor: actor)
        except DomainError:
            return rx.redirect(routes.HOME)
        return rx.redirect(routes.landing(p.value for p in actor.permissions))

    @rx.event
    async def submit_code(self, form: dict):
        """The second step: a code of the person's authenticator app, or one of their recovery codes."""
        code, challenge, ip = str(form.get("code", "")), self._login_challenge, self._client_ip()

        def run():
            with db_session() as session, transaction(session):
                return auth_service.finish_login(session, challenge, code, now=utcnow(), ip=ip)
        self.login_busy, self.code_error = True, ""
        yield
        try:
            result = await asyncio.to_thread(run)
        except (RateLimited, Invalid) as error:
            self.code_error = _(error.message)
            return
        except Unauthorized as error:
            self.code_error = _(error.message)
            if error.code == auth_service.ChallengeGone.code:
                self.login_step, self.login_error, self.code_error = "", _(error.message), ""
            return
        finally:
            self.login_busy = False
        yield rx.set_value("code", "")
        yield self._signed_in(result.token)

    @rx.event
    async def confirm_enrolment(self, form: dict):
        """Finish the set-up the policy requires with a first code: the session, and the recovery codes shown once."""
        code, challenge, ip = str(form.get("code", "")), self._login_challenge, self._client_ip()

        def run():
            with db_session() as session, transaction(session):
                return auth_service.finish_enrolment(session, challenge, code, now=utcnow(), ip=ip)
        self.login_busy, self.code_error = True, ""
        yield
        try:
            result, codes = await asyncio.to_thread(run)
        except (Invalid, Conflict) as error:
            self.code_error = _(error.message)
            return
        except Unauthorized as error:
            self.login_step, self.login_error = "", _(error.message)
            return
        finally:
            self.login_busy = False
        self.token = result.token
        self._login_challenge, self.enrol_secret, self.enrol_qr = "", "", ""
        self.recovery_codes, self.login_step = codes, "codes"

    @rx.event
    def leave_recovery_codes(self):
        """The person has kept their recovery codes: on into the app."""
        self.recovery_codes = []
        return self._signed_in(self.token)

    @rx.event
    def restart_login(self):
        self._login_challenge, self.login_step, self.code_error, self.enrol_secret, self.enrol_qr = "", "", "", "", ""

    @rx.event
    async def choose_language(self, lang: str):
        """The user menu's language switch: stored on the account ("" follows the organization's default)."""
        try:
            stored = self._use_case(language_service.set_my_language, lang or None, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        self.own_language = stored or ""
        self._show_language()
        await live.rewatch(self)                # the tab's live views, computed again in its new language

    @rx.event
    def logout(self):
        token = self.token
        if token:
            try:
                with db_session() as session, transaction(session):
                    auth_service.logout(session, token, now=utcnow())
            except DomainError:
                pass                        # not a session token: forgetting it is all there is to do
        self._forget()
        return rx.redirect(routes.LOGIN)
