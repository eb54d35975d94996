"""Studio pages' states without a browser: projects list and creation with field errors, the live grid
and dashboard linked to the project's scope (and refreshed after a review), the filters re-link,
my tasks, the task page's upload and QC1/QC2 decisions with the guards, vendors and other tenants."""
from __future__ import annotations

import json

import pytest
import reflex as rx

from rxapp import live
from rxapp.state.studio.live_project import LiveStudioState
from rxapp.state.studio.project import StudioProjectState
from rxapp.state.studio.projects import StudioProjectsState
from rxapp.state.studio.tasks import MyTasksState, TaskState
from services.studio.events import TaskUpdated
from services.studio.live import project_scope
from tests.factories.studio import actor, make_studio, png_bytes
from tests.ui.conftest import linked, redirects, run, signed_in, toasts


@pytest.fixture
def studio(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_studio(session, world)


class FakeUpload:
    def __init__(self, name: str, data: bytes, content_type: str = "image/png"):
        self.name, self._data, self.content_type = name, data, content_type

    async def read(self) -> bytes:
        return self._data


async def test_projects_list_and_create(engine, studio):
    state = await signed_in(engine, StudioProjectsState, "admin.a")
    await run(state.load(), state)
    assert [r.number for r in state.rows] == ["PRJ-000001"] and state.rows[0].name2 == "星の種"
    await run(state.create({"name": "", "template_id": state.templates[0].value}), state)
    assert state.form_errors == {"name": "Required."}
    events = await run(state.create({"name": "Night Train", "template_id": state.templates[0].value}), state)
    assert redirects(events) == ["/studio/project?id=2"] and toasts(events, "success")


async def test_live_grid_follows_filters_and_reviews(engine, session, studio, live_context,
                                                    captured_events):
    state = await signed_in(engine, StudioProjectState, "prod.manager")
    state.project_id = studio.project_id
    _, shared = await linked(state, state.open_project, LiveStudioState)
    assert shared.loaded and shared.steps[:2] == ["layout", "key_animation"] and shared.total_rows == 1
    assert shared.lines[0].cells[1].status == "todo" and shared.tasks == 8
    token = state.linked_token
    assert token == project_scope(session, actor(session, studio.pm), studio.project_id,
                                  episode_id=studio.episode_id).token
    _, shared = await linked(state, lambda: state.set_filter("status_filter", "rework"), LiveStudioState)
    assert state.linked_token != token and shared.total_rows == 0
    artist = await signed_in(engine, TaskState, "artist")
    artist.task_id = studio.task_id
    await run(artist.load(), artist)
    assert artist.can_submit and not artist.can_qc1
    events = await run(artist.submit([FakeUpload("v1.png", png_bytes())]), artist)
    assert toasts(events, "success") == ["Version 1 submitted for review"]
    assert artist.status == "waiting_review" and artist.versions[0].files[0].thumb.startswith("data:image/png")
    await run(artist.decide({"decision": "approve"}), artist)           # an artist holds no QC1
    assert artist.status == "waiting_review"
    _, shared = await linked(state, lambda: state.set_filter("status_filter", ""), LiveStudioState)
    scope = project_scope(session, actor(session, studio.pm), studio.project_id, episode_id=studio.episode_id)
    submitted = next(e for e in captured_events if e.name == "studio.task.version_submitted")
    assert scope in live.hub.scopes_for(submitted)                    # the review refreshes the linked grid
    other = TaskUpdated(organization_id=submitted.organization_id, entity_id=submitted.entity_id,
                        project_id=studio.project_id + 99)
    assert scope not in live.hub.scopes_for(other)
    shared._apply(live.compute_now(scope))                             # what the hub's refresh writes
    assert shared.lines[0].cells[1].status == "waiting_review"
    assert shared.lines[0].href == f"/studio/cut?id={studio.cut_id}"   # the cut code links to its page


async def test_task_page_qc1_then_qc2_reject_with_comment(engine, studio):
    artist = await signed_in(engine, TaskState, "artist")
    artist.task_id = studio.task_id
    await run(artist.submit([FakeUpload("v1.png", png_bytes())]), artist)
    lead = await signed_in(engine, TaskState, "lead")
    lead.task_id = studio.task_id
    await run(lead.load(), lead)
    assert lead.can_qc1 and not lead.can_qc2
    await run(lead.decide({"decision": "approve"}), lead)
    assert lead.status == "qc2"
    pm = await signed_in(engine, TaskState, "prod.manager")
    pm.task_id = studio.task_id
    await run(pm.load(), pm)
    assert pm.can_qc2
    await run(pm.decide({"decision": "reject", "comment": ""}), pm)
    assert pm.comment_error and pm.status == "qc2"
    await run(pm.decide({"decision": "reject", "comment": "Hold longer", "timecode": "00:00:01:12"}), pm)
    assert (pm.status, pm.loops) == ("rework", 1) and pm.review_lines[0].where.strip() == "00:00:01:12"
    mine = await signed_in(engine, MyTasksState, "artist")
    await run(mine.load(), mine)
    assert [(t.id, t.status) for t in mine.lines] == [(studio.task_id, "rework")]


async def test_lead_draws_on_the_image_and_the_artist_sees_the_drawing(engine, studio):
    artist = await signed_in(engine, TaskState, "artist")
    artist.task_id = studio.task_id
    await run(artist.submit([FakeUpload("v1.png", png_bytes())]), artist)
    assert artist.draw_src.startswith("data:image/png;base64,")     # the artist has no form, the state has the image
    lead = await signed_in(engine, TaskState, "lead")
    lead.task_id = studio.task_id
    await run(lead.load(), lead)
    file_id = lead.versions[0].files[0].id
    assert lead.draw_file_id == file_id and lead.draw_src.startswith("data:image/png;base64,")
    off_image = json.dumps({"file_id": file_id, "strokes": [{"points": [[0.1, 0.1], [1.5, 0.2]]}]})
    refused = await run(lead.decide({"decision": "reject", "comment": "hand", "annotation": off_image}), lead)
    assert toasts(refused, "error") == ["Points lie on the image (0 to 1)."] and lead.status == "waiting_review"
    drawing = json.dumps({"file_id": file_id, "strokes": [
        {"color": "#ff0000", "width": 4, "points": [[0.1, 0.2], [0.25, 0.5]]}]})
    await run(lead.decide({"decision": "reject", "comment": "fix the hand", "annotation": drawing}), lead)
    await run(artist.load(), artist)
    assert artist.status == "rework"
    shown = artist.review_lines[0]
    assert shown.image.startswith("data:image/png;base64,")
    assert [(s.color, s.width, s.points) for s in shown.strokes] == [("#ff0000", 4, "100.0,200.0 250.0,500.0")]


async def test_vendor_and_other_tenant_see_only_what_is_theirs(engine, studio):
    vendor = await signed_in_partner(engine, "vendor.user")
    await run(vendor.load(), vendor)
    assert [t.id for t in vendor.lines] == [studio.vendor_task_id]
    other = await signed_in(engine, TaskState, "admin.b")
    other.task_id = studio.task_id
    await run(other.load(), other)
    assert other.load_error == "Task not found."


async def signed_in_partner(engine, username: str) -> MyTasksState:
    from rxapp.state.org.auth import AuthState
    from tests.ui.conftest import new_tab, session_token
    state = await new_tab(MyTasksState)
    auth = await state.get_state(AuthState)
    auth.token = session_token(engine, username)
    assert redirects(await run(auth.require("studio_portal"), auth)) == []
    return state


def test_upload_file_type_is_the_reflex_one():
    assert hasattr(rx, "UploadFile")
