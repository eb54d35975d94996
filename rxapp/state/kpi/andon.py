"""/andon: the wall screen's own state. The screen signs in with nothing but a read-only display
token (`/andon?token=tkt_...`, an API token of kind "display" made under Admin > API tokens), kept
in the browser's localStorage and dropped from the address bar; a signed-in person with
VIEW_DASHBOARDS or MAINTAIN may open `/andon?plant=<id>` instead (from the navigation, `/andon` alone: with one plant
it shows that plant's board, with several it lists them to choose from).

`open` resolves the token to its actor through services.org.auth, asks services.kpi.andon for the board's
scope (which checks the access and names the plant), and only then links the shared board
(`LiveAndonState`) to the scope's server-made token; a foreign, revoked or unknown token gets an
error screen and no link. From then on the board changes when the plant's events arrive.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp import live, routes
from rxapp.i18n import _
from rxapp.state.kpi.live_andon import LiveAndonState
from rxapp.state.org.auth import AuthState, as_id
from services.core import tenancy
from services.core.db import db_session, transaction
from services.core.errors import DomainError, Invalid
from services.kpi import andon
from services.kpi.live import Scope, reader_for
from services.org import auth as auth_service


def board_for_scope(session, scope: Scope, now) -> andon.AndonBoard:
    return andon.board(session, reader_for(scope), scope.plant_id, now=now)


live.register_kind("andon", LiveAndonState, board_for_scope)


def plants_for(token: str | None) -> list[andon.BoardPlant]:
    """The plants whose board a person's session may watch (raises DomainError)."""
    with db_session() as session, transaction(session):
        actor = auth_service.actor_for_token(session, token or None, now=utcnow())
        tenancy.bind(session, actor.organization_id)
        return andon.board_plants(session, actor)


@dataclass
class PlantChoice:
    label: str = ""
    href: str = ""


def scope_for(token: str | None, plant_id: int | None) -> Scope:
    """The board scope a display token (or a person's session) may watch; raises DomainError."""
    with db_session() as session, transaction(session):
        actor = auth_service.actor_for_token(session, token or None, now=utcnow())
        tenancy.bind(session, actor.organization_id)
        return andon.board_scope(session, actor, plant_id)


class AndonState(rx.State):
    display_token: str = rx.LocalStorage(name="takt_display_token", sync=True)
    error: str = ""
    ready: bool = False
    choices: list[PlantChoice] = []        # a person with several plants and none chosen picks one
    live_params: str = ""            # the live channel's subscription of the board (assets/takt_live.js)

    @rx.event
    async def open(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        return await self._show(query.get("token") or "", query.get("plant") or "")

    async def _show(self, query_token: str, plant: str):
        if query_token:                              # keep it, and take it out of the address bar
            self.display_token = query_token
            return rx.redirect(routes.ANDON + (f"?plant={as_id(plant)}" if plant else ""), replace=True)
        token = self.display_token or (await self.get_state(AuthState)).token
        try:
            scope = await asyncio.to_thread(scope_for, token, as_id(plant) or None)
        except Invalid as error:
            if not self.display_token and not plant:
                self.choices = [PlantChoice(f"{p.code} · {p.name}", routes.andon_url(p.id))
                                for p in await asyncio.to_thread(plants_for, token)]
            self.ready, self.error = False, "" if self.choices else _(error.message)
            return None
        except DomainError as error:
            self.ready, self.error, self.choices = False, _(error.message), []
            return None
        self.choices = []
        await live.watch(await self.get_state(LiveAndonState), scope)
        self.ready, self.error = True, ""
        self.live_params = json.dumps({"plant_id": scope.plant_id})
        return None

    @rx.event
    def forget_token(self):
        """Sign the screen out (a new token is then needed)."""
        self.display_token = ""
        self.ready = False
        self.error = _("This screen has no display token. Open /andon?token=... with a display token.")
