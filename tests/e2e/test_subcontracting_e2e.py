"""Subcontracting money in real browsers (issue 15): finance drafts a purchase order for the 40 in-between cuts of
an episode given to a vendor and submits it, the admin approves it, the vendor acknowledges it on a phone in the
partner portal, the vendor's versions pass QC1 (through the services, as the demo's lead), the production manager
approves the 40 at QC2 together on the review queue page, finance settles the 40, downloads the statement and
records the payment, and the project's spend on its dashboard (another finance screen) moves with each step
without a reload. Screenshots go to test-results/."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from models.base import utcnow
from models.user import User
from services.core.db import make_engine, transaction
from services.demo.production import demo_actor
from services.studio import episodes, partners, projects, review_queue, reviews, tasks
from services.studio.files import Upload
from services.studio.reviews import Decision
from tests.e2e.conftest import DESKTOP, PHONE, log_in, shot
from tests.factories.org import actor_of
from tests.factories.studio import png_bytes

pytestmark = pytest.mark.e2e

VENDOR_PASSWORD = "E2e-kestrel-pass-2026"   # no part of "Eve Vendor" (the log-in policy)


def _give_an_episode_to_a_new_vendor(database_url: str) -> tuple[int, list[int]]:
    """A vendor with a portal account gets the in-between tasks of episode 2 of Star Seeds (40 cuts)."""
    from services.org import users
    from services.org.users import UserCreate
    engine, now = make_engine(database_url), utcnow()
    with Session(engine) as s, transaction(s):
        admin = demo_actor(s, "admin")
        vendor = partners.create_partner(s, admin, partners.PartnerCreate(name="E2E Inbetween"), now=now)
        user = users.create_user(s, admin, UserCreate(username="vendor.e2e", full_name="Eve Vendor",
                                                      password=VENDOR_PASSWORD, roles=["vendor"]), now=now)
        partners.link_account(s, admin, user.id, vendor.id, now=now)
        project = next(p for p in projects.list_projects(s, admin) if p.name == "Star Seeds")
        episode = episodes.list_episodes(s, admin, project.id)[1]
        ids = [t.id for t in tasks.list_tasks(s, admin, project_id=project.id, episode_id=episode.id, limit=5000)
               if t.step_key == "in_between"]
        tasks.bulk_update(s, admin, ids, tasks.TaskUpdate(vendor_partner_id=vendor.id), now=now)
    engine.dispose()
    return project.id, ids


def _qc1_approve(database_url: str, task_ids: list[int]) -> None:
    """The vendor submits a version of each task; the lead approves QC1."""
    engine, now = make_engine(database_url), utcnow()
    frame = Upload(filename="frame.png", content_type="image/png", data=png_bytes("seagreen"))
    with Session(engine) as s, transaction(s):
        vendor = actor_of(s, s.exec(select(User.id).where(User.username == "vendor.e2e")).one())
        lead = demo_actor(s, "supervisor")
        for task_id in task_ids:
            reviews.submit_version(s, vendor, task_id, [frame], comment="in-betweens", now=now)
            reviews.decide(s, lead, task_id, "qc1", Decision(decision="approve"), now=now)
    engine.dispose()


def _waiting_at_qc2(database_url: str, project_id: int) -> int:
    """How many tasks of the project wait for QC2 (the 40, and any the demo left there)."""
    engine = make_engine(database_url)
    with Session(engine) as s:
        count = len(review_queue.queue(s, demo_actor(s, "manager"), "qc2", project_id=project_id))
    engine.dispose()
    return count


def _open_po(page, number: str) -> None:
    page.get_by_role("button", name=number, exact=True).click()
    expect(page.get_by_test_id("po-detail")).to_contain_text(number)


def test_po_approved_acknowledged_settled_for_40_cuts_and_paid(new_page, app_database_url, app_workdir, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(app_workdir / "studio_files"))
    project_id, task_ids = _give_an_episode_to_a_new_vendor(app_database_url)
    assert len(task_ids) == 40

    finance = new_page(DESKTOP)
    log_in(finance, "finance")
    expect(finance.get_by_test_id("greeting")).to_be_visible()
    finance.goto("/finance/purchase-orders")
    expect(finance.get_by_role("heading", name="Purchase orders")).to_be_visible()
    finance.get_by_role("button", name="New purchase order").click()
    dialog = finance.get_by_role("dialog")
    dialog.get_by_label("Vendor").select_option(label="E2E Inbetween")
    project = dialog.locator("#project option", has_text="Star Seeds").first.inner_text()
    dialog.get_by_label("Project").select_option(label=project)
    expect(dialog.get_by_test_id("po-tasks").get_by_role("checkbox")).to_have_count(40)
    dialog.get_by_label("Process").fill("In-between")
    dialog.get_by_label("Currency").select_option("EUR")
    dialog.get_by_label("Unit price per task").fill("100")
    dialog.get_by_label("Difficulty rate").fill("1.2")
    dialog.get_by_label("Urgency rate").fill("1.5")
    shot(finance, "subcontracting-po-form")
    dialog.get_by_role("button", name="Create draft").click()
    expect(finance.get_by_role("dialog")).to_have_count(0)
    figures = finance.get_by_test_id("po-figures")
    expect(figures).to_contain_text("4,000 EUR")                   # base: 40 x 100
    expect(figures).to_contain_text("7,200 EUR")                   # adjusted and net: x 1.2 x 1.5, no taxes
    number = re.search(r"PO-\d+", finance.get_by_test_id("po-detail").inner_text()).group(0)
    expect(finance.get_by_role("button", name="Approve")).to_have_count(0)   # the writer never approves
    finance.get_by_role("button", name="Submit for approval").click()
    expect(finance.get_by_test_id("po-approval")).to_be_visible()

    admin = new_page(DESKTOP)
    log_in(admin, "admin")
    expect(admin.get_by_test_id("greeting")).to_be_visible()
    admin.goto("/finance/purchase-orders")
    _open_po(admin, number)
    admin.get_by_role("button", name="Approve").click()
    expect(admin.get_by_test_id("po-detail")).to_contain_text("Approved")

    vendor = new_page(PHONE)
    log_in(vendor, "vendor.e2e", VENDOR_PASSWORD)
    vendor.wait_for_url(re.compile(r"/studio/portal/?$"))
    vendor.goto("/studio/portal/orders")
    _open_po(vendor, number)
    expect(vendor.get_by_role("button", name="Settle the approved work")).to_have_count(0)
    vendor.get_by_role("button", name="Acknowledge the order").click()
    expect(vendor.get_by_test_id("po-detail")).to_contain_text("Acknowledged by the vendor")
    shot(vendor, "subcontracting-vendor-acknowledged-phone")

    _qc1_approve(app_database_url, task_ids)
    manager = new_page(DESKTOP)                     # the production manager approves the 40 at QC2 together
    log_in(manager, "manager")
    expect(manager.get_by_test_id("greeting")).to_be_visible()
    manager.goto("/studio/reviews")
    manager.get_by_label("Review stage").select_option("qc2")
    manager.get_by_label("Project").select_option(str(project_id))
    waiting = _waiting_at_qc2(app_database_url, project_id)
    assert waiting >= 40
    expect(manager.get_by_test_id("review-row")).to_have_count(waiting)
    manager.get_by_label("Choose all").click()
    expect(manager.get_by_test_id("approve-chosen")).to_contain_text(f"({waiting})")
    shot(manager, "subcontracting-review-queue")
    manager.get_by_test_id("approve-chosen").click()
    expect(manager.get_by_text("Nothing waits for your review.")).to_be_visible()

    dashboard = new_page(DESKTOP)                   # the project's spend, watched live by a second finance screen
    log_in(dashboard, "finance")
    expect(dashboard.get_by_test_id("greeting")).to_be_visible()
    dashboard.goto(f"/studio/project?id={project_id}")
    dashboard.get_by_role("tab", name="Dashboard").click()
    expect(dashboard.get_by_test_id("tile-committed")).not_to_have_text("")
    settled, paid = dashboard.get_by_test_id("tile-settled"), dashboard.get_by_test_id("tile-paid")
    expect(settled).not_to_have_text("")
    settled_before, paid_before = settled.inner_text(), paid.inner_text()

    finance.reload()
    expect(finance.get_by_role("heading", name="Purchase orders")).to_be_visible()
    _open_po(finance, number)
    expect(finance.get_by_test_id("settleable")).to_contain_text("40 tasks approved at QC2")
    finance.get_by_role("button", name="Settle the approved work").click()
    row = finance.get_by_role("row").filter(has_text=number).filter(has_text="ST-")
    expect(row).to_contain_text("7,200 EUR")
    expect(row.get_by_role("cell").nth(3)).to_have_text("40")
    expect(settled).not_to_have_text(settled_before)             # moved without a reload
    with finance.expect_download() as download:
        row.get_by_role("button", name="Statement as PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    row.get_by_role("button", name="Record payment").click()
    expect(row).to_contain_text("Paid on")
    shot(finance, "subcontracting-settled-and-paid")
    expect(paid).not_to_have_text(paid_before)
    shot(dashboard, "subcontracting-project-spend")
