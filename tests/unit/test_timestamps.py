"""Every datetime Takt stores or reads is timezone-aware UTC, on SQLite and PostgreSQL (models/base.py)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from models.auth import LoginAttempt
from models.organization import Organization
from services.core.db import transaction


def store_attempt(session, at) -> int:
    with transaction(session):
        row = LoginAttempt(username="clock", at=at)
        session.add(row)
        session.flush()
        return row.id


def read_back(engine, row_id) -> datetime:
    with Session(engine) as fresh:
        return fresh.get(LoginAttempt, row_id).at


def test_an_aware_utc_datetime_comes_back_aware_and_equal(session, engine, now):
    value = now.replace(microsecond=123456)

    back = read_back(engine, store_attempt(session, value))

    assert back == value
    assert back.tzinfo is UTC


def test_another_time_zone_is_stored_as_the_same_instant_in_utc(session, engine, now):
    tokyo = now.astimezone(ZoneInfo("Asia/Tokyo"))           # 17:00 in Tokyo is 08:00 UTC

    back = read_back(engine, store_attempt(session, tokyo))

    assert back == now and back.utcoffset() == timedelta(0)
    assert (back.hour, back.tzinfo) == (8, UTC)
    with engine.connect() as conn:
        raw = conn.execute(sa.text("SELECT at FROM login_attempt")).scalar_one()
    if engine.dialect.name == "sqlite":
        assert str(raw).startswith("2026-03-02 08:00:00")    # kept as UTC text, no offset
    else:
        assert raw == now                                     # timestamptz: the same instant


def test_a_naive_datetime_is_refused_and_nothing_is_saved(session, engine):
    with pytest.raises(sa.exc.StatementError) as refused:
        store_attempt(session, datetime(2026, 3, 2, 8, 0))

    assert isinstance(refused.value.orig, ValueError)
    assert "naive datetime refused" in str(refused.value.orig)
    with Session(engine) as fresh:
        assert fresh.exec(select(LoginAttempt)).all() == []


def test_comparisons_in_queries_use_the_instant(session, engine, now):
    store_attempt(session, now)
    with Session(engine) as fresh:
        later = fresh.exec(select(LoginAttempt.id).where(
            LoginAttempt.at > now.astimezone(ZoneInfo("America/New_York")) - timedelta(seconds=1))).all()
        earlier = fresh.exec(select(LoginAttempt.id).where(LoginAttempt.at > now + timedelta(seconds=1))).all()
    assert (len(later), earlier) == (1, [])


def test_default_timestamps_are_aware_utc(session, engine):
    with transaction(session):
        org = Organization(slug="clock-org", name="Clock")
        session.add(org)
        session.flush()
        org_id = org.id
    with Session(engine) as fresh:
        row = fresh.get(Organization, org_id)
    assert row.created_at.tzinfo is UTC and row.updated_at.tzinfo is UTC
    assert abs(row.created_at - datetime.now(UTC)) < timedelta(days=1)
