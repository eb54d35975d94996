"""The notification centre (/notifications) and the unread badge in the shell.

`NotificationBadgeState.follow` is a per-tab background task: it awaits the event bus for this
person's `notification.created` / `notification.read` events and recounts only then (no polling
of the database); it runs once per tab (guarded) and ends when the tab's client is gone (checked
whenever it wakes, at least every CHECK_EVERY seconds). Counting and marking go through
services/config/notifications.py, re-resolving the person from the token every time.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

import reflex as rx

from models.base import utcnow
from rxapp import reflex_adapter
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState, _person_for_token, as_id
from services.config import notifications
from services.config.notifications import NotificationRead, PreferenceRead
from services.core.db import db_session, transaction
from services.core.errors import DomainError
from services.core.events import bus

CHECK_EVERY = 30.0
PAGE_SIZE = 50


@dataclass
class NoteRow:
    id: int = 0
    kind: str = ""
    title: str = ""
    body: str = ""
    link: str = ""
    at: str = ""
    is_read: bool = False


@dataclass
class PrefRow:
    kind: str = ""
    label: str = ""
    in_app: bool = True
    email: bool = False


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def note_row(n: NotificationRead) -> NoteRow:
    return NoteRow(id=n.id, kind=n.kind, title=n.title, body=n.body, link=n.link, at=_when(n.created_at),
                   is_read=n.read_at is not None)


def pref_row(p: PreferenceRead) -> PrefRow:
    return PrefRow(kind=p.kind, label=_(p.label), in_app=p.in_app, email=p.email)


def _who(token: str) -> tuple[int, int] | None:
    try:
        with db_session() as session, transaction(session):
            actor = _person_for_token(session, token)
            return actor.organization_id, actor.user_id
    except DomainError:
        return None


def _count(token: str) -> int | None:
    try:
        with db_session() as session, transaction(session):
            return notifications.unread_count(session, _person_for_token(session, token))
    except DomainError:
        return None


_app = None


async def remember_app(app) -> None:
    """Lifespan task (rxapp/rxapp.py): the running app, whose socket namespace knows which tabs are connected."""
    global _app
    _app = app


async def tab_connected(client_token: str) -> bool:
    """Whether the tab's socket is still connected (on any worker); False when that cannot be known."""
    manager = reflex_adapter.token_manager(reflex_adapter.event_namespace(_app))
    return manager is not None and await reflex_adapter.is_connected(manager, client_token)


_following: set[tuple[str, str]] = set()   # (tab, session token) this worker follows; not in state: a restart clears it


class NotificationBadgeState(AuthState):
    unread: int = 0

    @rx.event
    def refresh(self):
        count = _count(self.token) if self.token else None
        self.unread = count or 0

    @rx.event(background=True)
    async def follow(self):
        async with self:
            token, client = self.token, self.router.session.client_token
        if not token or (client, token) in _following:
            return
        _following.add((client, token))
        try:
            who = await asyncio.to_thread(_who, token)
            if who is not None:
                await self._follow(token, client, *who)
        finally:
            _following.discard((client, token))

    async def _follow(self, token: str, client: str, organization_id: int, user_id: int) -> None:
        feed = bus.subscribe("notification.*", organization_id=organization_id)   # before counting: nothing lost
        waiting: asyncio.Future | None = None
        try:
            changed = True
            while True:
                if changed:
                    count = await asyncio.to_thread(_count, token)
                    if count is None:                      # logged out or session expired
                        return
                    async with self:
                        self.unread = count
                if not await tab_connected(client):
                    return
                waiting = waiting or asyncio.ensure_future(feed.__anext__())
                done, _ = await asyncio.wait({waiting}, timeout=CHECK_EVERY)
                changed = bool(done) and getattr(waiting.result(), "user_id", None) == user_id   # typed events
                if done:
                    waiting = None
        finally:
            if waiting is not None:
                waiting.cancel()
            feed.close()


class NotificationsState(AuthState):
    items: list[NoteRow] = []
    total: int = 0
    unread_only: bool = False
    prefs: list[PrefRow] = []
    loading: bool = True
    load_error: str = ""

    @rx.event
    def enter(self):
        self.loading = True
        return NotificationsState.load

    @rx.event
    def load(self):
        try:
            rows, total = self._use_case(notifications.list_notifications, unread_only=self.unread_only,
                                         limit=PAGE_SIZE)
            prefs = self._use_case(notifications.preferences)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self.items, self.total = [note_row(n) for n in rows], total
        self.prefs = [pref_row(p) for p in prefs]
        self.loading, self.load_error = False, ""

    @rx.event
    def set_unread_only(self, value: bool):
        self.unread_only = bool(value)
        return NotificationsState.load

    @rx.event
    def mark_read(self, notification_id: int):
        try:
            self._use_case(notifications.mark_read, as_id(notification_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [NotificationsState.load, NotificationBadgeState.refresh]

    @rx.event
    def open_item(self, notification_id: int):
        """Mark it read and go where it points."""
        try:
            note = self._use_case(notifications.mark_read, as_id(notification_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        follow_up = [NotificationBadgeState.refresh]
        if note.link.startswith("/") and not note.link.startswith("//"):
            return [*follow_up, rx.redirect(note.link)]
        return [*follow_up, NotificationsState.load]

    @rx.event
    def mark_all_read(self):
        try:
            marked = self._use_case(notifications.mark_all_read, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Marked as read") + f": {marked}"), NotificationsState.load,
                NotificationBadgeState.refresh]

    @rx.event
    def set_preference(self, kind: str, channel: str, value: bool):
        current = next((p for p in self.prefs if p.kind == kind), None)
        if current is None or channel not in ("in_app", "email"):
            return
        in_app = bool(value) if channel == "in_app" else current.in_app
        email = bool(value) if channel == "email" else current.email
        try:
            self._use_case(notifications.set_preference, kind, in_app=in_app, email=email)
        except DomainError as error:
            return self._refused(error)
        return NotificationsState.load
