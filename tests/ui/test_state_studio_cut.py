"""/studio/cut?id=N and /studio/asset?id=N: the page's state loads a cut's fields, its tasks per step, its casting and its activity;
a manager's edit (frames, custom field) lands and shows in the feed; an artist sees no edit form and is
refused; a person of another organization gets nothing.
The asset page: its fields, tasks, the cuts it is cast into and its feed; a manager's edit lands (an artist is
refused); the project's Breakdown tab lists its assets with their casting count."""
from __future__ import annotations

from decimal import Decimal

import pytest

from rxapp.state.studio.asset import AssetState
from rxapp.state.studio.breakdown_forms import BreakdownFormsState
from rxapp.state.studio.cut import CutState
from services.config import custom_fields
from services.config.custom_fields import CustomFieldCreate
from services.core.db import transaction
from services.studio import breakdown, projects
from tests.conftest import T0
from tests.factories.studio import actor, make_studio
from tests.ui.conftest import run, signed_in, toasts


@pytest.fixture
def studio(session, world):
    studio = make_studio(session, world)
    admin = world.actor(world.admin_a)
    with transaction(session):
        custom_fields.create_definition(session, admin, CustomFieldCreate(
            entity_type="studio_cut", key="camera", label="Camera", field_type="text"), now=T0)
        projects.add_step(session, admin, studio.project_id, projects.StepSpec(
            key="modeling", name="Modeling", weight=Decimal("1"), entity_kind="asset"), now=T0)
        asset = breakdown.create_asset(session, admin, studio.project_id,
                                       breakdown.AssetCreate(code="CH_HERO", name="Hero"), now=T0)
        breakdown.cast_asset(session, admin, studio.cut_id, asset.id, now=T0)
    return studio


async def _open(engine, username: str, cut_id: int, cls=CutState):
    state = await signed_in(engine, cls, username)
    if cls is CutState:
        state.cut_id = cut_id
    else:
        state.asset_id = cut_id
    await run(state.load(), state)
    return state


async def test_the_page_shows_the_cut_its_tasks_casting_and_feed(engine, session, studio):
    state = await _open(engine, "artist", studio.cut_id)
    assert state.load_error == "" and state.code == "C001" and state.episode == "1"
    assert (state.frame_in, state.frame_out, state.duration) == ("1", "48", "48")
    steps = [t.step for t in state.task_lines]
    assert "Key animation" in steps and len(steps) == len(set(steps)) > 1
    key = next(t for t in state.task_lines if t.id == studio.task_id)
    assert key.href == f"/studio/task?id={studio.task_id}" and key.assignee == "artist"
    assert state.progress == f"0/{len(steps)}"
    assert [(c.code, c.name) for c in state.cast] == [("CH_HERO", "Hero")]
    assert state.cast[0].href.startswith("/studio/asset?id=")
    assert {f.action for f in state.feed} >= {"created", "asset_cast"}
    assert not state.can_edit and state.custom_inputs == []
    assert toasts(await run(state.save({"frame_in": "1", "frame_out": "60"}), state), "error")
    assert breakdown.get_cut(session, actor(session, studio.pm), studio.cut_id).frame_out == 48


async def test_a_managers_edit_lands_and_shows_in_the_feed(engine, session, studio):
    state = await _open(engine, "prod.manager", studio.cut_id)
    assert state.can_edit and [i.name for i in state.custom_inputs] == ["custom.camera"]
    await run(state.save({"frame_in": "1", "frame_out": "x"}), state)
    assert state.errors == {"frame_out": "Give whole numbers."}
    await run(state.save({"frame_in": "10", "frame_out": "5"}), state)
    assert list(state.errors) == ["frame_out"]
    events = await run(state.save({"frame_in": "1", "frame_out": "72", "description": "Pan",
                                   "custom.camera": "crane"}), state)
    assert toasts(events, "success") == ["Cut C001 saved"] and state.errors == {}
    cut = breakdown.get_cut(session, actor(session, studio.pm), studio.cut_id)
    assert (cut.frame_out, cut.description, cut.custom) == (72, "Pan", {"camera": "crane"})
    assert (state.frame_out, state.duration, state.description) == ("72", "72", "Pan")
    edit = state.feed[0]
    assert edit.who == "prod.manager" and "frame_out: 48 → 72" in edit.changes and "crane" in edit.changes


async def test_a_person_of_another_organization_is_refused(engine, studio):
    state = await _open(engine, "admin.b", studio.cut_id)
    assert state.load_error and state.code == "" and state.task_lines == [] and state.feed == []
    assert toasts(await run(state.save({"frame_in": "1", "frame_out": "2"}), state), "error")



async def test_the_asset_page_shows_its_fields_tasks_cuts_and_feed(engine, session, studio):
    hero = next(a for a in breakdown.list_assets(session, actor(session, studio.pm), studio.project_id)
                if a.code == "CH_HERO")
    state = await _open(engine, "artist", hero.id, AssetState)
    assert (state.load_error, state.code, state.name) == ("", "CH_HERO", "Hero")
    assert [t.step for t in state.task_lines] == ["Modeling"]
    assert state.task_lines[0].href.startswith("/studio/task?id=")
    assert [(c.code, c.href) for c in state.cuts] == [("C001", f"/studio/cut?id={studio.cut_id}")]
    assert [f.action for f in state.feed] == ["created"]
    stranger = await _open(engine, "admin.b", hero.id, AssetState)
    assert stranger.load_error and stranger.code == "" and stranger.cuts == [] and stranger.feed == []


async def test_a_managers_asset_edit_lands_and_an_artist_is_refused(engine, session, studio, world):
    pm = actor(session, studio.pm)
    with transaction(session):
        custom_fields.create_definition(session, world.actor(world.admin_a), CustomFieldCreate(
            entity_type="studio_asset", key="rig", label="Rig", field_type="text"), now=T0)
    hero = next(a for a in breakdown.list_assets(session, pm, studio.project_id) if a.code == "CH_HERO")
    artist = await _open(engine, "artist", hero.id, AssetState)
    assert not artist.can_edit and artist.custom_inputs == []
    assert toasts(await run(artist.save({"name": "Villain"}), artist), "error")
    state = await _open(engine, "prod.manager", hero.id, AssetState)
    assert state.can_edit and [i.name for i in state.custom_inputs] == ["custom.rig"]
    prop = next(k for k in state.kinds if k.label == "Prop")
    await run(state.save({"name": " ", "name2": ""}), state)
    assert list(state.errors) == ["name"]
    events = await run(state.save({"name": "Heroine", "name2": "主人公", "kind_value_id": prop.value,
                                   "custom.rig": "biped"}), state)
    assert toasts(events, "success") == ["Asset CH_HERO saved"] and state.errors == {}
    asset = breakdown.get_asset(session, pm, hero.id)
    assert (asset.name, asset.name2, asset.kind_label, asset.custom) == ("Heroine", "主人公", "Prop", {"rig": "biped"})
    assert (state.name, state.kind, state.kind_value_id) == ("Heroine", "Prop", prop.value)
    edit = state.feed[0]
    assert edit.who == "prod.manager" and "name: Hero → Heroine" in edit.changes and "biped" in edit.changes


async def test_the_projects_breakdown_tab_lists_its_assets(engine, session, studio):
    state = await signed_in(engine, BreakdownFormsState, "prod.manager")
    state.project_id = studio.project_id
    await run(state._load(), state)
    hero = next(a for a in breakdown.list_assets(session, actor(session, studio.pm), studio.project_id))
    assert [(a.code, a.name, a.cast_count, a.href) for a in state.assets] == [
        ("CH_HERO", "Hero", 1, f"/studio/asset?id={hero.id}")]
    await run(state.add_asset({"code": "BG_TOWN", "name": "Town"}), state)
    assert [(a.code, a.cast_count) for a in state.assets] == [("BG_TOWN", 0), ("CH_HERO", 1)]
