"""A step's kanban: workflow columns, filters by episode and assignee, and card moves through the use case
that owns them (start, QC take, QC approve; submit and a bare rejection refused with the reason)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.studio import kanban, projects, reviews, tasks
from services.studio.live import KANBAN, kanban_for_scope, kanban_scope
from tests.conftest import T0
from tests.factories.studio import actor, make_studio, png


@pytest.fixture
def studio(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_studio(session, world)


def _step(session, studio, key: str) -> int:
    pm = actor(session, studio.pm)
    return next(s.id for s in projects.steps(session, pm, studio.project_id) if s.key == key)


def _move(session, studio, user, to_status, comment="", task_id=None):
    with transaction(session):
        return kanban.move_card(session, actor(session, user), task_id or studio.task_id, to_status, comment=comment,
                                now=T0 + timedelta(hours=1))


def _cards(board, status):
    return [c.task.id for c in next(col for col in board.columns if col.status == status).cards]


def test_columns_are_the_workflow_states_and_filters_apply(session, studio):
    pm = actor(session, studio.pm)
    step = _step(session, studio, "key_animation")
    board = kanban.board(session, pm, studio.project_id, step)
    assert [c.status for c in board.columns] == ["todo", "in_progress", "waiting_review", "qc1", "qc2", "rework",
                                                 "approved"]
    assert board.columns[0].name == "To do" and _cards(board, "todo") == [studio.task_id]
    assert board.columns[0].cards[0].targets == ["in_progress"]
    slot = tasks.get_task_read(session, pm, studio.task_id).assignee_member_id
    assert _cards(kanban.board(session, pm, studio.project_id, step, assignee_member_id=slot), "todo") == [studio.task_id]
    assert _cards(kanban.board(session, pm, studio.project_id, step, assignee_member_id=slot + 99), "todo") == []
    assert _cards(kanban.board(session, pm, studio.project_id, step, episode_id=studio.episode_id + 99), "todo") == []
    with pytest.raises(NotFound):
        kanban.board(session, pm, studio.project_id + 1, step)             # a step of another project


def test_moves_run_the_use_case_of_each_transition(session, studio, captured_events):
    started = _move(session, studio, studio.artist, "in_progress")
    assert started.status == "in_progress"
    with pytest.raises(Conflict, match="Submit a version"):
        _move(session, studio, studio.artist, "waiting_review")
    with pytest.raises(Conflict, match="in one move"):
        _move(session, studio, studio.artist, "approved")
    with transaction(session):
        reviews.submit_version(session, actor(session, studio.artist), studio.task_id, [png()], now=T0)
    with pytest.raises(Forbidden):
        _move(session, studio, studio.artist, "qc1")                         # an artist may not take QC1
    assert _move(session, studio, studio.lead, "qc1").status == "qc1"
    assert "studio.task.moved" in [e.name for e in captured_events]
    with pytest.raises(Invalid):
        _move(session, studio, studio.lead, "rework")                        # a rejection needs a comment
    assert _move(session, studio, studio.lead, "qc2").status == "qc2"
    with pytest.raises(Forbidden):
        _move(session, studio, studio.lead, "approved")                      # QC2 is the manager's
    rejected = _move(session, studio, studio.pm, "rework", comment="timing is off")
    assert (rejected.status, rejected.rework_loops) == ("rework", 1)
    decisions = reviews.reviews(session, actor(session, studio.pm), studio.task_id)
    assert [(r.stage, r.decision) for r in decisions] == [("qc1", "approve"), ("qc2", "reject")]


def test_other_tenants_and_unknown_states_are_refused(session, studio):
    with pytest.raises(NotFound):
        _move(session, studio, studio.world.admin_b, "in_progress")
    with pytest.raises(Invalid):
        _move(session, studio, studio.pm, "nowhere")
    with pytest.raises(NotFound):
        kanban.board(session, actor(session, studio.world.admin_b), studio.project_id,
                     _step(session, studio, "key_animation"))


def test_live_kanban_scope_checks_access_and_reads_the_board(session, studio):
    step = _step(session, studio, "key_animation")
    scope = kanban_scope(session, actor(session, studio.pm), studio.project_id, step)
    assert scope.kind == KANBAN and scope.token.isalnum()
    assert _cards(kanban_for_scope(session, scope, T0), "todo") == [studio.task_id]
    with pytest.raises(NotFound):
        kanban_scope(session, actor(session, studio.world.admin_b), studio.project_id, step)
