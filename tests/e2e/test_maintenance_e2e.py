"""Maintenance in a real browser, three people at once: an operator on a phone reports a breakdown of a machine
with a photo; a technician on another phone takes the ticket from "My tickets" (not taken yet), starts it and
marks it done; the manager's maintenance dashboard (desktop) shows the ticket appear, move and leave the open
list, and the 30-day breakdown count rise, without a reload (events -> live hub -> LiveMaintenanceState). The
database then holds the ticket closed by the technician, with the photo's bytes."""
from __future__ import annotations

import re
import struct
import zlib

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from models.maintenance import MaintenanceAttachment, MaintenanceTicket
from models.user import User
from services.core.db import make_engine
from tests.e2e.conftest import DESKTOP, PHONE, log_in, shot
from tests.factories.e2e import seed_job

pytestmark = pytest.mark.e2e


def png(width: int = 8, height: int = 8) -> bytes:
    """A small valid PNG (an orange square), as a phone camera would hand over an image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xd9\x77\x06" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def stored(database_url: str, number: str) -> tuple[MaintenanceTicket, list[MaintenanceAttachment], str]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as s:
            ticket = s.exec(select(MaintenanceTicket).where(MaintenanceTicket.number == number)).one()
            photos = list(s.exec(select(MaintenanceAttachment).where(MaintenanceAttachment.ticket_id == ticket.id)))
            assignee = s.get(User, ticket.assignee_id).username if ticket.assignee_id else ""
            return ticket, photos, assignee
    finally:
        engine.dispose()


def open_from_menu(page, label: str) -> None:
    """A phone's way in: the menu button, then the drawer's link."""
    page.get_by_test_id("menu-button").click()
    page.get_by_test_id("drawer").get_by_role("link", name=label, exact=True).click()


def breakdowns_figure(dashboard):
    """The 30-day breakdown count on the dashboard's tile (the tile whose label is "Breakdowns")."""
    return dashboard.get_by_test_id("maintenance-tile").filter(has_text=re.compile(r"^Breakdowns")).get_by_role(
        "heading")


def test_a_breakdown_reported_on_a_phone_is_repaired_on_another_while_the_dashboard_follows(new_page,
                                                                                            app_database_url):
    seeded = seed_job(app_database_url, "E2E-MAINT-1")
    image = png()

    manager = new_page(DESKTOP)
    log_in(manager, "manager")
    expect(manager.get_by_test_id("home-org")).to_be_visible()
    manager.get_by_test_id("sidebar").get_by_role("link", name="Maintenance dashboard", exact=True).click()
    manager.wait_for_url(re.compile(r"/maintenance/?$"))
    expect(manager.get_by_test_id("maintenance-tile").first).to_be_visible()
    rows = manager.get_by_test_id("board-row").filter(has_text=seeded.code)
    expect(rows).to_have_count(0)
    before = int(breakdowns_figure(manager).inner_text())

    operator = new_page(PHONE)
    log_in(operator, "operator")
    expect(operator.get_by_test_id("home-org")).to_be_visible()
    open_from_menu(operator, "Report a breakdown")
    expect(operator.get_by_role("heading", name="Report a breakdown")).to_be_visible()
    operator.get_by_label("Machine", exact=True).select_option(str(seeded.machine_id))
    operator.get_by_label("Title", exact=True).fill("Spindle stops with an alarm")      # the form layout's labels
    operator.get_by_label("Description", exact=True).fill("Alarm 1042 after a few parts.")
    operator.get_by_test_id("report-photo").locator("input[type=file]").set_input_files(
        files=[{"name": "breakdown.png", "mimeType": "image/png", "buffer": image}])
    expect(operator.get_by_test_id("report-photos")).to_contain_text("breakdown.png")
    assert operator.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    shot(operator, "maintenance-report-phone")
    operator.get_by_test_id("report-submit").click()
    expect(operator.get_by_test_id("report-done")).to_contain_text(re.compile(r"MT-\d+"))
    number = re.search(r"MT-\d+", operator.get_by_test_id("report-done").inner_text()).group(0)

    row = manager.get_by_test_id("board-row").filter(has_text=number)
    expect(row).to_contain_text(seeded.code)                       # without a reload
    expect(row).to_contain_text("Open")
    expect(breakdowns_figure(manager)).to_have_text(str(before + 1))

    technician = new_page(PHONE)
    log_in(technician, "maintenance")
    expect(technician.get_by_test_id("home-org")).to_be_visible()
    open_from_menu(technician, "My tickets")
    card = technician.get_by_test_id("to-take").get_by_test_id("my-ticket").filter(has_text=number)
    expect(card).to_contain_text("Spindle stops with an alarm")
    shot(technician, "maintenance-to-take-phone")
    card.get_by_role("button", name="Accept").click()

    mine = technician.get_by_test_id("my-ticket").filter(has_text=number)
    expect(technician.get_by_test_id("to-take").get_by_test_id("my-ticket").filter(has_text=number)).to_have_count(0)
    expect(mine).to_contain_text("Accepted")
    expect(row).to_contain_text("Accepted")
    expect(row).to_contain_text("Mia Maintenance")
    for control in mine.get_by_test_id("my-move").all():
        box = control.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48, control.evaluate("e => e.outerHTML")
    mine.get_by_role("button", name="Start").click()
    expect(mine).to_contain_text("In progress")
    expect(row).to_contain_text("In progress")
    shot(manager, "maintenance-dashboard-in-progress")
    mine.get_by_role("button", name="Done").click()
    expect(mine).to_have_count(0)
    expect(row).to_have_count(0)                                   # closed: off the open list, without a reload
    shot(technician, "maintenance-my-done-phone")

    ticket, photos, assignee = stored(app_database_url, number)
    assert (ticket.machine_id, ticket.kind, ticket.source, ticket.status, ticket.is_closed) == (
        seeded.machine_id, "corrective", "operator", "done", True)
    assert assignee == "maintenance"
    assert [(p.filename, p.content_type, bytes(p.data)) for p in photos] == [("breakdown.png", "image/png", image)]
