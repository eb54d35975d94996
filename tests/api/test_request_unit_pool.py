"""A burst of requests larger than the database pool and the server's worker threads is served, not stalled.

Each request holds a pooled connection from its token check (one worker-thread call) to the end of its route
(another), so without a limit a burst fills every worker thread with token checks waiting for a connection
while the requests holding the connections wait for a thread: a stall until the pool's timeout, then errors.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import sqlalchemy as sa

from services.core import db as takt_db
from tests.conftest import _as_app_role

BURST = 80          # more than anyio's 40 worker threads, far more than the pool below


def small_pool_engine(engine: sa.Engine) -> sa.Engine:
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "sqlite":
        small = sa.create_engine(url, pool_size=2, max_overflow=0, pool_timeout=3,
                                 connect_args={"check_same_thread": False, "timeout": 30})
    else:
        small = sa.create_engine(url, pool_size=2, max_overflow=0, pool_timeout=3)
        if sa.event.contains(engine, "connect", _as_app_role):
            sa.event.listen(small, "connect", _as_app_role)
    return small


def test_the_limit_is_half_the_pool_so_each_request_may_open_one_more_unit(engine):
    small, usual = small_pool_engine(engine), takt_db.make_engine(engine.url.render_as_string(hide_password=False))
    try:
        assert takt_db.request_unit_limit(small) == 1
        assert takt_db.request_unit_limit(usual) >= 5
    finally:
        small.dispose()
        usual.dispose()


def test_a_burst_larger_than_the_pool_and_the_threads_is_served(engine, world, client, as_user, server_url):
    headers = as_user("op.one")
    small = small_pool_engine(engine)
    takt_db.use_engine(small)
    try:
        def me(_: int) -> int:
            with httpx.Client(base_url=f"{server_url}/api/v1", timeout=120) as c:
                return c.get("/me", headers=headers).status_code
        with ThreadPoolExecutor(BURST) as pool:
            answers = list(pool.map(me, range(BURST)))
    finally:
        takt_db.use_engine(engine)
        small.dispose()
    assert answers == [200] * BURST
