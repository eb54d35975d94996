"""Log-in throttles as admins see them: which (username, address) pairs of their organization's users
are held up by failed log-ins or wrong second-factor codes (services/org/auth.py), and clearing one.

Invariants: MANAGE_USERS only; an admin sees and clears only usernames of their own organization
(another organization's username is NotFound); clearing deletes that pair's failed attempts in the
window and is audited.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, delete, func, select

from models.auth import LoginAttempt
from models.user import User
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import NotFound
from services.core.messages import t
from services.org import auth


class Lockout(BaseModel):
    username: str
    user_id: int
    ip: str | None
    failures: int
    last_failure_at: datetime
    blocked_until: datetime | None        # None: failures counted, not held up (yet)


def list_lockouts(session: Session, actor: Actor, *, now: datetime) -> list[Lockout]:
    """Pairs with failed log-ins in the window since the username's last success (`auth.pair_failures`,
    counted for every pair in one query), for users of the actor's organization, most recent first."""
    require(actor, Permission.MANAGE_USERS)
    last_success = (select(col(LoginAttempt.username), func.max(LoginAttempt.at).label("at"))
                    .where(LoginAttempt.succeeded == True)  # noqa: E712
                    .group_by(col(LoginAttempt.username)).subquery())
    rows = session.exec(
        select(User.username, User.id, LoginAttempt.ip, func.count(), func.max(LoginAttempt.at))  # type: ignore[call-overload]  # sqlmodel: 5+ columns untyped
        .join(User, col(User.username) == LoginAttempt.username)
        .join(last_success, last_success.c.username == LoginAttempt.username, isouter=True)
        .where(User.organization_id == actor.organization_id, LoginAttempt.succeeded == False,  # noqa: E712
               LoginAttempt.at > now - auth.FAILURE_WINDOW,
               sa.or_(last_success.c.at.is_(None), LoginAttempt.at > last_success.c.at))
        .group_by(col(User.username), col(User.id), col(LoginAttempt.ip))).all()
    out = []
    code_locks = {username: auth.code_locked_until(session, username, now) for username in {row[0] for row in rows}}
    for username, user_id, ip, failures, latest in rows:
        until = auth.blocked_until((failures, latest), auth.MAX_FAILURES, auth.PAIR_DELAY)
        code_until = code_locks.get(username)
        if code_until is not None and (until is None or code_until > until):
            until = code_until              # held up by wrong second-factor codes, from every address
        out.append(Lockout(username=username, user_id=user_id, ip=ip, failures=failures, last_failure_at=latest,
                           blocked_until=until if until and until > now else None))
    return sorted(out, key=lambda lockout: lockout.last_failure_at, reverse=True)


def clear_lockout(session: Session, actor: Actor, username: str, ip: str | None, *, now: datetime) -> int:
    """Forget the failed log-ins of `username` from `ip` (every address when None); how many were cleared."""
    require(actor, Permission.MANAGE_USERS)
    username = (username or "").strip().lower()
    user = session.exec(select(User).where(User.username == username,
                                           User.organization_id == actor.organization_id)).first()
    if user is None:
        raise NotFound(t("No such user."), fields={"username": t("Unknown in your organization.")})
    query = delete(LoginAttempt).where(col(LoginAttempt.username) == username,
                                       col(LoginAttempt.succeeded) == False)  # noqa: E712
    if ip is not None:
        query = query.where(col(LoginAttempt.ip) == ip)
    cleared = session.exec(query).rowcount or 0
    audit(session, actor, "user", user.id, "clear_lockout", {"ip": ip, "failures": cleared}, at=now)
    return cleared
