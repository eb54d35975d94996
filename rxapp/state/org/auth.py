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
from typing import Any, TypeVar
from urllib.parse import quote

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.theme import DEFAULT_COLOR, accent_css, text_on
from rxapp.state.trace.labels import permission_label, role_label
from services.core.access import Actor, Permission, roles_granting
from services.core.db import db_session, transaction
from services.core.errors import DomainError, Invalid, RateLimited, Unauthorized
from services.org import auth as auth_service
from services.org import profile as profile_service
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
    name: str = ""
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
    return actor


class AuthState(rx.State):
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
    denied_permission: str = ""
    denied_roles: list[str] = []            # role names that hold the missing permission
    demo_users: list[str] = []              # the organization's users still on the demo's published password
    password_change_required: bool = False  # this person is one of them, outside demo mode: no writes yet

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
        self.brand_name, self.brand_logo, self.brand_css = "", "", ""
        self.brand_color, self.brand_text_color = DEFAULT_COLOR, "#ffffff"

    def _show_profile(self, profile: profile_service.ProfileRead) -> None:
        self.username, self.full_name = profile.username, profile.full_name
        self.organization_name = profile.organization_name
        self.roles, self.permissions = list(profile.roles), list(profile.permissions)
        self.role_names = [role_label(r) for r in profile.roles]
        self.plants = [PlantInfo(id=p.id, code=p.code, name=p.name, timezone=p.timezone,
                                 departments=[DepartmentInfo(code=d.code, name=d.name) for d in p.departments])
                       for p in profile.plants]
        self._show_branding(profile.branding.display_name, profile.branding.primary_color, profile.branding.logo_svg)
        self.demo_users, self.password_change_required = list(profile.demo_users), profile.password_change_required

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
                self.denied_roles = [role_label(r.value) for r in roles_granting(permission)]
            except ValueError:
                self.denied_roles = []
            return rx.redirect(routes.NOT_ALLOWED)

    @rx.event
    def open_login(self):
        """On the log-in page: a person who is still signed in goes home."""
        self.login_error = ""
        if not self.token:
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
        ip = (self.router.session.client_ip if self.router and self.router.session else "") or None

        def run():
            with db_session() as session, transaction(session):
                return auth_service.login(session, username, password, now=utcnow(), ip=ip, client="ui")
        self.login_busy, self.login_error = True, ""
        yield
        try:
            result = await asyncio.to_thread(run)
        except (Unauthorized, RateLimited, Invalid) as error:
            self.login_error = _(error.message)
            return
        finally:
            self.login_busy = False
        self.token = result.token
        target = self.router.url.query_parameters.get("next", "") if self.router and self.router.url else ""
        ok = target.startswith("/") and not target.startswith("//") and target != routes.LOGIN
        if not ok:
            try:
                actor = self._use_case(lambda session, actor: actor)
            except DomainError:
                actor = None
            target = routes.landing(p.value for p in actor.permissions) if actor else routes.HOME
        yield rx.redirect(target)

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
