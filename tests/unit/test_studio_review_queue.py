"""The review queue: what waits for QC1 and for QC2, with the latest version; approving a batch passes every task
or none (the refusal names the task), rejections are not batched, stages need their permission, and another
organization sees and approves nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.studio import review_queue, reviews, tasks
from services.studio.review_queue import BatchApproval
from tests.conftest import T0
from tests.factories.studio import actor, make_studio, png


@pytest.fixture
def studio(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_studio(session, world)


def _submit(session, user, task_id):
    with transaction(session):
        reviews.submit_version(session, actor(session, user), task_id, [png()], comment="v", now=T0)


def _approve(session, user, stage, task_ids, comment=""):
    with transaction(session):
        return review_queue.approve_many(session, actor(session, user), stage,
                                         BatchApproval(task_ids=task_ids, comment=comment), now=T0 + timedelta(hours=1))


def _queue(session, user, stage, **kw):
    return [(q.task.id, q.version) for q in review_queue.queue(session, actor(session, user), stage, **kw)]


def test_a_batch_goes_from_qc1_to_qc2_to_approved(session, studio):
    _submit(session, studio.artist, studio.task_id)
    _submit(session, studio.vendor_user, studio.vendor_task_id)
    both = sorted([studio.task_id, studio.vendor_task_id])
    assert sorted(_queue(session, studio.lead, "qc1")) == [(i, 1) for i in both]
    assert _queue(session, studio.pm, "qc2") == []
    assert review_queue.stages(actor(session, studio.lead)) == ["qc1"]
    assert review_queue.stages(actor(session, studio.pm)) == ["qc1", "qc2"]
    with pytest.raises(Forbidden):
        _queue(session, studio.lead, "qc2")                       # a lead holds no QC2
    assert _approve(session, studio.lead, "qc1", both, "clean lines") == 2
    assert _queue(session, studio.lead, "qc1") == []
    assert sorted(_queue(session, studio.pm, "qc2", project_id=studio.project_id)) == [(i, 1) for i in both]
    assert _queue(session, studio.pm, "qc2", project_id=studio.project_id + 999) == []
    assert _approve(session, studio.pm, "qc2", both) == 2
    pm = actor(session, studio.pm)
    assert {tasks.get_task_read(session, pm, i).status for i in both} == {"approved"}
    assert [(r.stage, r.comment) for r in reviews.reviews(session, pm, studio.task_id)] == [("qc1", "clean lines"),
                                                                                          ("qc2", "")]


def test_one_task_that_cannot_pass_stops_the_whole_batch(session, studio):
    _submit(session, studio.artist, studio.task_id)
    _submit(session, studio.vendor_user, studio.vendor_task_id)
    with transaction(session):                                   # rejected once, so version 2 waits
        reviews.decide(session, actor(session, studio.lead), studio.vendor_task_id, "qc1",
                       reviews.Decision(decision="reject", comment="arms off model"), now=T0)
    _submit(session, studio.vendor_user, studio.vendor_task_id)
    _approve(session, studio.lead, "qc1", [studio.task_id])
    assert _queue(session, studio.lead, "qc1") == [(studio.vendor_task_id, 2)]          # the latest version
    with pytest.raises(Conflict) as refused:
        _approve(session, studio.pm, "qc2", [studio.task_id, studio.vendor_task_id])
    assert refused.value.message.endswith("QC2 comes only after QC1 has approved.")
    assert tasks.label(session, studio.vendor_task_id) in refused.value.message
    pm = actor(session, studio.pm)
    assert tasks.get_task_read(session, pm, studio.task_id).status == "qc2"            # rolled back with the rest
    with pytest.raises(Invalid):
        review_queue.queue(session, pm, "qc3")
    with pytest.raises(Forbidden):
        _approve(session, studio.artist, "qc1", [studio.vendor_task_id])


def test_another_organization_sees_and_approves_nothing(session, world, studio):
    _submit(session, studio.artist, studio.task_id)
    outsider = world.actor(world.admin_b)
    assert review_queue.queue(session, outsider, "qc1") == []
    with pytest.raises(NotFound), transaction(session):
        review_queue.approve_many(session, outsider, "qc1", BatchApproval(task_ids=[studio.task_id]), now=T0)
    assert tasks.get_task_read(session, actor(session, studio.lead), studio.task_id).status == "waiting_review"
