"""Finance in a real browser: the finance user sets up the ledger, computes a withholding tax with the
calculator and sees the standard cost of a demo product. Screenshots go to test-results/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, log_in, shot

pytestmark = pytest.mark.e2e


def test_finance_user_sets_up_the_ledger_and_reads_costs(new_page):
    page = new_page(DESKTOP)
    log_in(page, "finance")
    expect(page.get_by_test_id("greeting")).to_be_visible()
    page.goto("/finance")
    expect(page.get_by_role("heading", name="Finance")).to_be_visible()
    setup = page.get_by_role("button", name="Set up the ledger")
    if setup.count():
        setup.click()
        expect(page.get_by_text("Chart of accounts and this year's periods are ready.")).to_be_visible()
    expect(page.get_by_test_id("tb-totals")).to_be_visible()
    page.get_by_role("tab", name="Standard cost").click()
    page.get_by_label("Product", exact=True).select_option(index=1)
    expect(page.get_by_test_id("cost-rollup")).to_contain_text("Standard unit cost")
    shot(page, "finance-standard-cost")
    page.get_by_role("tab", name="Tax rules").click()
    page.get_by_label("Rule code").fill("NO-SUCH-RULE")
    page.get_by_label("Amount").fill("100")
    page.get_by_role("button", name="Compute").click()
    expect(page.get_by_text("No tax rule NO-SUCH-RULE is in force")).to_be_visible()
    shot(page, "finance-tax-calculator")
