"""The Reflex side of services/kpi/live.py: one live task per backend worker.

`live_task` is registered with `app.register_lifespan_task` (rxapp/rxapp.py). It starts the event
fan-out configured by TAKT_EVENT_BACKEND (services/core/event_fanout.py: local, redis or postgres), so
events committed by other workers or machines reach this worker's bus, and runs the worker's
`LiveHub`: each watched scope (a plant's andon board, a dashboard view) is refreshed at once after a
quiet spell and at most once per 250 ms in a burst (a dashboard's whole view 30 s after a report: its tiles
and trend point travel over the live channel, rxapp/api/kpi/live_stream.py), computed once off the event
loop and written into the `rx.SharedState` of the scope's token (`rxapp/state/live_*.py`), where every
linked tab's later events read it. The delta of that write is resolved once and sent as one socket.io
emit to all of this worker's sockets linked to the scope (`refresh` + `deliver`), instead of Reflex's per-tab
update (lock, load, patch, delta and emit for each linked tab, one after another). What that takes of
Reflex's internals is in rxapp/reflex_adapter.py.

A page links its shared state with `watch(state, scope, compute)` only after a service returned the
scope (which checks the actor's access); the token is derived on the server from the scope. A tab that opens
a view computes it fresh (tabs opening at the same moment share one computation), so a quiet plant's screen
never shows the figures of the last refresh, however old; newer figures are never overwritten by older ones
(each write carries when its computation started). With
several workers (Reflex's Redis state manager), each worker refreshes the scopes its own clients
watch, once per scope; the shared state lives in Redis, so every linked tab sees the newest data.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from models.base import utcnow
from rxapp import reflex_adapter
from services.core import metrics, tenancy
from services.core.db import db_session
from services.core.event_fanout import start_fanout
from services.core.events import bus
from services.core.languages import deployment_language, person_language, use_language
from services.kpi.live import LiveHub, Scope

log = logging.getLogger(__name__)

Compute = Callable[[Session, Scope, Any], Any]     # (session, scope, now) -> what the shared state applies
CONNECTED_CHECK_EVERY = 30.0                        # seconds between checks that a scope still has a tab

_kinds: dict[str, tuple[type, Compute]] = {}
_app: Any = None
_checked: dict[Scope, float] = {}
_started: dict[str, float] = {}                     # scope token -> when the computation shown now started
_computing: dict[Scope, asyncio.Future] = {}        # a computation in progress, shared by the tabs opening it
hub = LiveHub(push=lambda scope: _push(scope))
metrics.gauge("takt_live_scopes", "Live views (boards, dashboards) this worker keeps fresh", lambda: len(hub.watched()))
metrics.gauge("takt_live_refresh_queue", "Live views waiting for their next refresh", lambda: len(hub._dirty))


def register_kind(kind: str, state_cls: type, compute: Compute) -> None:
    """`state_cls` (an rx.SharedState with `_apply(data)`, and optionally `prepare(data)`) shows scopes of `kind`, computed by `compute`."""
    _kinds[kind] = (state_cls, compute)


def compute_now(scope: Scope) -> Any:
    """The data of a scope, read now in a unit of work of its own, with the display values its state
    prepares (blocking: run it in a thread)."""
    state_cls, compute = _kinds[scope.kind]
    with use_language(scope.language or None), db_session() as session:
        tenancy.bind(session, scope.organization_id)     # runs for the scope's organization (row-level security)
        data = compute(session, scope, utcnow())
        prepare = getattr(state_cls, "prepare", None)    # display values the state can build off the event loop
        return prepare(data) if prepare is not None else data


_tab_scopes: dict[tuple[str, str], Scope] = {}      # (a tab's client token, kind) -> the scope it watches
TAB_SCOPES_KEPT = 20_000                            # the oldest are forgotten beyond this (a tab long gone)


async def rewatch(state: Any) -> None:
    """Watch again, in the tab's language now, every live view this tab watches on this worker: after a
    language switch the tab's boards and dashboards are recomputed in the new language (another worker's
    tab sees it at its next opening of the view)."""
    client = state.router.session.client_token
    for (tab, kind), scope in list(_tab_scopes.items()):
        if tab == client and kind in _kinds:
            await watch(await state.get_state(_kinds[kind][0]), scope)


async def watch(state: Any, scope: Scope) -> Any:
    """Link `state` (this tab's shared state of the scope's kind) to the scope, fill it with the scope's
    data computed now, and have the hub keep it fresh. Returns the linked state. The scope is watched in the
    tab's language (tabs in different languages link to different shared states)."""
    client = state.router.session.client_token
    if client:
        _tab_scopes.pop((client, scope.kind), None)
        _tab_scopes[(client, scope.kind)] = dataclasses.replace(scope, language="")
        while len(_tab_scopes) > TAB_SCOPES_KEPT:
            del _tab_scopes[next(iter(_tab_scopes))]
    language = person_language() or ""
    scope = dataclasses.replace(scope, language="" if language == deployment_language() else language)
    linked = await reflex_adapter.link(state, scope.token)
    hub.register(scope)
    started, data = await fresh(scope)
    if is_newest(scope, started):                   # no await between the check and the write
        linked._apply(data)
    return linked


async def fresh(scope: Scope) -> tuple[float, Any]:
    """(when it started, the data) of a computation of the scope started no earlier than this call, or
    already running: tabs opening one view at once share one computation."""
    running = _computing.get(scope)
    if running is None:
        running = asyncio.ensure_future(_compute(scope))
        _computing[scope] = running
        running.add_done_callback(lambda _done: _computing.pop(scope, None))
    return await asyncio.shield(running)


async def _compute(scope: Scope) -> tuple[float, Any]:
    started = time.monotonic()
    return started, await asyncio.to_thread(compute_now, scope)


def is_newest(scope: Scope, started: float) -> bool:
    """True (and remembered) when data computed from `started` is at least as new as what the scope's
    shared state shows; a slow computation that finishes after a newer one is dropped."""
    if started < _started.get(scope.token, float("-inf")):
        return False
    _started[scope.token] = started
    return True


async def _push(scope: Scope) -> bool:
    if _app is None or scope.kind not in _kinds:
        return False
    state_cls, _ = _kinds[scope.kind]
    started, data = await _compute(scope)
    update, linked = await refresh(reflex_adapter.state_manager(_app), scope, state_cls, data, started=started)
    if update is not None:
        await deliver(reflex_adapter.event_namespace(_app), update, linked)
        metrics.LIVE_REFRESHES.labels(scope.kind).inc()
    if await _still_watched(scope, linked):
        return True
    _started.pop(scope.token, None)
    return False


async def refresh(state_manager: Any, scope: Scope, state_cls: type, data: Any, *,
                  started: float | None = None) -> tuple[reflex_adapter.StateUpdate | None, set[str]]:
    """Apply `data` (computed from `started`, now when not given) to the scope's shared state where Reflex
    keeps it (the state of the scope's token, which every linked tab's events read), and return the delta of
    that one change (None when nothing changed, or when newer data is shown already) with the client tokens
    linked to the scope. The delta is the same for every linked tab: their trees
    hold nothing computed from a shared state, so each tab gets exactly what Reflex's per-tab update sent."""
    async with reflex_adapter.shared_root(state_manager, scope.token, state_cls) as root:
        shared = await root.get_state(state_cls)
        reflex_adapter.clean(root)  # marks left by a tab's link (its full delta went to that tab then): not resent
        if is_newest(scope, time.monotonic() if started is None else started):
            shared._apply(data)
        delta = await reflex_adapter.resolved_delta(root)
        reflex_adapter.clean(root)
        linked = reflex_adapter.linked_tabs(shared)
    name = state_cls.get_full_name()
    return (reflex_adapter.state_update({name: delta[name]}) if delta.get(name) else None), linked


async def deliver(namespace: Any, update: reflex_adapter.StateUpdate, tokens: set[str]) -> None:
    """Send one update to every linked tab: one socket.io emit to all of this worker's sockets (python-socketio
    encodes the packet once for all of them); a tab connected to another worker gets it through Reflex's
    relay (Redis), one by one, as before."""
    manager = reflex_adapter.token_manager(namespace)
    if manager is None:
        return
    sids, others = reflex_adapter.local_sids(manager, tokens)
    if sids:
        await reflex_adapter.emit_to_sids(namespace, update, sids)
    if others:
        await reflex_adapter.relay(namespace, update, others)


async def _still_watched(scope: Scope, linked: set[str]) -> bool:
    """False once no linked tab is connected any more (checked every CONNECTED_CHECK_EVERY s)."""
    if not linked:
        return False
    now = time.monotonic()
    if now - _checked.get(scope, 0.0) < CONNECTED_CHECK_EVERY:
        return True
    _checked[scope] = now
    manager = reflex_adapter.token_manager(reflex_adapter.event_namespace(_app))
    if manager is None:
        return True
    for token in linked:
        if await reflex_adapter.is_connected(manager, token):
            return True
    _checked.pop(scope, None)
    return False


async def live_task(app: rx.App) -> None:
    """Lifespan task: fan-out bridge + this worker's live hub, until the app stops."""
    global _app
    _app = app
    feed = bus.subscribe("*")                        # before the bridge: nothing falls in between
    try:
        fanout = await asyncio.to_thread(start_fanout, bus)
    except Exception:                                # a bad TAKT_EVENT_BACKEND: this worker still serves its own
        log.exception("event fan-out not started; live views see this worker's events only")
        fanout = await asyncio.to_thread(start_fanout, bus, "local")
    log.info("live hub started (event backend: %s)", fanout.backend)
    try:
        await hub.run(feed)
    finally:
        feed.close()
        await asyncio.to_thread(fanout.stop)
