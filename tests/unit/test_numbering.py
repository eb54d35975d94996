"""Numbering under concurrency: two transactions taking the first number of a new counter at once."""
from __future__ import annotations

import threading
import time

import pytest
from sqlmodel import Session

from services.core import numbering
from services.core.db import transaction


def test_two_first_uses_of_a_counter_at_once_get_consecutive_numbers(engine, world):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: the second first use waits and then finds the row")
    got: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with Session(engine, expire_on_commit=False) as s, transaction(s):
                got["second"] = numbering.next_values(s, world.org_a, "RACE", 1)
        except BaseException as error:       # collected and asserted below
            errors.append(error)

    with Session(engine, expire_on_commit=False) as first, transaction(first):
        got["first"] = numbering.next_values(first, world.org_a, "RACE", 1)   # inserts the counter, not committed
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)              # the second transaction reaches the counter while the first still holds it
        assert "second" not in got   # it waits for the first
    thread.join(30)
    assert errors == []
    assert got == {"first": [1], "second": [2]}
    with Session(engine) as s, transaction(s):
        assert numbering.next_number(s, world.org_a, "RACE") == "RACE-000003"
