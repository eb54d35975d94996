"""Milestones of a studio project: due dates, status, late when open past due, names unique per project."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, NotFound
from services.studio import milestones
from services.studio.milestones import MilestoneCreate, MilestoneUpdate
from tests.conftest import T0
from tests.factories.studio import actor, make_studio

TODAY = T0.date()


@pytest.fixture
def studio(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_studio(session, world)


def test_milestones_are_dated_late_and_reached(session, studio, world, captured_events):
    pm = actor(session, studio.pm)
    with transaction(session):
        first = milestones.create_milestone(session, pm, studio.project_id, MilestoneCreate(
            name="Animatic locked", due_date=TODAY - timedelta(days=1)), now=T0)
        milestones.create_milestone(session, pm, studio.project_id, MilestoneCreate(
            name="Episode 1 delivered", due_date=TODAY + timedelta(days=30)), now=T0)
    listed = milestones.list_milestones(session, pm, studio.project_id, today=TODAY)
    assert [(m.name, m.late) for m in listed] == [("Animatic locked", True), ("Episode 1 delivered", False)]
    with transaction(session):
        reached = milestones.update_milestone(session, pm, first.id, MilestoneUpdate(status="reached"),
                                              now=T0, today=TODAY)
    assert (reached.status, reached.reached_on, reached.late) == ("reached", TODAY, False)
    assert {e.name for e in captured_events} >= {"studio.milestone.created", "studio.milestone.updated"}
    with pytest.raises(Conflict):
        milestones.create_milestone(session, pm, studio.project_id, MilestoneCreate(
            name="Animatic locked", due_date=date(2026, 5, 1)), now=T0)


def test_milestones_need_studio_manage_and_stay_in_the_organization(session, studio, world):
    with pytest.raises(Forbidden):
        milestones.create_milestone(session, actor(session, studio.artist), studio.project_id,
                                    MilestoneCreate(name="x", due_date=TODAY), now=T0)
    with pytest.raises(NotFound):
        milestones.list_milestones(session, world.actor(world.admin_b), studio.project_id, today=TODAY)
