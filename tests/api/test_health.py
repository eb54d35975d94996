"""Health: a real database round trip, no log-in; 503 in the error shape when the database is gone."""
from __future__ import annotations

import sqlalchemy as sa

from services.core import db as takt_db
from services.core.migrations import head_revision
from tests.api.conftest import assert_error


def test_health_reports_the_database_and_its_revision(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "revision": head_revision()}


def test_health_is_503_when_the_database_is_unreachable(client, tmp_path):
    unreachable = sa.create_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'takt.db'}")
    takt_db.use_engine(unreachable)
    try:
        error = assert_error(client.get("/health"), 503, "unavailable")
        assert error["message"] == "The database is not reachable."
        assert "no-such-dir" not in client.get("/health").text
    finally:
        unreachable.dispose()
