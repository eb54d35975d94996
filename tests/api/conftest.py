"""The REST API over real HTTP: uvicorn serves `rxapp.api.app.api` on a free 127.0.0.1 port in a
background thread (once per run); each test gets a clean database through the `engine` fixture,
which points services.core.db (and so the server) at it, and an httpx client for /api/v1.
"""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from sqlmodel import Session, func, select

from models.audit import AuditEntry
from models.auth import ApiToken, AuthSession
from models.organization import Department, Plant
from models.user import User
from rxapp.api.app import api
from tests.factories.org import PASSWORD, World

STARTUP_LIMIT_SECONDS = 30


@contextmanager
def serve(app) -> Iterator[str]:
    """Run `app` under uvicorn in a thread on a free port; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"uvicorn-{port}")
    thread.start()
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    with serve(api) as url:
        yield url


@pytest.fixture
def client(engine, server_url) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{server_url}/api/v1", timeout=60) as c:
        yield c


@pytest.fixture
def world(session) -> World:
    return World(session)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(client: httpx.Client, username: str, password: str = PASSWORD) -> str:
    response = client.post("/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture
def as_user(client):
    """`as_user("admin.a")` -> headers for a fresh session of that user."""
    return lambda username: bearer(login(client, username))


def assert_error(response: httpx.Response, status: int, code: str, **fields: str) -> dict:
    """The one error shape: {"error": {"code", "message", "fields"}}; `fields` names must be present."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert error["message"]
    for name in fields:
        assert name in error["fields"], error
    return error


def row_counts(engine) -> dict[str, int]:
    """How many rows the tables a request could touch hold; compared before and after a refusal."""
    with Session(engine) as s:
        return {model.__name__: s.exec(select(func.count()).select_from(model)).one()
                for model in (User, AuditEntry, AuthSession, ApiToken, Plant, Department)}
