"""Drive Reflex state classes without a browser (REFLEX.md, Testing).

`rx.State(_reflex_internal_init=True)` gives a fresh root state (one browser tab);
`await root.get_state(Cls)` reaches a page state. Handlers are called directly on the instance and
`run()` collects what they return or yield (redirects, toasts, chained events). The `engine`
fixture points services.core.db at the test database, so the handlers' own units of work hit it.
"""
from __future__ import annotations

import base64
import inspect
import json
import re
from typing import Any

import pytest
import reflex as rx
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.shared import SharedStateBaseInternal
from reflex_base.event import EventHandler, EventSpec
from reflex_base.event.context import EventContext
from sqlmodel import Session

from models.base import utcnow
from rxapp.state.kpi.andon import AndonState
from rxapp.state.org.auth import AuthState
from services.core.db import transaction
from services.org import api_tokens
from services.org import auth as auth_service
from services.org.api_tokens import ApiTokenCreate
from tests.factories.db import committed
from tests.factories.org import PASSWORD, World
from tests.factories.shopfloor import make_floor


async def run(result: Any, state: rx.State | None = None) -> list:
    """Everything a handler returned or yielded, flattened (None dropped).

    With `state`, events chained to a state's handler (`return UsersState.load`) are run too, as
    Reflex would run them next for this tab; their own results are included.
    """
    if inspect.isasyncgen(result):
        out = []
        async for item in result:
            out.extend(await run(item, state))
        return out
    if inspect.isgenerator(result):
        out = []
        for item in result:
            out.extend(await run(item, state))
        return out
    if inspect.isawaitable(result):
        return await run(await result, state)
    if result is None:
        return []
    if isinstance(result, (list, tuple)):
        out = []
        for item in result:
            out.extend(await run(item, state))
        return out
    chained = _chained(result)
    if chained is not None and state is not None:
        handler, args = chained
        target = await state.get_state(handler.state)
        return [result, *await run(handler.fn(target, *args), state)]
    return [result]


def _chained(event: Any):
    """(handler, args) when `event` calls a state's own handler, else None."""
    if isinstance(event, EventHandler):
        return (event, ()) if event.state is not None else None
    if isinstance(event, EventSpec) and getattr(event.handler, "state", None) is not None:
        return event.handler, tuple(getattr(v, "_var_value", v) for _, v in event.args)
    return None


def redirects(events: list) -> list[str]:
    paths = []
    for event in events:
        handler = getattr(event, "handler", None)
        if handler is not None and getattr(handler.fn, "__qualname__", "") == "_redirect":
            args = {getattr(k, "_js_expr", str(k)): v for k, v in event.args}
            paths.append(getattr(args["path"], "_var_value", str(args["path"])))
    return paths


_TOAST = re.compile(r'\["(error|success|info|warning)"\]\((".*?(?<!\\)")')


def toasts(events: list, level: str | None = None) -> list[str]:
    """The messages of the toasts among `events` (optionally of one level)."""
    found = []
    for event in events:
        code = " ".join(getattr(v, "_js_expr", "") for _, v in getattr(event, "args", ()) or ())
        found.extend(json.loads(text) for lvl, text in _TOAST.findall(code) if level is None or lvl == level)
    return found


def asks_to_log_in(events: list) -> bool:
    return any(path.startswith("/login") for path in redirects(events))


async def new_tab(cls: type[rx.State] = AuthState):
    """A fresh browser tab: the state `cls` of a new root state."""
    root = rx.State(_reflex_internal_init=True)
    return await root.get_state(cls)


def session_token(engine, username: str, password: str = PASSWORD) -> str:
    with Session(engine, expire_on_commit=False) as s, transaction(s):
        return auth_service.login(s, username, password, now=utcnow(), client="ui").token


async def signed_in(engine, cls: type[rx.State], username: str, password: str = PASSWORD):
    """A page state of a tab where `username` is logged in (token in localStorage, profile loaded)."""
    state = await new_tab(cls)
    auth = await state.get_state(AuthState)
    auth.token = session_token(engine, username, password)
    assert redirects(await run(auth.require("view"), auth)) == []
    return state


@pytest.fixture
def world(session) -> World:
    return World(session)


def download_bytes(events) -> bytes:
    """The bytes of the rx.download among `events` (a data: URL carrying base64)."""
    code = " ".join(getattr(v, "_js_expr", str(v)) for e in events for _, v in getattr(e, "args", ()) or ())
    match = re.search(r"data:[^;\"]+;base64,([A-Za-z0-9+/=]+)", code)
    assert match, code[:500]
    return base64.b64decode(match.group(1))


# ----- live pages (shared states) ------------------------------------------------------------

async def _nothing(*args, **kwargs):
    return None


@pytest.fixture
def live_context():
    context = EventContext(token="test-tab", state_manager=StateManagerMemory(), enqueue_impl=_nothing)
    reset = EventContext.set(context)
    yield context
    EventContext.reset(reset)


async def linked(state, call, shared_cls=None):
    """Run `call()` (a handler call) as Reflex runs an event of an app with shared states; returns what
    it returned and the tab's `shared_cls` state as it was then (the linked one, if it is linked)."""
    base = await state.get_state(SharedStateBaseInternal)
    async with base._modify_linked_states():
        events = await run(call(), state)
        shared = await state.get_state(shared_cls) if shared_cls else None
    return events, shared


def make_token(session, world, plant_id, *, kind="display", admin=None) -> str:
    return committed(session, api_tokens.create_api_token, world.actor(admin or world.admin_a),
                     ApiTokenCreate(plant_id=plant_id, name="Wall", kind=kind), now=utcnow()).token


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=50)


async def wall(token: str):
    state = await new_tab(AndonState)
    state.display_token = token
    return state
