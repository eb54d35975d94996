"""The milestones tab of a studio project through its page state: a production manager adds milestones (a
missing name or date is said at the field), marks one reached; an artist (no STUDIO_MANAGE) cannot add one."""
from __future__ import annotations

import pytest

from rxapp.pages.studio.project import studio_project_page
from rxapp.state.studio.milestones import MilestonesState
from tests.factories.studio import make_studio
from tests.ui.conftest import run, signed_in


@pytest.fixture
def studio(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_studio(session, world)


async def test_a_manager_adds_and_reaches_milestones(engine, session, studio):
    state = await signed_in(engine, MilestonesState, "prod.manager")
    state.project_id = studio.project_id
    await run(state.add({"name": "", "due_date": "2026-05-01"}), state)
    assert "name" in state.form_errors
    await run(state.add({"name": "Animatic locked", "due_date": "May 1st"}), state)
    assert "due_date" in state.form_errors
    await run(state.add({"name": "Animatic locked", "due_date": "2020-05-01"}), state)
    await run(state.add({"name": "Episode 1 delivered", "due_date": "2099-01-31", "note": "to the client"}), state)
    assert state.form_errors == {}
    assert [(m.name, m.late, m.status) for m in state.lines] == [("Animatic locked", True, "open"),
                                                                ("Episode 1 delivered", False, "open")]
    await run(state.set_status(state.lines[0].id, "reached"), state)
    assert (state.lines[0].status, state.lines[0].late) == ("reached", False) and state.lines[0].reached

    artist = await signed_in(engine, MilestonesState, "artist")
    artist.project_id = studio.project_id
    await run(artist.add({"name": "Mine", "due_date": "2026-06-01"}), artist)
    await run(artist.load(), artist)
    assert [m.name for m in artist.lines] == ["Animatic locked", "Episode 1 delivered"]


def test_the_project_page_renders_with_the_milestones_tab():
    studio_project_page().render()
