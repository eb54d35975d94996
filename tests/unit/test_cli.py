"""The `takt` command line, run as people run it: the installed console script in a subprocess."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from models.organization import Organization, Plant
from models.user import User
from services.core.db import make_engine
from services.core.migrations import current_revision, head_revision
from services.demo.seed import DEMO_PASSWORD
from services.org import auth
from services.org.auth import actor_for_user
from tests.conftest import T0

TAKT = Path(sys.executable).with_name("takt")
PASSWORD = "Correct-horse-42"


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "cli" / "takt.db"


@pytest.fixture
def takt(db_path, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"TAKT_PASSWORD", "DATABASE_URL"}}
    env["DATABASE_URL"] = f"sqlite:///{db_path}"

    def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(TAKT), *args], env={**env, **extra_env}, cwd=tmp_path, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=300, check=False)
    return run


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory) -> Path:
    """`takt seed-demo` run once; tests that need the demo data start from a copy."""
    path = tmp_path_factory.mktemp("seeded") / "takt.db"
    env = {k: v for k, v in os.environ.items() if k != "TAKT_PASSWORD"} | {"DATABASE_URL": f"sqlite:///{path}",
                                                                          "TAKT_DEMO": "1"}
    result = subprocess.run([str(TAKT), "seed-demo"], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def seeded(seeded_template, db_path) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        source = seeded_template.with_name(seeded_template.name + suffix)
        if source.exists():
            shutil.copy(source, db_path.with_name(db_path.name + suffix))


@pytest.fixture
def db(db_path):
    engine = make_engine(f"sqlite:///{db_path}")
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_the_console_script_is_installed():
    assert TAKT.exists()


def test_migrate_creates_the_schema_and_a_second_run_changes_nothing(takt, db_path):
    first = takt("migrate")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"database at revision {head_revision()} (was empty)"
    assert current_revision(make_engine(f"sqlite:///{db_path}")) == head_revision()

    second = takt("migrate")
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == f"database at revision {head_revision()}"


def test_seed_demo_loads_demo_data_once(takt, db):
    refused = takt("seed-demo")                    # not in demo mode: the published passwords stay out
    assert refused.returncode == 2 and "TAKT_DEMO=1" in refused.stderr
    first = takt("seed-demo", TAKT_DEMO="1")
    assert first.returncode == 0, first.stderr
    assert "demo data created" in first.stdout
    assert DEMO_PASSWORD in first.stdout
    users_after_first = db.exec(select(func.count()).select_from(User)).one()

    second = takt("seed-demo", TAKT_DEMO="1")
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[0] == "database already has data: demo seeding skipped"
    assert all(line.startswith("demo history of BER brought up to now") for line in second.stdout.splitlines()[1:])
    assert db.exec(select(func.count()).select_from(User)).one() == users_after_first
    assert sorted(db.exec(select(Organization.slug)).all()) == ["acme", "globex"]


def test_create_user_creates_a_user_who_can_log_in(seeded, takt, db):

    result = takt("create-user", "--org", "acme", "--username", "Nina.Night", "--role", "supervisor", "--role", "operator",
                  "--plant", "ber", "--full-name", "Nina Night", "--email", "nina@acme.example", "--password", PASSWORD)

    assert result.returncode == 0, result.stderr
    user = db.exec(select(User).where(User.username == "nina.night")).one()
    assert result.stdout.strip() == f"created user nina.night (id {user.id}) in acme with roles operator, supervisor"
    actor = actor_for_user(db, user)
    assert {r.value for r in actor.roles} == {"operator", "supervisor"}
    assert actor.plant_ids == {db.exec(select(Plant.id).where(Plant.code == "BER")).one()}
    assert auth.login(db, "nina.night", PASSWORD, now=T0).username == "nina.night"


def test_create_user_with_a_new_organization_and_the_password_from_the_environment(takt, db):
    result = takt("create-user", "--org", "newco", "--create-org", "--username", "first.admin", "--role", "admin",
                  TAKT_PASSWORD=PASSWORD)

    assert result.returncode == 0, result.stderr
    assert db.exec(select(Organization.name).where(Organization.slug == "newco")).one() == "Newco"
    assert auth.login(db, "first.admin", PASSWORD, now=T0).username == "first.admin"


def test_a_duplicate_username_exits_with_code_2_and_says_why(seeded, takt, db):

    result = takt("create-user", "--org", "acme", "--username", "planner", "--password", PASSWORD)

    assert result.returncode == 2
    assert result.stderr.strip() == "error: The username 'planner' is taken. username: Already taken."
    assert db.exec(select(func.count()).select_from(User).where(User.username == "planner")).one() == 1


@pytest.mark.parametrize("args, message", [
    (["--role", "wizard"], "error: Some fields are not valid. roles: Unknown role 'wizard'. Known roles: admin, manager, "
                           "planner, supervisor, operator, quality, maintenance, finance, viewer, vendor, client."),
    (["--plant", "XXX"], "error: Unknown plant code(s): XXX. plant: Unknown."),
    (["--org", "nope"], "error: No organization 'nope'."),
    (["--password", "short"], "error: Some fields are not valid. password: Use at least 10 characters."),
], ids=["unknown-role", "unknown-plant", "unknown-org", "weak-password"])
def test_bad_input_exits_with_code_2_and_creates_nothing(seeded, takt, db, args, message):
    users_before = db.exec(select(func.count()).select_from(User)).one()

    result = takt("create-user", "--org", "acme", "--username", "someone", "--password", PASSWORD, *args)  # the last value wins

    assert result.returncode == 2
    assert result.stderr.strip() == message
    assert db.exec(select(func.count()).select_from(User)).one() == users_before


def test_a_refused_user_leaves_no_new_organization_behind(takt, db):
    result = takt("create-user", "--org", "halfway", "--create-org", "--username", "x.admin", "--role", "wizard",
                  "--password", PASSWORD)

    assert result.returncode == 2
    assert db.exec(select(Organization.id).where(Organization.slug == "halfway")).first() is None


def test_create_user_without_a_password_refuses_when_it_cannot_ask(takt):
    result = takt("create-user", "--org", "acme", "--username", "someone")

    assert result.returncode == 2
    assert result.stderr.strip() == "error: give --password or TAKT_PASSWORD"


def test_init_creates_the_first_administrator_once(takt, db):
    result = takt("init", "--org", "works", "--username", "boss", TAKT_PASSWORD=PASSWORD)
    assert result.returncode == 0, result.stderr
    assert auth.login(db, "boss", PASSWORD, now=T0).username == "boss"
    again = takt("init", "--org", "other", "--username", "boss2", TAKT_PASSWORD=PASSWORD)
    assert again.returncode == 2 and "already" in again.stderr
    assert db.exec(select(func.count()).select_from(User)).one() == 1


def test_simulate_refuses_an_organization_that_does_not_exist(takt, seeded):
    result = takt("simulate", "--org", "nowhere", "--duration", "1h")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: no organization 'nowhere' (run takt seed-demo for the demo)"
