"""Who may write at all, whatever the permission: checks that run on every recorded change of a person.

Every write of a service records a domain event (`events.record`) or an audit entry (`audit.audit`),
most both; both call `check_writer` with the acting person's user id and what is written
(`user.logged_in`, `order.update`, ...). Packages above core register their checks here at import
(services/org/demo_users.py: demo users on their published password), so core imports no domain.
A check raises a DomainError, and the caller's unit of work rolls back.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

WriterCheck = Callable[[Session, int, str], None]
_checks: list[WriterCheck] = []


def register_writer_check(check: WriterCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def check_writer(session: Session, user_id: int | None, what: str) -> None:
    """Run every registered check for a change `what` by person `user_id` (tokens and the system pass)."""
    if user_id is None:
        return
    for check in _checks:
        check(session, user_id, what)
