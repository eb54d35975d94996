"""The review queue page's state without a browser: the stages a person decides, the waiting tasks per stage and
project, choosing some or all, approving the chosen together (a refusal toasts and changes nothing), and a
person without QC rights or of another organization sees nothing."""
from __future__ import annotations

import pytest

from rxapp.state.studio.review_queue import ReviewQueueState
from services.core.db import transaction
from services.studio import reviews, tasks
from tests.conftest import T0
from tests.factories.studio import actor, make_studio, png
from tests.ui.conftest import run, signed_in, toasts


@pytest.fixture
def studio(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    made = make_studio(session, world)
    for user, task_id in ((made.artist, made.task_id), (made.vendor_user, made.vendor_task_id)):
        with transaction(session):
            reviews.submit_version(session, actor(session, user), task_id, [png()], comment="v", now=T0)
    return made


async def test_a_lead_and_a_manager_approve_a_batch(engine, session, studio):
    lead = await signed_in(engine, ReviewQueueState, "lead")
    await run(lead.enter(), lead)
    assert [o.value for o in lead.stage_options] == ["qc1"] and lead.stage == "qc1"
    assert {(r.code, r.version) for r in lead.rows} == {("EP01 C001", "v1")} and len(lead.rows) == 2
    assert toasts(await run(lead.approve({}), lead), "error") == ["Choose the tasks to approve."]
    await run(lead.toggle_all(True), lead)
    assert sorted(lead.chosen) == sorted(r.id for r in lead.rows)
    await run(lead.toggle(studio.task_id), lead)
    assert lead.chosen == [studio.vendor_task_id]
    assert toasts(await run(lead.approve({"comment": "ok"}), lead), "success") == ["1 tasks approved."]
    assert [r.id for r in lead.rows] == [studio.task_id] and lead.chosen == []

    manager = await signed_in(engine, ReviewQueueState, "prod.manager")
    await run(manager.enter(), manager)
    assert [o.value for o in manager.stage_options] == ["qc1", "qc2"]
    await run(manager.choose_stage("qc2"), manager)
    assert [r.id for r in manager.rows] == [studio.vendor_task_id]
    await run(manager.choose_project(str(studio.project_id + 999)), manager)
    assert manager.rows == []
    await run(manager.choose_project("all"), manager)
    await run(manager.toggle(studio.vendor_task_id), manager)
    await run(manager.toggle(studio.task_id), manager)               # not at QC2: the batch is refused whole
    refused = toasts(await run(manager.approve({}), manager), "error")
    assert refused and "QC2 comes only after QC1 has approved." in refused[0]
    pm = actor(session, studio.pm)
    assert tasks.get_task_read(session, pm, studio.vendor_task_id).status == "qc2"
    await run(manager.toggle(studio.task_id), manager)
    assert toasts(await run(manager.approve({}), manager), "success")
    assert tasks.get_task_read(session, pm, studio.vendor_task_id).status == "approved" and manager.rows == []


async def test_people_without_qc_rights_or_of_another_organization_see_nothing(engine, session, studio):
    artist = await signed_in(engine, ReviewQueueState, "artist")
    await run(artist.enter(), artist)
    assert artist.rows == [] and artist.load_error == "Reviewing needs the QC1 or QC2 permission."
    outsider = await signed_in(engine, ReviewQueueState, "admin.b")
    await run(outsider.enter(), outsider)
    assert outsider.load_error == "" and outsider.rows == []
    await run(outsider.toggle(studio.task_id), outsider)
    assert toasts(await run(outsider.approve({}), outsider), "error")
    assert tasks.get_task_read(session, actor(session, studio.lead), studio.task_id).status == "waiting_review"
