"""rxapp/reflex_adapter.py is the one place that touches Reflex's internals, and they are still there.

After a Reflex upgrade these fail with the name of the attribute that moved, before any live push
silently stops: each private or internal attribute the adapter uses exists on the installed Reflex with
the call signature the adapter relies on; the adapter uses no private attribute these tests do not check;
no other module of rxapp/ uses one or imports Reflex's internal modules. Then `live.deliver` is run
through the adapter against a real token manager: one emit to this worker's sockets."""
from __future__ import annotations

import ast
import dataclasses
import inspect
from pathlib import Path
from types import SimpleNamespace

import pytest
import reflex as rx
from reflex.app import App, EventNamespace
from reflex.istate.manager import StateManager
from reflex.istate.shared import SharedState
from reflex.state import StateUpdate
from reflex.utils.token_manager import LocalTokenManager, RedisTokenManager, SocketRecord, TokenManager
from reflex_base import constants

from rxapp import live, reflex_adapter

ROOT = Path(__file__).resolve().parents[2]
ADAPTER = ROOT / "rxapp" / "reflex_adapter.py"
INTERNAL_MODULES = ("reflex.state", "reflex.istate", "reflex.app", "reflex.utils", "reflex_base")

# (owner, attribute, parameters after self, coroutine?): the methods the adapter calls.
METHODS = [
    (SharedState, "_link_to", ["token"], True),
    (rx.State, "_clean", [], False),
    (SharedState, "_clean", [], False),
    (rx.State, "_get_resolved_delta", [], True),
    (TokenManager, "is_token_connected", ["token"], True),
    (EventNamespace, "emit_update", ["update", "token"], True),
    (EventNamespace, "emit", ["event", "data", "to"], True),
    (StateManager, "modify_state", ["token"], False),
]
# Every private name the adapter uses; each is checked above or below.
PRIVATE_ATTRIBUTES = {"_link_to", "_clean", "_get_resolved_delta", "_linked_from", "_token_manager"}


def where(owner: type, name: str) -> str:
    return f"{owner.__module__}.{owner.__qualname__}.{name} (rxapp/reflex_adapter.py, verified on Reflex " \
           f"{reflex_adapter.VERIFIED_ON})"


@pytest.mark.parametrize("owner, name, params, is_coroutine", METHODS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_each_method_the_adapter_calls_exists_with_its_signature(owner, name, params, is_coroutine):
    method = getattr(owner, name, None)
    assert method is not None, f"Reflex no longer has {where(owner, name)}"
    signature = list(inspect.signature(method).parameters)
    assert signature[0] == "self" and signature[1:1 + len(params)] == params, (
        f"{where(owner, name)} takes {signature} now, the adapter passes self, {params}")
    unwrapped = inspect.unwrap(method)
    assert inspect.iscoroutinefunction(unwrapped) or inspect.isasyncgenfunction(unwrapped) or not is_coroutine, (
        f"{where(owner, name)} is no longer awaitable; the adapter awaits it")


def test_each_attribute_the_adapter_reads_exists():
    assert inspect.get_annotations(SharedState).get("_linked_from") in ("set[str]", set[str]), (
        f"Reflex no longer has {where(SharedState, '_linked_from')} (a set of client tokens)")
    namespace = EventNamespace("/_event", None)          # type: ignore[arg-type]
    manager = getattr(namespace, "_token_manager", None)
    assert isinstance(manager, TokenManager), f"Reflex no longer has {where(EventNamespace, '_token_manager')}"
    assert isinstance(manager.token_to_socket, dict) and isinstance(manager.instance_id, str), (
        f"{where(TokenManager, 'token_to_socket / instance_id')} changed")
    assert {f.name for f in dataclasses.fields(SocketRecord)} >= {"sid", "instance_id"}, (
        f"{where(SocketRecord, 'sid / instance_id')} changed")
    assert issubclass(RedisTokenManager, TokenManager), where(RedisTokenManager, "(class)")
    assert isinstance(App.__dict__.get("event_namespace"), property), where(App, "event_namespace")
    assert isinstance(App.__dict__.get("state_manager"), property), where(App, "state_manager")
    assert "delta" in {f.name for f in dataclasses.fields(StateUpdate)}, where(StateUpdate, "delta")
    assert constants.SocketEvent.EVENT == "event", where(constants.SocketEvent, "EVENT")
    assert list(inspect.signature(rx.BaseStateToken).parameters) == ["ident", "cls"], where(rx.BaseStateToken, "(init)")


def _private_uses(path: Path) -> set[str]:
    """Private (single underscore) attribute names a module reads, by attribute or getattr string."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        name = node.attr if isinstance(node, ast.Attribute) else node.value if isinstance(node, ast.Constant) else None
        if isinstance(name, str) and name.startswith("_") and not name.startswith("__") and name.isidentifier():
            names.add(name)
    return names


def test_the_adapter_uses_no_private_attribute_left_unchecked():
    assert _private_uses(ADAPTER) == PRIVATE_ATTRIBUTES


def reflex_private_names() -> set[str]:
    """Private names of the Reflex objects Takt meets: states, shared states, the app, its namespace and managers."""
    objects = [rx.State, SharedState, App, EventNamespace, EventNamespace("/_event", None), LocalTokenManager(),
               StateManager]                                      # type: ignore[arg-type]
    return {n for o in objects for n in dir(o) if n.startswith("_") and not n.startswith("__")}


def test_no_other_module_of_rxapp_touches_reflex_internals():
    private = reflex_private_names()
    offenders = []
    for path in sorted((ROOT / "rxapp").rglob("*.py")):
        if path == ADAPTER:
            continue
        tree = ast.parse(path.read_text())
        imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        offenders += [f"{path.relative_to(ROOT)} imports {m}" for m in imported
                      if any(m == i or m.startswith(i + ".") for i in INTERNAL_MODULES)]
        offenders += [f"{path.relative_to(ROOT)} uses Reflex's {n}" for n in sorted(_private_uses(path) & private)]
    assert not offenders, "go through rxapp/reflex_adapter.py: " + "; ".join(offenders)


async def test_deliver_sends_one_emit_to_this_workers_sockets_of_the_tabs():
    manager = LocalTokenManager()
    await manager.link_token_to_sid("tab1", "sid-1")
    await manager.link_token_to_sid("tab2", "sid-2")
    sent = []

    async def emit(event, data=None, to=None):
        sent.append((event, data, sorted(to)))

    namespace = SimpleNamespace(_token_manager=manager, emit=emit)
    update = reflex_adapter.state_update({"board": {"cards": []}})
    await live.deliver(namespace, update, {"tab1", "tab2", "gone"})
    assert sent == [("event", update, ["sid-1", "sid-2"])]
    await live.deliver(None, update, {"tab1"})                    # no sockets yet: nothing, no error
    assert len(sent) == 1
