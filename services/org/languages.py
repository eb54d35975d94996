"""Which language a person works in: their own setting (the organization's default is its settings' language,
services/org/settings.py).

Invariants: a stored language is one of services/core/languages.SUPPORTED or None (None follows the next
source: the organization's settings, then the browser's Accept-Language); anyone signed in may choose their
own language; each change is audited and announced.

For what is written to people who are not being served now (a notification's email, an invitation, a
system job's notice): `organization_language(session, organization_id)` and
`languages_of(session, organization_id, user_ids)` (each person's own, else the organization's, else the
deployment's: services/core/languages.choose without a browser); `organization_setting` is the language
the organization's settings name (None without settings).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from models.base import pk
from models.org_settings import OrganizationSettings
from models.user import User
from services.core.access import Actor
from services.core.audit import audit
from services.core.errors import Forbidden, Invalid, NotFound
from services.core.events import record
from services.core.languages import SUPPORTED, choose, normalize
from services.core.messages import t
from services.org import events as org_events


def _checked(language: str | None, field: str) -> str | None:
    if language is None or language == "":
        return None
    lang = normalize(language)
    if lang is None or lang != language.strip().lower():
        raise Invalid(t("Choose one of the languages Takt speaks."),
                      fields={field: "Not a language Takt speaks: " + ", ".join(SUPPORTED) + "."})
    return lang


def set_my_language(session: Session, actor: Actor, language: str | None, *, now: datetime) -> str | None:
    """Set the actor's own language (None: follow the organization's default); answers what is stored."""
    if actor.user_id is None:
        raise Forbidden(t("Only a person has a language."))
    lang = _checked(language, "language")
    user = session.get(User, actor.user_id)
    if user is None or user.organization_id != actor.organization_id:
        raise NotFound(t("No such user."))
    if user.language != lang:
        audit(session, actor, "user", user.id, "set_language", {"language": [user.language, lang]}, at=now)
        user.language, user.updated_at, user.updated_by = lang, now, actor.user_id
        session.add(user)
        record(session, org_events.UserLanguageChanged(organization_id=actor.organization_id, user_id=pk(user),
                                                       language=lang, actor_user_id=actor.user_id, at=now))
    return lang


def organization_setting(session: Session, organization_id: int) -> str | None:
    """The language the organization's settings name; None when it has no settings yet."""
    return session.exec(select(OrganizationSettings.language)
                        .where(OrganizationSettings.organization_id == organization_id)).first()


def organization_language(session: Session, organization_id: int) -> str:
    """The organization's default language (its settings'), else the deployment's."""
    return choose(None, organization_setting(session, organization_id), None)


def languages_of(session: Session, organization_id: int, user_ids: Iterable[int]) -> dict[int, str]:
    """The language each of `user_ids` (people of `organization_id`) reads: their own, else the
    organization's, else the deployment's. Ids of other organizations are left out."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    default = organization_language(session, organization_id)
    rows = session.exec(select(User.id, User.language).where(User.organization_id == organization_id,
                                                             col(User.id).in_(ids))).all()
    return {int(user_id): choose(own, default, None) for user_id, own in rows if user_id is not None}


def organization_formats(session: Session, organization_id: int) -> tuple[str | None, str | None]:
    """The organization's default language and number format: its settings' once it has settings, else None."""
    row = session.exec(select(OrganizationSettings.language, OrganizationSettings.number_format)
                       .where(OrganizationSettings.organization_id == organization_id)).first()
    return (row[0], row[1]) if row else (None, None)


def language_of(session: Session, actor: Actor, fallback: str | None = None) -> str:
    """The language to serve an actor in: the person's own, their organization's, else `fallback` (the request's
    Accept-Language), else the deployment's (a display or machine token has no person: the organization's on)."""
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    own = user.language if user is not None and user.organization_id == actor.organization_id else None
    return choose(own, organization_setting(session, actor.organization_id), fallback)
