"""Custom-field inputs on the studio forms (new project, add a cut, add an asset, a task's assignment):
the inputs follow the admins' definitions, values are stored, and bad ones come back next to the field."""
from __future__ import annotations

import pytest

from rxapp.state.studio.assign import TaskAssignState
from rxapp.state.studio.breakdown_forms import BreakdownFormsState
from rxapp.state.studio.projects import StudioProjectsState
from services.config import custom_fields
from services.config.custom_fields import CustomFieldCreate
from services.core.db import transaction
from services.studio import breakdown, projects, tasks
from tests.conftest import T0
from tests.factories.studio import actor, make_studio
from tests.ui.conftest import run, signed_in, toasts


@pytest.fixture
def studio(session, world):
    studio = make_studio(session, world)
    admin = world.actor(world.admin_a)
    with transaction(session):
        for entity, key, label, kind in (("studio_project", "network", "Network", "text"),
                                         ("studio_cut", "camera", "Camera", "text"),
                                         ("studio_asset", "polycount", "Polycount", "number"),
                                         ("studio_task", "difficulty", "Difficulty", "number")):
            custom_fields.create_definition(session, admin, CustomFieldCreate(
                entity_type=entity, key=key, label=label, field_type=kind, required=key == "network",
                max_value="5" if key == "difficulty" else None), now=T0)
    return studio


async def test_new_project_form_has_the_project_fields(engine, session, studio):
    state = await signed_in(engine, StudioProjectsState, "prod.manager")
    await run(state.load(), state)
    assert [(i.name, i.required) for i in state.custom_inputs] == [("custom.network", True)]
    template = state.templates[0].value
    await run(state.create({"name": "Night Train", "template_id": template, "custom.network": ""}), state)
    assert state.form_errors == {"custom.network": "Required."}
    await run(state.create({"name": "Night Train", "template_id": template, "custom.network": "NHK"}), state)
    created = next(p for p in projects.list_projects(session, actor(session, studio.pm)) if p.name == "Night Train")
    assert created.custom == {"network": "NHK"}


async def test_cut_and_asset_forms_carry_their_fields(engine, session, studio):
    state = await signed_in(engine, BreakdownFormsState, "prod.manager")
    state.project_id = studio.project_id
    await run(state._load(), state)
    assert [i.label for i in state.cut_inputs] == ["Camera"] and [i.label for i in state.asset_inputs] == ["Polycount"]
    assert state.episodes[0].value == str(studio.episode_id) and "Character" in [k.label for k in state.asset_kinds]
    events = await run(state.add_cut({"code": "C002", "episode_id": str(studio.episode_id), "frame_in": "1",
                                      "frame_out": "24", "custom.camera": "crane"}), state)
    assert toasts(events, "success") == ["Cut C002 added"]
    pm = actor(session, studio.pm)
    cut = next(c for c in breakdown.list_cuts(session, pm, studio.project_id) if c.code == "C002")
    assert cut.custom == {"camera": "crane"} and cut.duration_frames == 24
    await run(state.add_cut({"code": "C003", "frame_in": "x"}), state)
    assert state.cut_errors == {"frame_out": "Give whole numbers."}
    await run(state.add_asset({"code": "CH_HERO", "name": "Hero", "custom.polycount": "many"}), state)
    assert list(state.asset_errors) == ["custom.polycount"]
    await run(state.add_asset({"code": "CH_HERO", "name": "Hero", "custom.polycount": "12000"}), state)
    asset = next(a for a in breakdown.list_assets(session, pm, studio.project_id) if a.code == "CH_HERO")
    assert asset.custom == {"polycount": "12000"}
    artist = await signed_in(engine, BreakdownFormsState, "artist")
    artist.project_id = studio.project_id
    await run(artist._load(), artist)
    assert artist.cut_inputs == []
    assert toasts(await run(artist.add_cut({"code": "C009"}), artist), "error")


async def test_task_assignment_form_has_the_task_fields(engine, session, studio):
    state = await signed_in(engine, TaskAssignState, "prod.manager")
    state.task_id = studio.task_id
    await run(state._load(), state)
    assert [i.name for i in state.custom_inputs] == ["custom.difficulty"]
    await run(state.save({"custom.difficulty": "7"}), state)
    assert list(state.errors) == ["custom.difficulty"]
    await run(state.save({"custom.difficulty": "4"}), state)
    assert tasks.get_task_read(session, actor(session, studio.pm), studio.task_id).custom == {"difficulty": "4"}
    assert state.custom_inputs[0].value == "4"
