"""Studio breakdown: bulk creation of episodes x cuts with their tasks, the grid and its filters,
the dashboard figures, Gantt rows, project progress weighted by step, credits."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from models.studio_work import StudioTask
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid
from services.studio import breakdown, dashboard, grid, members, projects, reviews, tasks
from services.studio.reviews import Decision
from tests.conftest import T0
from tests.factories.documents import pdf_text_layer as page_text
from tests.factories.studio import actor, make_studio, png


@pytest.fixture
def studio(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_studio(session, world)


def test_bulk_creation_makes_every_cut_and_task_once(session, studio, world):
    admin = world.actor(world.admin_a)
    with transaction(session):
        result = breakdown.bulk_create(session, admin, studio.project_id, breakdown.BulkCreate(
            episode_from=1, episode_to=3, cut_from=1, cut_to=20, frames_per_cut=72), now=T0)
    # episode 1 and its C001 existed: 2 new episodes, 59 new cuts, 8 tasks each
    assert (result.episodes, result.cuts, result.tasks) == (2, 59, 59 * 8)
    with transaction(session):
        again = breakdown.bulk_create(session, admin, studio.project_id, breakdown.BulkCreate(
            episode_from=1, episode_to=3, cut_from=1, cut_to=20), now=T0)
    assert (again.episodes, again.cuts, again.tasks) == (0, 0, 0)
    total = session.exec(select(func.count()).select_from(StudioTask).where(StudioTask.project_id == studio.project_id)).one()
    assert total == 60 * 8
    with pytest.raises(Invalid):
        breakdown.bulk_create(session, admin, studio.project_id, breakdown.BulkCreate(episode_from=3, episode_to=1), now=T0)
    with pytest.raises(Forbidden):
        breakdown.bulk_create(session, actor(session, studio.artist), studio.project_id, breakdown.BulkCreate(), now=T0)


def test_grid_rows_and_filters(session, studio, world):
    admin = world.actor(world.admin_a)
    with transaction(session):
        breakdown.bulk_create(session, admin, studio.project_id, breakdown.BulkCreate(cut_to=10), now=T0)
        reviews.submit_version(session, actor(session, studio.artist), studio.task_id, [png()], now=T0)
    view = grid.production_grid(session, admin, studio.project_id, episode_id=studio.episode_id)
    assert view.total_rows == 10 and [k for k, _ in view.steps][:2] == ["layout", "key_animation"]
    first = view.rows[0]
    assert first.code == "C001" and first.frames == 48 and first.cells["key_animation"].status == "waiting_review"
    waiting = grid.production_grid(session, admin, studio.project_id, status="waiting_review")
    assert [r.code for r in waiting.rows] == ["C001"]
    assert grid.production_grid(session, admin, studio.project_id, step_key="layout", status="waiting_review").rows == []
    assert [r.code for r in grid.production_grid(session, admin, studio.project_id, search="c01").rows] == ["C010"]


def test_dashboard_progress_first_pass_and_late(session, studio, world):
    admin, lead, pm = world.actor(world.admin_a), actor(session, studio.lead), actor(session, studio.pm)
    artist = actor(session, studio.artist)
    with transaction(session):
        tasks.update_task(session, admin, studio.vendor_task_id, tasks.TaskUpdate(due_date=date(2026, 3, 1)), now=T0)
        reviews.submit_version(session, artist, studio.task_id, [png()], now=T0)
        reviews.decide(session, lead, studio.task_id, "qc1", Decision(decision="reject", comment="no"), now=T0)
        reviews.submit_version(session, artist, studio.task_id, [png()], now=T0)
        reviews.decide(session, lead, studio.task_id, "qc1", Decision(decision="approve"), now=T0)
        reviews.decide(session, pm, studio.task_id, "qc2", Decision(decision="approve"), now=T0 + timedelta(days=1))
    board = dashboard.dashboard(session, admin, studio.project_id, today=date(2026, 3, 5))
    assert (board.tasks, board.approved, board.rework_loops, board.first_pass_rate) == (8, 1, 1, 0.0)
    key = next(c for c in board.cells if c.step_key == "key_animation")
    assert (key.episode_number, key.tasks, key.approved, key.share) == (1, 1, 1, 1.0)
    assert [(t.task_id, t.entity_code) for t in board.late] == [(studio.vendor_task_id, "EP01 C001")]
    assert [(r.who, r.week, r.approved) for r in board.throughput] == [("artist", "2026-W10", 1)]
    # progress weighted by step: key animation weighs 3 of 10
    assert projects.get_project_read(session, admin, studio.project_id).progress == pytest.approx(0.3)
    gantt = grid.gantt_rows(session, admin, studio.project_id)
    assert [(g.step_key, g.approved) for g in gantt][:2] == [("layout", 0), ("key_animation", 1)]


def test_credits_list_both_languages(session, studio, world):
    admin = world.actor(world.admin_a)
    with transaction(session):
        slot = members.create_member(session, admin, studio.project_id, members.MemberCreate(
            role_title="Director", role_title2="監督", department="Direction", person_name="Aiko Sato",
            person_name2="佐藤愛子"), now=T0)
        members.create_member(session, admin, studio.project_id, members.MemberCreate(role_title="Unfilled"), now=T0)
    lines = members.credits(session, admin, studio.project_id)
    assert ("Direction", "Director", "監督", "Aiko Sato", "佐藤愛子") in [
        (c.department, c.role, c.role2, c.name, c.name2) for c in lines]
    assert all(c.role != "Unfilled" for c in lines) and slot.id
    assert "佐藤愛子" in members.credits_csv(session, admin, studio.project_id).decode("utf-8-sig")
    assert members.credits_pdf(session, admin, studio.project_id).startswith(b"%PDF")


def test_credits_pdf_prints_japanese_and_korean_names(session, studio, world):
    admin = world.actor(world.admin_a)
    with transaction(session):
        members.create_member(session, admin, studio.project_id, members.MemberCreate(
            role_title="Director", role_title2="監督", department="Direction", person_name="Aiko Sato",
            person_name2="佐藤愛子"), now=T0)
        members.create_member(session, admin, studio.project_id, members.MemberCreate(
            role_title="Animator", department="CG", person_name="김민수"), now=T0)
    text = page_text(members.credits_pdf(session, admin, studio.project_id))
    for shown in ("Director", "Aiko Sato", "監督", "佐藤愛子", "Animator", "김민수"):
        assert shown in text
    assert "?" not in text


def test_a_cut_reads_with_its_episode_sequence_and_only_its_tasks(session, studio, world):
    admin = world.actor(world.admin_a)
    with transaction(session):
        seq = breakdown.create_sequence(session, admin, studio.project_id, "SQ01", episode_id=studio.episode_id, now=T0)
        other = breakdown.create_cut(session, admin, studio.project_id, breakdown.CutCreate(
            code="C002", episode_id=studio.episode_id, sequence_id=seq), now=T0)
    read = breakdown.get_cut(session, admin, other.id)
    assert (read.episode_number, read.sequence_code) == (1, "SQ01")
    assert breakdown.get_cut(session, admin, studio.cut_id).sequence_code == ""
    mine = tasks.list_tasks(session, admin, cut_id=other.id)
    assert mine and {t.cut_id for t in mine} == {other.id}
    assert studio.task_id not in {t.id for t in mine}


def test_a_manager_edits_an_asset_and_the_feed_shows_before_and_after(session, studio, world):
    from services.core.errors import NotFound
    from services.studio import activity
    admin = world.actor(world.admin_a)
    with transaction(session):
        asset = breakdown.create_asset(session, admin, studio.project_id, breakdown.AssetCreate(
            code="CH01", name="Hero"), now=T0)
    with transaction(session):
        read = breakdown.update_asset(session, admin, asset.id, breakdown.AssetUpdate(name="Heroine", name2="主人公"),
                                      now=T0)
    assert (read.name, read.name2, read.code) == ("Heroine", "主人公", "CH01")
    assert breakdown.get_asset(session, admin, asset.id).name == "Heroine"
    entry = activity.feed(session, admin, "asset", asset.id)[0]
    assert entry.action == "updated" and entry.changes["name"] == {"before": "Hero", "after": "Heroine"}
    with pytest.raises(Invalid) as bad:
        breakdown.update_asset(session, admin, asset.id, breakdown.AssetUpdate(name="  "), now=T0)
    assert "name" in bad.value.fields
    with pytest.raises(Forbidden):
        breakdown.update_asset(session, actor(session, studio.artist), asset.id,
                               breakdown.AssetUpdate(name="X"), now=T0)
    with pytest.raises(NotFound):
        breakdown.update_asset(session, world.actor(world.admin_b), asset.id, breakdown.AssetUpdate(name="X"), now=T0)
    assert breakdown.get_asset(session, admin, asset.id).name == "Heroine"
