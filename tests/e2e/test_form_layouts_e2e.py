"""Form layouts in headless Chromium: an admin drags the product form's Description onto Code (HTML5 drag and
drop, assets/form_layout_drag.js), the preview follows, the layout is saved, and the product dialog shows the
fields in the new order."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from models.base import utcnow
from tests.e2e.conftest import DESKTOP, log_in, shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def default_layout_afterwards(app_database_url):
    """Later tests expect the product form's default layout: drop the saved one."""
    yield
    from sqlmodel import Session, select

    import services.master.products  # noqa: F401  (registers the product form with form_layouts)
    from models.form_layouts import FormLayout
    from services.config import form_layouts
    from services.core.db import make_engine, transaction
    from services.org.organizations import system_actor
    engine = make_engine(app_database_url)
    with Session(engine) as session, transaction(session):
        for row in session.exec(select(FormLayout)).all():
            form_layouts.reset_layout(session, system_actor(session, row.organization_id), row.entity_type, now=utcnow())
    engine.dispose()


def test_admin_drags_a_field_and_the_product_form_follows(new_page, default_layout_afterwards):
    page = new_page(DESKTOP)
    log_in(page, "admin")
    expect(page.get_by_test_id("greeting")).to_be_visible()
    page.goto("/admin/form-layouts")
    fields = page.get_by_test_id("layout-field")
    expect(fields.first).to_contain_text("code")
    fields.filter(has_text="description").drag_to(fields.first)
    expect(fields.first).to_contain_text("description")
    preview = page.get_by_test_id("layout-preview")
    expect(preview.get_by_text("Description", exact=True)).to_be_visible()
    page.get_by_role("button", name="Save layout").click()
    expect(page.get_by_text("Own layout")).to_be_visible()
    shot(page, "form-layouts-desktop")

    page.goto("/master/products")
    page.get_by_role("button", name="New product").click()
    dialog = page.get_by_role("dialog")
    labels = dialog.get_by_test_id("layout-slot").locator("label")
    expect(labels.first).to_have_text("Description")
    expect(labels.nth(1)).to_have_text("Code")
