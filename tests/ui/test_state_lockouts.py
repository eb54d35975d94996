"""The log-in lockouts page (LockoutsState): an admin sees who is held up from which address, and clears it."""
from __future__ import annotations

import pytest
from sqlmodel import Session

from models.base import utcnow
from rxapp.state.org.lockouts import LockoutsState
from services.core.db import transaction
from services.core.errors import RateLimited, Unauthorized
from services.org import auth
from tests.factories.org import PASSWORD
from tests.ui.conftest import run, signed_in, toasts

ATTACKER = "203.0.113.9"


def fail_logins(engine, username: str, times: int, ip: str = ATTACKER) -> None:
    for _ in range(times):
        with Session(engine) as s, pytest.raises((Unauthorized, RateLimited)), transaction(s):
            auth.login(s, username, "wrong-password", now=utcnow(), ip=ip)


async def test_an_admin_sees_a_held_up_pair_and_clears_it(engine, world):
    fail_logins(engine, "planner.one", auth.MAX_FAILURES)
    fail_logins(engine, "op.one", 1, ip="198.51.100.4")
    state = await signed_in(engine, LockoutsState, "admin.a")
    await run(state.load(), state)
    rows = {row.username: row for row in state.rows}
    assert set(rows) == {"planner.one", "op.one"}
    assert rows["planner.one"].failures == auth.MAX_FAILURES and rows["planner.one"].blocked_until != ""
    assert rows["planner.one"].address == ATTACKER
    assert rows["op.one"].failures == 1 and rows["op.one"].blocked_until == ""      # counted, not held up

    events = await run(state.clear("planner.one", ATTACKER), state)
    assert toasts(events, "success") == ["Cleared: planner.one"]
    assert [row.username for row in state.rows] == ["op.one"]
    with Session(engine) as s, transaction(s):
        auth.login(s, "planner.one", PASSWORD, now=utcnow(), ip=ATTACKER)              # no longer held up


async def test_another_organizations_admin_and_a_planner_see_nothing(engine, world):
    fail_logins(engine, "planner.one", auth.MAX_FAILURES)
    other = await signed_in(engine, LockoutsState, "admin.b")
    await run(other.load(), other)
    assert other.rows == [] and other.load_error == ""
    events = await run(other.clear("planner.one", ATTACKER), other)
    assert toasts(events, "error") == ["No such user."]
    planner = await signed_in(engine, LockoutsState, "planner.one")
    await run(planner.load(), planner)
    assert planner.rows == [] and "manage_users" in planner.load_error
