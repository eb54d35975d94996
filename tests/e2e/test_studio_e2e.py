"""Studio review in real browsers: an artist on a phone uploads a version, the team lead approves
QC1, the production manager rejects at QC2 with a comment and a stroke drawn on the image (the artist
sees it over the image), the artist reworks, both approve; a
third screen with the project's grid and dashboard open sees every step without reloading."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, RESULTS, log_in, shot
from tests.factories.studio import png_bytes

pytestmark = pytest.mark.e2e


def _frame(name: str, color: str):
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / name
    path.write_bytes(png_bytes(color))
    return path


def _upload(page, path) -> None:
    page.locator("input[type=file]").set_input_files(str(path))
    expect(page.get_by_text(path.name)).to_be_visible()
    page.get_by_test_id("submit-version").click()
    expect(page.get_by_test_id("task-status")).to_have_text("Waiting for review")


def _decide(page, decision: str, comment: str = "") -> None:
    page.get_by_role("radio", name=decision).click()
    if comment:
        page.get_by_label("Comment").fill(comment)
    page.get_by_test_id("save-decision").click()


def _draw(page) -> None:
    """One stroke across the image under review with the mouse (pointer events, as a pen or finger gives)."""
    canvas = page.get_by_test_id("annotate-canvas")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(box["x"] + box["width"] * (0.2 + 0.05 * i), box["y"] + box["height"] * (0.3 + 0.04 * i))
    page.mouse.up()
    expect(page.locator('input[name="annotation"]')).to_have_value(re.compile(r'"strokes":\[\{'))


def _open(page, user: str, viewport_url: str) -> None:
    log_in(page, user)
    expect(page.get_by_test_id("greeting")).to_be_visible()
    page.goto(viewport_url)


def test_artist_lead_and_manager_review_a_cut_while_the_grid_watches(new_page):
    artist = new_page(PHONE)
    _open(artist, "operator", "/studio/my-tasks")
    artist.get_by_test_id("my-task").filter(has_text="To do").first.click()
    expect(artist).to_have_url(re.compile(r"/studio/task\?id=\d+"))
    task_url = artist.url
    heading = artist.get_by_role("heading", level=1).first
    expect(heading).to_contain_text(re.compile(r"C\d{3}"))
    code = re.search(r"C\d{3}", heading.inner_text()).group(0)

    watcher = new_page(DESKTOP)
    _open(watcher, "admin", "/studio/project?id=1")
    cell = watcher.get_by_test_id("grid-row").filter(has_text=code).get_by_test_id("grid-cell").nth(1)
    expect(cell).to_have_text("To do")

    _upload(artist, _frame("studio-v1.png", "steelblue"))
    shot(artist, "studio-artist-submitted-phone")
    expect(cell).to_have_text("Waiting for review")

    lead = new_page(DESKTOP)
    _open(lead, "supervisor", task_url)
    _decide(lead, "approve")
    expect(lead.get_by_test_id("task-status")).to_have_text("In QC2")
    expect(cell).to_have_text("In QC2")

    watcher.get_by_role("tab", name="Dashboard").click()
    rework = watcher.get_by_test_id("tile-rework")
    approved = watcher.get_by_test_id("tile-approved")
    loops_before, approved_before = int(rework.inner_text()), int(approved.inner_text())

    manager = new_page(DESKTOP)
    _open(manager, "manager", task_url)
    _draw(manager)
    _decide(manager, "reject", "Hold the key pose two frames longer")
    expect(manager.get_by_test_id("task-status")).to_have_text("Rework")
    expect(rework).to_have_text(str(loops_before + 1))

    artist.reload()
    expect(artist.get_by_test_id("review").first).to_contain_text("Hold the key pose two frames longer")
    drawing = artist.get_by_test_id("review").first.get_by_test_id("review-drawing")
    expect(drawing.locator("polyline")).to_have_count(1)
    assert len(drawing.locator("polyline").get_attribute("points").split()) >= 5
    shot(artist, "studio-artist-sees-drawing-phone")
    _upload(artist, _frame("studio-v2.png", "seagreen"))
    lead.reload()
    _decide(lead, "approve")
    expect(lead.get_by_test_id("task-status")).to_have_text("In QC2")
    manager.reload()
    _decide(manager, "approve")
    expect(manager.get_by_test_id("task-status")).to_have_text("Approved")
    expect(approved).to_have_text(str(approved_before + 1))
    shot(watcher, "studio-dashboard-desktop")
    watcher.get_by_role("tab", name="Grid").click()
    expect(watcher.get_by_test_id("grid-row").filter(has_text=code).get_by_test_id("grid-cell").nth(1)).to_have_text(
        "Approved")


def _step(page, name: str) -> None:
    page.get_by_label("Step").select_option(label=name)
    expect(page.get_by_role("heading", level=1).first).to_contain_text(name)      # the board of that step is shown


def test_kanban_moves_show_live_and_time_is_logged_on_a_phone(new_page):
    watcher = new_page(DESKTOP)
    _open(watcher, "admin", "/studio/kanban?id=1")
    _step(watcher, "Key animation")
    todo = watcher.get_by_test_id("kanban-column").filter(has_text="To do")
    first = todo.get_by_test_id("kanban-card").first
    expect(first).to_be_visible()
    code = first.get_by_role("link").first.inner_text()

    manager = new_page(DESKTOP)
    _open(manager, "manager", "/studio/kanban?id=1")
    _step(manager, "Key animation")
    card = manager.get_by_test_id("kanban-column").filter(has_text="To do").get_by_test_id("kanban-card").filter(
        has=manager.get_by_role("link", name=code, exact=True))
    card.get_by_label("Move").click()
    manager.get_by_role("menuitem", name="In progress").click()
    moved = watcher.get_by_test_id("kanban-column").filter(has_text="In progress")
    expect(moved.get_by_role("link", name=code, exact=True)).to_be_visible()       # live, no reload
    started = manager.get_by_test_id("kanban-column").filter(has_text="In progress").get_by_test_id(
        "kanban-card").filter(has=manager.get_by_role("link", name=code, exact=True))
    started.get_by_label("Move").click()
    manager.get_by_role("menuitem", name="Waiting for review").click()
    expect(manager.get_by_text(re.compile("Submit a version"))).to_be_visible()
    shot(watcher, "studio-kanban-desktop")

    artist = new_page(PHONE)
    _open(artist, "operator", "/studio/timesheet")
    options = artist.get_by_label("Task").locator("option")
    expect(options.nth(1)).to_be_attached()
    artist.get_by_label("Task").select_option(index=1)
    artist.get_by_label("Time").fill("1:30")
    artist.get_by_test_id("log-time").click()
    expect(artist.get_by_test_id("my-week-total")).to_have_text("1:30")
    expect(artist.get_by_test_id("time-entry")).to_have_count(1)
    shot(artist, "studio-timesheet-phone")
