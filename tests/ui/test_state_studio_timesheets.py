"""The timesheet page's state without a browser: log time on one's task (typed as 1:30), the week's
rows and totals, field errors, taking an entry back, and the team week only for leads."""
from __future__ import annotations

import pytest

from rxapp.state.studio.timesheets import TimesheetState
from services.studio import tasks
from tests.factories.studio import actor, make_studio
from tests.ui.conftest import run, signed_in, toasts


@pytest.fixture
def studio(session, world):
    return make_studio(session, world)


async def test_log_time_and_see_the_week(engine, session, studio):
    state = await signed_in(engine, TimesheetState, "artist")
    await run(state.enter(), state)
    assert not state.is_lead and [o.value for o in state.task_options] == [str(studio.task_id)]
    await run(state.log({"task_id": str(studio.task_id), "day": "2026-03-03", "duration": "soon"}), state)
    assert state.form_errors == {"duration": "Like 1:30, 1.5 or 90m."}
    await run(state.log({"task_id": "", "day": "", "duration": "1:30"}), state)
    assert set(state.form_errors) == {"task_id", "day"}
    events = await run(state.log({"task_id": str(studio.task_id), "day": "2026-03-03", "duration": "1:30",
                                  "note": "layout fixes"}), state)
    assert toasts(events, "success") == ["Time logged: EP01 C001 now has 1:30 h"] and state.form_errors == {}
    assert state.week_start == "2026-03-02" and state.rows[0].cells[1] == "1:30" and state.total == "1:30"
    assert state.days[1] == "Tue 3/3" and state.entries[0].note == "layout fixes"
    await run(state.shift_week(1), state)
    assert state.week_start == "2026-03-09" and state.rows == [] and state.total == "0:00"
    await run(state.shift_week(-1), state)
    await run(state.remove(state.entries[0].id), state)
    assert state.entries == [] and tasks.get_task_read(session, actor(session, studio.pm), studio.task_id).spent_minutes == 0


async def test_team_week_for_leads(engine, session, studio):
    artist = await signed_in(engine, TimesheetState, "artist")
    await run(artist.enter(), artist)
    await run(artist.log({"task_id": str(studio.task_id), "day": "2026-03-04", "duration": "2h"}), artist)
    assert toasts(await run(artist.set_team_project(str(studio.project_id)), artist), "error")   # not a lead
    lead = await signed_in(engine, TimesheetState, "lead")
    await run(lead.enter(), lead)
    assert lead.is_lead and lead.projects[0].value == str(studio.project_id)
    lead.week_start = "2026-03-02"
    await run(lead.set_team_project(str(studio.project_id)), lead)
    assert [(r.label, r.detail, r.cells[2], r.total) for r in lead.team_rows] == [("artist", "Key Animator", "2:00", "2:00")]
    assert lead.team_total == "2:00"
