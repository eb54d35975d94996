"""Studio review: QC1 then QC2 role guards, rework loops, notifications of the next person."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.config import Notification
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid
from services.studio import reviews, tasks
from services.studio.reviews import Decision
from tests.conftest import T0
from tests.factories.studio import actor, make_studio, png


@pytest.fixture
def studio(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_studio(session, world)


def _submit(session, studio, user=None, task_id=None):
    with transaction(session):
        return reviews.submit_version(session, actor(session, user or studio.artist), task_id or studio.task_id,
                                      [png()], comment="v", now=T0)


def _decide(session, user, task_id, stage, decision, comment=""):
    with transaction(session):
        return reviews.decide(session, actor(session, user), task_id, stage,
                              Decision(decision=decision, comment=comment), now=T0 + timedelta(hours=1))


def test_artist_submits_and_cannot_approve(session, studio):
    version = _submit(session, studio)
    assert version.number == 1 and version.files[0].has_thumbnail
    assert tasks.get_task_read(session, actor(session, studio.artist), studio.task_id).status == "waiting_review"
    with pytest.raises(Forbidden):
        _decide(session, studio.artist, studio.task_id, "qc1", "approve")


def test_qc2_only_after_qc1(session, studio):
    _submit(session, studio)
    with pytest.raises(Conflict):
        _decide(session, studio.pm, studio.task_id, "qc2", "approve")
    with pytest.raises(Forbidden):
        _decide(session, studio.lead, studio.task_id, "qc2", "approve")   # a lead holds no QC2
    _decide(session, studio.lead, studio.task_id, "qc1", "approve")
    _decide(session, studio.pm, studio.task_id, "qc2", "approve")
    task = tasks.get_task_read(session, actor(session, studio.pm), studio.task_id)
    assert task.status == "approved" and task.rework_loops == 0 and task.approved_at is not None


def test_rejections_count_rework_loops_and_need_a_comment(session, studio):
    _submit(session, studio)
    with pytest.raises(Invalid):
        _decide(session, studio.lead, studio.task_id, "qc1", "reject")
    _decide(session, studio.lead, studio.task_id, "qc1", "reject", "arms off model")
    _submit(session, studio)
    _decide(session, studio.lead, studio.task_id, "qc1", "approve")
    _decide(session, studio.pm, studio.task_id, "qc2", "reject", "timing at frame 12")
    assert tasks.get_task_read(session, actor(session, studio.pm), studio.task_id).status == "rework"
    version = _submit(session, studio)
    assert version.number == 3
    _decide(session, studio.lead, studio.task_id, "qc1", "approve")
    _decide(session, studio.pm, studio.task_id, "qc2", "approve")
    task = tasks.get_task_read(session, actor(session, studio.pm), studio.task_id)
    assert (task.status, task.rework_loops) == ("approved", 2)
    stages = [(r.stage, r.decision, r.version_number) for r in reviews.reviews(session, actor(session, studio.pm), task.id)]
    assert stages == [("qc1", "reject", 1), ("qc1", "approve", 2), ("qc2", "reject", 2), ("qc1", "approve", 3),
                      ("qc2", "approve", 3)]


def test_each_decision_notifies_the_next_person(session, studio):
    _submit(session, studio)
    lead_notes = session.exec(select(Notification.title).where(Notification.user_id == studio.lead)).all()
    assert any(t.startswith("QC1 please") for t in lead_notes)
    _decide(session, studio.lead, studio.task_id, "qc1", "approve")
    assert any(t.startswith("QC2 please") for t in session.exec(
        select(Notification.title).where(Notification.user_id == studio.pm)).all())
    _decide(session, studio.pm, studio.task_id, "qc2", "reject", "redo")
    assert any(t.startswith("Rework") for t in session.exec(
        select(Notification.title).where(Notification.user_id == studio.artist)).all())
