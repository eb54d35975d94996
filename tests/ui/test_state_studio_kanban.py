"""The kanban page's state without a browser: it links the live board of the chosen step and filters,
cards sit in workflow columns, a move runs through the service (a refused one toasts the reason), a
rejection asks for a comment first, and the board's scope is refreshed by the task's events."""
from __future__ import annotations

import pytest

from rxapp import live
from rxapp.state.studio.kanban import StudioKanbanState
from rxapp.state.studio.live_kanban import LiveKanbanState
from services.core.db import transaction
from services.studio import reviews
from tests.conftest import T0
from tests.factories.studio import actor, make_studio, png
from tests.ui.conftest import linked, run, signed_in, toasts


@pytest.fixture
def studio(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_studio(session, world)


def _column(shared, status):
    return next(c for c in shared.columns if c.status == status)


async def test_board_links_filters_and_moves(engine, session, studio, live_context, captured_events):
    state = await signed_in(engine, StudioKanbanState, "artist")
    events, shared = await linked(state, lambda: _enter(state, studio), LiveKanbanState)
    key_animation = next(o.value for o in state.step_options if o.label == "Key animation")
    _, shared = await linked(state, lambda: state.set_filter("step_id", key_animation), LiveKanbanState)
    assert shared.loaded and shared.step_name == "Key animation"
    assert [c.status for c in shared.columns][:3] == ["todo", "in_progress", "waiting_review"]
    card = _column(shared, "todo").cards[0]
    assert card.code == "EP01 C001" and [t.status for t in card.targets] == ["in_progress"]
    token = state.linked_token
    _, shared = await linked(state, lambda: state.set_filter("assignee_id", "999999"), LiveKanbanState)
    assert state.linked_token != token and _column(shared, "todo").count == 0
    _, shared = await linked(state, lambda: state.set_filter("assignee_id", ""), LiveKanbanState)
    assert toasts(await run(state.move(studio.task_id, "in_progress"), state), "success") == ["EP01 C001 moved"]
    refused = toasts(await run(state.move(studio.task_id, "waiting_review"), state), "error")
    assert refused and "Submit a version" in refused[0]
    moved = next(e for e in captured_events if e.name == "studio.task.started")
    scope = next(s for s in live.hub.scopes_for(moved) if s.token == state.linked_token)
    shared._apply(live.compute_now(scope))                        # what the hub's refresh writes
    assert _column(shared, "in_progress").cards[0].task_id == studio.task_id


async def test_rejection_asks_for_a_comment(engine, session, studio, live_context):
    with transaction(session):
        reviews.submit_version(session, actor(session, studio.artist), studio.task_id, [png()], now=T0)
    lead = await signed_in(engine, StudioKanbanState, "lead")
    await linked(lead, lambda: _enter(lead, studio), LiveKanbanState)
    await run(lead.move(studio.task_id, "qc1"), lead)
    assert await run(lead.move(studio.task_id, "rework"), lead) == [] and lead.reject_task_id == studio.task_id
    await run(lead.reject({"comment": " "}), lead)
    assert lead.reject_error == "Say what to rework." and lead.reject_task_id == studio.task_id
    assert toasts(await run(lead.reject({"comment": "Arms off model"}), lead), "success")
    assert lead.reject_task_id == 0
    assert reviews.reviews(session, actor(session, studio.pm), studio.task_id)[-1].decision == "reject"


async def test_other_tenant_sees_an_error_state(engine, studio, live_context):
    other = await signed_in(engine, StudioKanbanState, "admin.b")
    await linked(other, lambda: _enter(other, studio), LiveKanbanState)
    assert other.load_error == "Project not found." and other.linked_token == ""


async def _enter(state, studio):
    """What the page load runs with ?id=<project> in the URL."""
    state.project_id = studio.project_id
    return await state.open_board()
