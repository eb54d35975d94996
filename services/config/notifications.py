"""Notifications: an in-app feed per user, and email through the outbox (services/config/mail_outbox.py).

Interface for other modules (stable):
`notify(session, *, organization_id, title, body="", link="", kind="info", user_ids=(), roles=(),
plant_id=None, entity_type="", entity_id=None) -> list[int]` (the recipients' user ids) creates, in
the caller's transaction, one in-app notification per recipient who wants this kind in the app, one
email outbox row per recipient who wants it by email and has an address, and one
`notification.created` domain event per in-app notification (payload: notification_id, user_id,
kind, title) that live badges follow. `notify_people(..., exclude_user_id=None)` is the same with the
person who acted left out (also when they hold one of `roles`).

Invariants:
- recipients are the active users of `organization_id` named in `user_ids`, plus those holding any
  of `roles`; with `plant_id`, role recipients are limited to people with access to that plant
  (admins reach every plant); ids of other organizations or deactivated users are dropped; each
  person is notified once per call;
- preferences are per user and kind; without a row a kind's default applies (`KINDS`);
- a user reads and marks only their own notifications (another user's are NotFound);
  `notification.read` events (payload: user_id) let other tabs of that user refresh their badge;
- a title or body given as a Message (services/core/messages.t) is stored as its message and rendered
  when read, in the language of the person reading (the language being served: the tab's, the API
  request's Accept-Language), whoever wrote it (a person in another language, a system job); `title` and
  `body` keep its English text (and the event's title). Plain text is stored and read as it is;
- each email is written in its recipient's language (their own, else the organization's:
  services/org/languages.languages_of).
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, func, or_, select, update

from models.base import pk
from models.config import EmailOutbox, Notification, NotificationPreference
from models.user import Role, RoleAssignment, User, UserPlantAccess
from services.config.events import EmailQueued, NotificationCreated, NotificationMarkedRead
from services.core.access import Actor, Permission, require
from services.core.errors import Forbidden, Invalid, NotFound
from services.core.events import record
from services.core.languages import current_language
from services.core.messages import Message, from_data, render, t, to_data
from services.org.languages import languages_of

# kind -> (label, in-app by default, email by default)
KINDS: dict[str, tuple[str, bool, bool]] = {
    "info": ("General information", True, False),
    "assignment": ("Assigned to me", True, True),
    "transition": ("Status changes", True, False),
    "approval": ("Approvals I must give", True, True),
    "escalation": ("Escalations", True, True),
    "alert": ("Alerts (SPC, quality)", True, True),
}
KIND_RE = re.compile(r"^[a-z][a-z0-9_.]{0,31}$")


class NotificationRead(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    link: str
    entity_type: str
    entity_id: int | None
    plant_id: int | None
    created_at: datetime
    read_at: datetime | None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class PreferenceRead(BaseModel):
    kind: str
    label: str
    in_app: bool
    email: bool


def notify(session: Session, *, organization_id: int, title: str, body: str = "", link: str = "",
           kind: str = "info", user_ids: Iterable[int] = (), roles: Iterable[Role | str] = (),
           plant_id: int | None = None, entity_type: str = "", entity_id: int | None = None,
           now: datetime) -> list[int]:
    if not KIND_RE.match(kind or ""):
        raise Invalid(fields={"kind": t("Use a short lower-case kind such as 'alert'.")})
    if not (title or "").strip():
        title = t("Notification")
    body, link = body or "", (link or "")[:500]
    title_message = to_data(title) if isinstance(title, Message) else None
    body_message = to_data(body) if isinstance(body, Message) and body else None
    english_title, english_body = _title(_in(title, "en")), _body(_in(body, "en"))
    try:
        wanted_roles = {Role(r) for r in roles}
    except ValueError:
        raise Invalid(fields={"roles": t("Use role names such as quality or supervisor.")}) from None
    recipients = _recipients(session, organization_id, set(user_ids), wanted_roles, plant_id)
    prefs = _preferences(session, recipients, kind)
    emails = dict(session.exec(select(User.id, User.email).where(col(User.id).in_(recipients))).all()) if recipients else {}
    created: dict[int, Notification] = {}
    for user_id in recipients:
        if prefs[user_id][0]:
            created[user_id] = Notification(organization_id=organization_id, user_id=user_id, plant_id=plant_id,
                                            kind=kind, title=english_title, body=english_body,
                                            title_message=title_message, body_message=body_message, link=link,
                                            entity_type=entity_type or "", entity_id=entity_id, created_at=now)
            session.add(created[user_id])
    session.flush()
    mailed = [u for u in recipients if prefs[u][1] and emails.get(u)]
    languages = languages_of(session, organization_id, mailed) if mailed else {}
    for user_id in mailed:
        note = created.get(user_id)
        lang = languages.get(user_id, "en")
        session.add(EmailOutbox(organization_id=organization_id, user_id=user_id, to_address=emails[user_id] or "",
                                notification_id=note.id if note else None, subject=_title(_in(title, lang)),
                                body=_email_body(_body(_in(body, lang)), link), next_attempt_at=now, created_at=now))
    session.flush()
    for note in created.values():
        record(session, NotificationCreated(organization_id=organization_id, plant_id=plant_id, at=now,
                                            notification_id=pk(note), user_id=note.user_id, kind=kind,
                                            title=english_title))
    if mailed:
        record(session, EmailQueued(organization_id=organization_id, at=now))
    return recipients


def list_notifications(session: Session, actor: Actor, *, unread_only: bool = False, limit: int = 50,
                       offset: int = 0) -> tuple[list[NotificationRead], int]:
    """The actor's own notifications, newest first, and how many there are in all."""
    user_id = _user(actor)
    query = select(Notification).where(Notification.user_id == user_id,
                                       Notification.organization_id == actor.organization_id)
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
                        .offset(offset).limit(min(max(limit, 1), 500))).all()
    return [_read(n) for n in rows], total


def unread_count(session: Session, actor: Actor) -> int:
    user_id = _user(actor)
    return session.exec(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.organization_id == actor.organization_id,
        col(Notification.read_at).is_(None))).one()


def mark_read(session: Session, actor: Actor, notification_id: int, *, now: datetime) -> NotificationRead:
    user_id = _user(actor)
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != user_id or note.organization_id != actor.organization_id:
        raise NotFound(t("Notification not found."))
    if note.read_at is None:
        note.read_at = now
        session.add(note)
        session.flush()
        _announce_read(session, actor, [pk(note)])
    return _read(note)


def mark_all_read(session: Session, actor: Actor, *, now: datetime) -> int:
    user_id = _user(actor)
    result = session.exec(update(Notification).where(
        col(Notification.user_id) == user_id, col(Notification.organization_id) == actor.organization_id,
        col(Notification.read_at).is_(None)).values(read_at=now))
    if result.rowcount:
        _announce_read(session, actor, [])
    return result.rowcount


def preferences(session: Session, actor: Actor) -> list[PreferenceRead]:
    """Every known kind with the actor's choice (or the default), then kinds they set themselves."""
    user_id = _user(actor)
    rows = {p.kind: p for p in session.exec(select(NotificationPreference).where(
        NotificationPreference.user_id == user_id)).all()}
    out = []
    for kind in [*KINDS, *sorted(set(rows) - set(KINDS))]:
        label, in_app, email = KINDS.get(kind, (kind, True, False))
        row = rows.get(kind)
        out.append(PreferenceRead(kind=kind, label=label, in_app=row.in_app if row else in_app,
                                  email=row.email if row else email))
    return out


def set_preference(session: Session, actor: Actor, kind: str, *, in_app: bool, email: bool) -> PreferenceRead:
    user_id = _user(actor)
    if not KIND_RE.match(kind or ""):
        raise Invalid(fields={"kind": t("Unknown kind of notification.")})
    row = session.exec(select(NotificationPreference).where(NotificationPreference.user_id == user_id,
                                                            NotificationPreference.kind == kind)).first()
    if row is None:
        row = NotificationPreference(organization_id=actor.organization_id, user_id=user_id, kind=kind)
    row.in_app, row.email = bool(in_app), bool(email)
    session.add(row)
    session.flush()
    return PreferenceRead(kind=kind, label=KINDS.get(kind, (kind,))[0], in_app=row.in_app, email=row.email)


def _recipients(session: Session, organization_id: int, user_ids: set[int], roles: set[Role],
                plant_id: int | None) -> list[int]:
    found: set[int] = set()
    active = select(User.id).where(User.organization_id == organization_id, User.is_active)
    if user_ids:
        found |= {u for u in session.exec(active.where(col(User.id).in_(user_ids))).all() if u is not None}
    if roles:
        query = active.join(RoleAssignment, col(RoleAssignment.user_id) == User.id).where(col(RoleAssignment.role).in_(roles))
        if plant_id is not None:
            admins = select(RoleAssignment.user_id).where(RoleAssignment.role == Role.ADMIN)
            at_plant = select(UserPlantAccess.user_id).where(UserPlantAccess.plant_id == plant_id)
            query = query.where(or_(col(User.id).in_(admins), col(User.id).in_(at_plant)))
        found |= {u for u in session.exec(query).all() if u is not None}
    return sorted(found)


def _preferences(session: Session, user_ids: list[int], kind: str) -> dict[int, tuple[bool, bool]]:
    _, in_app, email = KINDS.get(kind, (kind, True, False))
    chosen = {p.user_id: (p.in_app, p.email) for p in session.exec(select(NotificationPreference).where(
        col(NotificationPreference.user_id).in_(user_ids), NotificationPreference.kind == kind)).all()} if user_ids else {}
    return {u: chosen.get(u, (in_app, email)) for u in user_ids}


def _title(text: str) -> str:
    return str(text).strip()[:200]


def _body(text: str) -> str:
    return str(text)[:2000]


def _in(text: str, lang: str) -> str:
    """A title or body in `lang`: a Message rendered, plain text as it is."""
    return render(text, lang) if isinstance(text, Message) else str(text)


def _stored(message: dict | None, text: str, lang: str) -> str:
    """What a stored title or body reads in `lang`: its message rendered, else (plain, or unreadable) the text."""
    if not message:
        return text
    try:
        return render(from_data(message), lang)
    except (KeyError, TypeError, ValueError, AttributeError):
        return text


def _email_body(body: str, link: str) -> str:
    base = os.environ.get("TAKT_PUBLIC_URL", "").rstrip("/")
    if link:
        target = link if link.startswith(("http://", "https://")) or not base else base + link
        return f"{body}\n\n{target}".strip()
    return body


def _announce_read(session: Session, actor: Actor, ids: list[int]) -> None:
    record(session, NotificationMarkedRead(organization_id=actor.organization_id, actor_user_id=actor.user_id,
                                           user_id=actor.user_id, notification_ids=list(ids)))


def _user(actor: Actor) -> int:
    require(actor, Permission.VIEW)
    if actor.user_id is None:
        raise Forbidden(t("Notifications belong to people, not to tokens."))
    return actor.user_id


def _read(note: Notification) -> NotificationRead:
    """The notification as its reader reads it: in the language being served."""
    lang = current_language()
    return NotificationRead(id=note.id, kind=note.kind, title=_title(_stored(note.title_message, note.title, lang)),
                            body=_body(_stored(note.body_message, note.body, lang)), link=note.link,
                            entity_type=note.entity_type, entity_id=note.entity_id, plant_id=note.plant_id,
                            created_at=note.created_at, read_at=note.read_at)


def notify_people(session: Session, *, organization_id: int, title: str, body: str = "", link: str = "",
                  kind: str = "info", user_ids=(), roles=(), plant_id: int | None = None, entity_type: str = "",
                  entity_id: int | None = None, now: datetime, exclude_user_id: int | None = None) -> None:
    """`notify` for a notice about an entity (title and body cut to their column sizes, Messages kept).
    `exclude_user_id` (the person who acted) is left out, also when they hold one of `roles`."""
    if exclude_user_id is not None and roles:
        user_ids = (*user_ids, *_role_members(session, organization_id, roles, plant_id))
        roles = ()
    user_ids = tuple(dict.fromkeys(u for u in user_ids if u and u != exclude_user_id))
    if not user_ids and not roles:
        return
    notify(session, organization_id=organization_id, title=title, body=body or "", link=link, kind=kind,
           user_ids=user_ids, roles=tuple(roles), plant_id=plant_id, entity_type=entity_type, entity_id=entity_id,
           now=now)


def _role_members(session: Session, organization_id: int, roles, plant_id: int | None) -> list[int]:
    """Active users holding one of `roles` who may work at `plant_id` (admins reach every plant)."""
    query = select(User.id).join(RoleAssignment, col(RoleAssignment.user_id) == User.id).where(
        User.organization_id == organization_id, User.is_active == True,  # noqa: E712
        col(RoleAssignment.role).in_([str(r) for r in roles]))
    if plant_id is not None:
        admins = select(RoleAssignment.user_id).where(RoleAssignment.role == Role.ADMIN)
        at_plant = select(UserPlantAccess.user_id).where(UserPlantAccess.plant_id == plant_id)
        query = query.where(or_(col(User.id).in_(admins), col(User.id).in_(at_plant)))
    return list(dict.fromkeys(u for u in session.exec(query).all() if u is not None))
