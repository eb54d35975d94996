"""Studio benchmark (issue 11): bulk breakdown and the production grid, each against raw SQL in the
same run and database.

1. Bulk creation of 12 episodes x 300 cuts with the 8 steps of the 2D TV template (3,600 cuts,
   28,800 tasks) through `services.studio.breakdown.bulk_create` (one unit of work: checks, set-based
   inserts, audit, activity, event), against raw SQL doing the same inserts (executemany of episodes
   and cuts, one INSERT ... SELECT of the tasks) for a second project;
2. the production grid of one 300-cut episode (2,400 tasks): `grid.production_grid` unfiltered and
   filtered by status, against the raw join of cuts, tasks and member slots (rows fetched, no shaping).

Usage: .venv/bin/python -m bench.studio_bench [--postgres URL] [--rounds 20]
"""
from __future__ import annotations

import argparse
import os
import secrets
import time

import sqlalchemy as sa
from sqlmodel import Session

from bench.production_bench import databases, ms
from bench.report import percentiles, table, write_section
from models.base import utcnow
from models.user import User
from services.core import db as takt_db
from services.core.migrations import migrate
from services.org import organizations, users
from services.org.auth import actor_for_user
from services.org.users import UserCreate
from services.studio import breakdown, episodes, grid, projects, tasks

EPISODES, CUTS = 12, 300
RAW_GRID = sa.text(
    "SELECT c.id, c.code, c.frame_in, c.frame_out, e.number, t.id, t.step_id, t.status, t.due_date, t.rework_loops,"
    " t.assignee_member_id, m.person_name, m.role_title FROM studio_cut c"
    " LEFT JOIN studio_episode e ON e.id = c.episode_id LEFT JOIN studio_task t ON t.cut_id = c.id"
    " LEFT JOIN studio_member m ON m.id = t.assignee_member_id"
    " WHERE c.project_id = :p AND c.episode_id = :e ORDER BY e.number, c.position, c.code")


def prepare(engine):
    with Session(engine, expire_on_commit=False) as s, takt_db.transaction(s):
        org = organizations.create_organization(s, slug=f"studio-{secrets.token_hex(3)}", name="Studio bench", now=utcnow())
        system = organizations.system_actor(s, org.id)
        user = users.create_user(s, system, UserCreate(username=f"pm{secrets.token_hex(3)}",
                                                       password="Bench-password-42", roles=["manager"]), now=utcnow())
    with Session(engine, expire_on_commit=False) as s, takt_db.transaction(s):
        actor = actor_for_user(s, s.get(User, user.id))
        template = next(t for t in projects.list_templates(s, actor) if t.name == "TV series (2D)")
        service = projects.create_project(s, actor, projects.ProjectCreate(name="Service", template_id=template.id),
                                          now=utcnow())
        raw = projects.create_project(s, actor, projects.ProjectCreate(name="Raw", template_id=template.id), now=utcnow())
    return actor, service.id, raw.id


def bench_bulk(engine, actor, project_id: int) -> float:
    with Session(engine, expire_on_commit=False) as s:
        began = time.perf_counter()
        with takt_db.transaction(s):
            result = breakdown.bulk_create(s, actor, project_id, breakdown.BulkCreate(
                episode_from=1, episode_to=EPISODES, cut_from=1, cut_to=CUTS, frames_per_cut=96), now=utcnow())
        elapsed = time.perf_counter() - began
    assert (result.cuts, result.tasks) == (EPISODES * CUTS, EPISODES * CUTS * 8), result
    return elapsed


def bench_bulk_raw(engine, actor, project_id: int) -> float:
    now = utcnow()
    began = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO studio_episode (organization_id, project_id, number, name)"
                             " VALUES (:o, :p, :n, '')"),
                     [{"o": actor.organization_id, "p": project_id, "n": n} for n in range(1, EPISODES + 1)])
        episodes = dict(conn.execute(sa.text("SELECT number, id FROM studio_episode WHERE project_id = :p"),
                                     {"p": project_id}).all())
        conn.execute(sa.text(
            "INSERT INTO studio_cut (organization_id, project_id, episode_id, code, position, frame_in, frame_out,"
            " description, custom, created_at, updated_at) VALUES (:o, :p, :e, :c, :pos, 1, 96, '', '{}', :t, :t)"),
            [{"o": actor.organization_id, "p": project_id, "e": episodes[n], "c": f"C{c:03d}", "pos": c, "t": now}
             for n in range(1, EPISODES + 1) for c in range(1, CUTS + 1)])
        json_empty = "CAST('{}' AS JSON)" if engine.dialect.name == "postgresql" else "'{}'"
        conn.execute(sa.text(
            "INSERT INTO studio_task (organization_id, project_id, step_id, episode_id, cut_id, status, spent_minutes,"
            f" rework_loops, custom, created_at, updated_at) SELECT c.organization_id, c.project_id, s.id, c.episode_id,"
            f" c.id, 'todo', 0, 0, {json_empty}, :t, :t FROM studio_cut c JOIN studio_step s ON s.project_id = c.project_id"
            " AND s.entity_kind = 'cut' WHERE c.project_id = :p"), {"p": project_id, "t": now})
    return time.perf_counter() - began


def bench_grid(engine, actor, project_id: int, rounds: int) -> dict[str, list[float]]:
    with Session(engine) as s:
        episode = episodes.list_episodes(s, actor, project_id)[0].id
        ids = [t.id for t in tasks.list_tasks(s, actor, project_id=project_id, episode_id=episode, limit=100)[:40]]
    with Session(engine) as s, takt_db.transaction(s):
        tasks.bulk_update(s, actor, ids, tasks.TaskUpdate(due_date=utcnow().date()), now=utcnow())
    samples: dict[str, list[float]] = {"grid": [], "grid filtered": [], "raw": []}
    for _ in range(rounds):
        with Session(engine) as s:
            began = time.perf_counter()
            view = grid.production_grid(s, actor, project_id, episode_id=episode)
            samples["grid"].append(time.perf_counter() - began)
            assert view.total_rows == CUTS
            began = time.perf_counter()
            grid.production_grid(s, actor, project_id, episode_id=episode, status="todo", step_key="paint")
            samples["grid filtered"].append(time.perf_counter() - began)
        with engine.connect() as conn:
            began = time.perf_counter()
            rows = conn.execute(RAW_GRID, {"p": project_id, "e": episode}).all()
            samples["raw"].append(time.perf_counter() - began)
            assert len(rows) == CUTS * 8
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    bulk_rows, grid_rows = [], []
    for name, url in databases(args.postgres):
        engine = takt_db.make_engine(url)
        migrate(engine)
        takt_db.use_engine(engine)
        actor, service_project, raw_project = prepare(engine)
        service = bench_bulk(engine, actor, service_project)
        raw = bench_bulk_raw(engine, actor, raw_project)
        bulk_rows.append([name, ms(service), ms(raw), f"{service / raw:.1f}x"])
        samples = bench_grid(engine, actor, service_project, args.rounds)
        raw_p50 = percentiles(samples["raw"])["p50"]
        for label, values in samples.items():
            p = percentiles(values)
            grid_rows.append([name, label, ms(p["p50"]), ms(p["p95"]),
                              "" if label == "raw" else f"{p['p50'] / raw_p50:.1f}x"])
        engine.dispose()
    body = (f"### Bulk creation: {EPISODES} episodes x {CUTS} cuts x 8 steps = {EPISODES * CUTS * 8:,} tasks\n\n"
            "One unit of work through the service (checks, set-based inserts, one INSERT ... SELECT for the tasks, "
            "audit, activity, event) against raw SQL doing the same inserts for a second project.\n\n"
            + table(["database", "service (ms)", "raw SQL (ms)", "service / raw"], bulk_rows)
            + f"\n### Production grid of one {CUTS}-cut episode ({CUTS * 8:,} tasks), {args.rounds} rounds\n\n"
            "`grid.production_grid` (one query, rows shaped into cells per step) unfiltered and filtered by status "
            "and step, against the raw join fetched without shaping.\n\n"
            + table(["database", "query", "p50 (ms)", "p95 (ms)", "p50 / raw"], grid_rows))
    write_section("studio", "Studio: bulk breakdown and the production grid", body)


if __name__ == "__main__":
    main()
