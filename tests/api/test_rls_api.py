"""The REST API on PostgreSQL as the app's non-superuser role, where row-level security holds (migration
0044_rls): the ordinary request path works, each request's unit of work sends its organization once, in the
token lookup's own query (rxapp/api/deps.py), and another organization's rows stay out of reach. SQLite has no row-level security.
(TAKT_TEST_PG_AS_APP=1 runs every PostgreSQL test this way.)
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from tests.api.conftest import assert_error
from tests.api.test_users import NEW_USER


@contextmanager
def statements_sent(engine) -> Iterator[list[str]]:
    sent: list[str] = []

    def seen(_conn, _cursor, statement, _params, _context, _many) -> None:
        sent.append(statement)
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)


def test_a_request_runs_for_its_organization_with_one_setting(client, world, app_db, as_user):
    b = as_user("admin.b")
    with statements_sent(app_db) as sent:
        response = client.get("/plants", headers=b)
    assert response.status_code == 200, response.text
    assert [p["code"] for p in response.json()] == ["PB"]
    settings = [i for i, st in enumerate(sent) if "set_config" in st]
    lookup = next(i for i, st in enumerate(sent) if "auth_session" in st)
    assert settings == [lookup]


def test_the_request_path_works_under_row_level_security(client, world, app_db, as_user):
    a, b = as_user("admin.a"), as_user("admin.b")
    created = client.post("/departments", headers=b, json={"plant_id": world.plant_b, "code": "WELD", "name": "Weld"})
    assert created.status_code == 201, created.text
    assert_error(client.get(f"/plants/{world.plant1}", headers=b), 404, "not_found")
    assert_error(client.post("/departments", headers=b, json={"plant_id": world.plant1, "code": "X", "name": "X"}),
                 404, "not_found")
    assert [u["username"] for u in client.get("/users", headers=b).json()] == ["admin.b"]
    # usernames are unique across Takt, though another organization's users are invisible here
    assert_error(client.post("/users", headers=b, json={**NEW_USER, "username": "op.one"}), 409, "conflict",
                 username="")
    assert client.post("/users", headers=a, json=NEW_USER).status_code == 201
