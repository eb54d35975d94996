"""Demo users outside demo mode: the demo's people keep its published password until they change it.

Invariants:
- `User.demo_password` is set by the demo seed (`mark_demo_users`) and cleared by any change or reset of
  that user's password (services/org/auth.py, services/org/users.py).
- Outside demo mode (`TAKT_DEMO=1`, which `make run` sets), a person still on the demo password writes
  nothing but their log-in and their new password: any other change is Forbidden with a message that
  sends them to their account page. The check runs on every domain event and audit entry
  (services/core/writers.py), so no service can forget it.
- `demo_users` names the active users of an organization still on the demo password, for the banner
  every signed-in page shows while there are any (in demo mode too).
"""
from __future__ import annotations

import os

from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from models.user import User
from services.core.errors import Forbidden
from services.core.worker_cache import WorkerCache
from services.core.writers import register_writer_check
from services.org.events import UserLoggedIn

DEMO_MODE_ENV = "TAKT_DEMO"
LOG_IN_WRITES = frozenset({UserLoggedIn.NAME, "user.login"})      # the event and the audit entry ("user", "login")
CHANGE_PASSWORD_FIRST = ("You are signed in with the demo's published password: change your password "
                         "(Account) before you change anything else.")


def demo_mode() -> bool:
    """Demo mode (TAKT_DEMO=1): the demo may be seeded and its published passwords may write."""
    return os.environ.get(DEMO_MODE_ENV) == "1"


def mark_demo_users(session: Session, organization_ids: list[int]) -> int:
    """Flag every user of the demo's organizations as on the published password; returns how many."""
    users = session.exec(select(User).where(col(User.organization_id).in_(organization_ids))).all()
    for user in users:
        user.demo_password = True
        session.add(user)
    OFF_DEMO_PASSWORD.drop()
    return len(users)


def demo_users(session: Session, organization_id: int) -> list[str]:
    """Usernames of the organization's active users still on the demo password, alphabetically."""
    return list(session.exec(select(User.username).where(
        User.organization_id == organization_id, User.demo_password == True,  # noqa: E712
        User.is_active == True).order_by(User.username)).all())  # noqa: E712


# Per worker: people found off the demo password. Only `mark_demo_users` (the demo seed) puts anyone back on
# it, and it drops this cache; a seed run by another process is seen within the cache's 60 s.
OFF_DEMO_PASSWORD: WorkerCache[bool] = WorkerCache("off the demo password", invalidated_by=("user.*",))
_CLEARED = "takt.writers_off_demo_password"   # session.info: (transaction, user ids known off the demo password)


def must_change_password(session: OrmSession, user_id: int) -> bool:
    """May this person write nothing before choosing a password of their own (outside demo mode)?
    A person found off the demo password is remembered for the transaction, so a set-based write of many
    rows costs one lookup, not one per recorded event, and by the worker (OFF_DEMO_PASSWORD), so an
    operator's next tap costs none."""
    if demo_mode():
        return False
    transaction = session.get_transaction()
    held = session.info.get(_CLEARED)
    if held is None or held[0] is not transaction:
        held = session.info[_CLEARED] = (transaction, set())
    cleared: set[int] = held[1]
    if user_id in cleared or OFF_DEMO_PASSWORD.lookup(user_id)[0]:
        return False
    generation = OFF_DEMO_PASSWORD.generation()
    user = session.get(User, user_id)
    if user is not None and user.demo_password:
        return True
    cleared.add(user_id)
    OFF_DEMO_PASSWORD.store(user_id, True, plant_id=None, loaded_at_generation=generation)
    return False


def _refuse_demo_password_writes(session: OrmSession, user_id: int, what: str) -> None:
    if what not in LOG_IN_WRITES and must_change_password(session, user_id):
        raise Forbidden(CHANGE_PASSWORD_FIRST)


register_writer_check(_refuse_demo_password_writes)
