"""The configuration engine in headless Chromium: an admin adds a required number field to
products and a planner's product form refuses a value out of range, then saves it; the unread
badge of one tab clears, without a reload, when another tab of the same person marks all read."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from models.base import utcnow
from tests.e2e.conftest import DESKTOP, log_in, shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def retire_weight_afterwards(app_database_url):
    """The required field this test adds would hold up every later test's product form: retire it."""
    yield
    from sqlmodel import Session, select

    from models.config import CustomFieldDefinition
    from services.config import custom_fields
    from services.core.db import make_engine, transaction
    from services.org.organizations import system_actor
    engine = make_engine(app_database_url)
    with Session(engine) as session, transaction(session):
        for field in session.exec(select(CustomFieldDefinition).where(CustomFieldDefinition.entity_type == "product",
                                                                      CustomFieldDefinition.key == "weight")).all():
            custom_fields.set_definition_active(session, system_actor(session, field.organization_id), field.id, False, now=utcnow())
    engine.dispose()


def test_admin_adds_a_custom_field_and_the_product_form_checks_it(new_page, retire_weight_afterwards):
    page = new_page(DESKTOP)
    log_in(page, "admin")
    expect(page.get_by_test_id("greeting")).to_be_visible()
    page.goto("/admin/custom-fields")
    expect(page.get_by_role("heading", name="Custom fields", exact=True)).to_be_visible()
    expect(page.get_by_test_id("custom-field-row").filter(has_text="Drawing number")).to_be_visible()
    page.get_by_role("button", name="New custom field").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Key").fill("weight")
    dialog.get_by_label("Type").select_option(label="Number")
    dialog.get_by_label("Label").fill("Weight")
    dialog.get_by_label("Unit").fill("kg")
    dialog.get_by_label("Minimum").fill("0")
    dialog.get_by_label("Maximum").fill("100")
    dialog.get_by_text("Required", exact=True).click()
    dialog.get_by_role("button", name="Save custom field").click()
    try:
        expect(page.get_by_role("dialog")).to_have_count(0)
    except AssertionError:
        shot(page, "config-custom-field-dialog-failed")
        raise AssertionError(dialog.inner_text()) from None
    expect(page.get_by_test_id("custom-field-row").filter(has_text="Weight")).to_contain_text("0 – 100 kg")
    shot(page, "config-custom-fields-desktop")

    page.goto("/master/products")
    expect(page.get_by_role("heading", name="Products", exact=True)).to_be_visible()
    page.get_by_role("button", name="New product").click()
    form = page.get_by_role("dialog")
    form.get_by_label("Code").fill("E2E-HEAVY")
    form.get_by_label("Name", exact=True).fill("Heavy plate")
    form.locator("input[name='custom.weight']").fill("500")
    form.get_by_role("button", name="Save product").click()
    expect(form.get_by_text("Must be at most 100 kg.")).to_be_visible()
    form.locator("input[name='custom.weight']").fill("42.5")
    form.locator("input[name='custom.drawing_number']").fill("DRW-42")
    form.get_by_role("button", name="Save product").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.get_by_test_id("search").fill("e2e-heavy")
    row = page.get_by_test_id("product-row").filter(has_text="E2E-HEAVY")
    expect(row).to_contain_text("Drawing number: DRW-42 · Weight: 42.5 kg")


def test_the_unread_badge_follows_another_tab(new_page):
    first = new_page(DESKTOP)
    log_in(first, "quality")
    expect(first.get_by_test_id("greeting")).to_be_visible()
    badge = first.get_by_test_id("bell").get_by_test_id("unread-badge")
    expect(badge).to_have_text(re.compile(r"^[1-9][0-9]*$"))  # the demo's welcome and SPC alerts
    second = first.context.new_page()
    second.goto("/notifications")
    expect(second.get_by_test_id("notification").filter(has_text="Welcome to Takt")).to_be_visible()
    second.get_by_test_id("mark-all-read").click()
    expect(second.get_by_text("Nothing here", exact=False)).to_have_count(0)
    expect(badge).to_have_count(0)                       # the first tab, not reloaded
    shot(second, "config-notifications-desktop")
