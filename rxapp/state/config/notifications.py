"""The notification centre (/notifications) and the unread badge in the shell.

`NotificationBadgeState.follow` is a per-tab follower (rxapp/state/follow.py): it counts, then awaits the
event bus for this person's `notification.created` / `notification.read` events and recounts only then (no
polling of the database); it runs once per tab and session and ends when the tab's client is gone.
Counting and marking go through services/config/notifications.py, re-resolving the person from the token every time.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.follow import follow_tab
from rxapp.state.org.auth import AuthState, _person_for_token, as_id
from services.config import notifications
from services.config.notifications import NotificationRead, PreferenceRead
from services.core import formats
from services.core.db import db_session, transaction
from services.core.errors import DomainError
from services.core.events import DomainEvent

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


def note_row(n: NotificationRead, zone: str = "UTC") -> NoteRow:
    return NoteRow(id=n.id, kind=n.kind, title=n.title, body=n.body, link=n.link,
                   at=formats.moment(n.created_at, zone, fmt="short"),
                   is_read=n.read_at is not None)


def pref_row(p: PreferenceRead) -> PrefRow:
    return PrefRow(kind=p.kind, label=_(p.label), in_app=p.in_app, email=p.email)


def _count(token: str) -> int | None:
    try:
        with db_session() as session, transaction(session):
            return notifications.unread_count(session, _person_for_token(session, token))
    except DomainError:
        return None


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

        async def refresh(_event: DomainEvent | None) -> bool:
            count = await asyncio.to_thread(_count, token)
            if count is None:                              # logged out or session expired
                return False
            async with self:
                self.unread = count
            return True
        await follow_tab(f"notifications {token}", token, client, refresh, pattern="notification.*",
                         relevant=lambda event, actor: getattr(event, "user_id", None) == actor.user_id, first=True)


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
        self.items, self.total = [note_row(n, self._zone()) for n in rows], total
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
