"""Live views in a real browser, two clients at once: an operator on a phone reports scrap and starts
downtime; the manager dashboard's quality figure and the andon wall board change without a reload
(the events go through the event bus, the live hub and the shared states of rxapp/live.py)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from models.base import utcnow
from models.organization import Plant
from models.resources import ReasonCode, ReasonKind
from models.user import User
from services.core.db import make_engine, transaction
from services.org import api_tokens
from services.org.api_tokens import ApiTokenCreate
from services.org.auth import actor_for_user
from tests.e2e.conftest import DESKTOP, PHONE, log_in, open_machine, shot, start_the_job
from tests.factories.e2e import seed_job

pytestmark = pytest.mark.e2e

WALL = {"width": 1920, "height": 1080}


def display_token(database_url: str, *, revoked: bool = False) -> str:
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as s, transaction(s):
            plant = s.exec(select(Plant).where(Plant.code == "BER")).one()
            admin = actor_for_user(s, s.exec(select(User).where(User.username == "admin")).one())
            created = api_tokens.create_api_token(s, admin, ApiTokenCreate(plant_id=plant.id, name="Wall e2e",
                                                                            kind="display"), now=utcnow())
            if revoked:
                api_tokens.revoke_api_token(s, admin, created.id, now=utcnow())
            return created.token
    finally:
        engine.dispose()


def reason(database_url: str, kind: ReasonKind, code: str) -> tuple[int, str]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as s:
            row = s.exec(select(ReasonCode).where(ReasonCode.kind == kind, ReasonCode.code == code)).first()
            return row.id, row.name
    finally:
        engine.dispose()


def test_the_andon_board_follows_the_operator_without_a_reload(new_page, app_database_url):
    seeded = seed_job(app_database_url, "E2E-ANDON-1")
    down_id, down_name = reason(app_database_url, ReasonKind.DOWNTIME, "BREAKDOWN")
    wall = new_page(WALL)
    wall.goto("/andon?token=" + display_token(app_database_url))
    wall.wait_for_url(re.compile(r"/andon/?$"))                  # the token left the address bar
    tile = wall.locator(f"[data-testid=andon-tile][data-machine='{seeded.code}']")
    expect(tile).to_have_attribute("data-state", "idle")
    assert wall.evaluate("localStorage.getItem('takt_display_token')").startswith("tkt_")

    phone = new_page(PHONE)
    open_machine(phone, seeded.code)
    start_the_job(phone)
    expect(tile).to_have_attribute("data-state", "running")
    expect(tile.get_by_test_id("andon-job")).to_contain_text(f"WO-{seeded.code}")

    phone.get_by_label("Why is the machine down?").select_option(str(down_id))
    phone.get_by_role("button", name="Machine down").click()
    expect(tile).to_have_attribute("data-state", "down")
    expect(tile.get_by_test_id("andon-reason")).to_have_text(down_name)
    shot(wall, "andon-wall-down")

    phone.get_by_role("button", name="Machine up again").click()
    expect(tile).to_have_attribute("data-state", "running")

    wall.reload()                                                # the token is kept in localStorage
    expect(wall.locator(f"[data-testid=andon-tile][data-machine='{seeded.code}']")).to_have_attribute(
        "data-state", "running")


def test_the_andon_board_refuses_a_revoked_or_unknown_token(new_page, app_database_url):
    wall = new_page(WALL)
    wall.goto("/andon?token=" + display_token(app_database_url, revoked=True))
    expect(wall.get_by_test_id("andon-error")).to_contain_text("unknown or revoked")
    expect(wall.get_by_test_id("andon-tile")).to_have_count(0)
    wall.goto("/andon?token=tkt_not-a-token")
    expect(wall.get_by_test_id("andon-error")).to_contain_text("unknown or revoked")


def test_the_dashboard_quality_moves_when_the_operator_reports_scrap(new_page, app_database_url):
    seeded = seed_job(app_database_url, "E2E-DASH-1")
    dim_id, _ = reason(app_database_url, ReasonKind.SCRAP, "DIM")
    manager = new_page(DESKTOP)
    log_in(manager, "manager")
    expect(manager.get_by_test_id("sidebar").get_by_role("link", name="Dashboard", exact=True)).to_be_visible()
    manager.goto("/dashboard")
    expect(manager.get_by_test_id("kpi-quality")).to_be_visible()
    manager.get_by_test_id("filter-machine_id").click()
    manager.get_by_role("option", name=re.compile(seeded.code)).click()
    quality = manager.get_by_test_id("kpi-quality")
    expect(quality).to_have_text("–")                            # nothing made on this machine yet
    shot(manager, "dashboard-before")

    phone = new_page(PHONE)
    open_machine(phone, seeded.code)
    start_the_job(phone)
    job = phone.get_by_test_id("current-job")
    job.get_by_role("button", name="Good +10", exact=True).click()
    job.get_by_role("button", name="Scrap +1", exact=True).click()
    job.get_by_label("Scrap reason").select_option(str(dim_id))
    job.get_by_role("button", name="Report").click()
    expect(phone.get_by_test_id("job-counts")).to_have_text("Good 10 / 20 · Scrap 1")

    expect(quality).to_have_text("90.9 %")                        # 10 good of 11, without a reload
    manager.get_by_test_id("tile-quality").click()
    expect(manager.get_by_test_id("drill-row")).to_have_count(1)
    expect(manager.get_by_test_id("drill-row")).to_contain_text(seeded.code)
    shot(manager, "dashboard-after-scrap")
    job.get_by_role("button", name="Scrap +1", exact=True).click()
    job.get_by_label("Scrap reason").select_option(str(dim_id))
    job.get_by_role("button", name="Report").click()
    manager.get_by_role("button", name="Close").click()
    expect(quality).to_have_text("83.3 %")                        # 10 of 12
