"""The built app under its Content-Security-Policy (rxapp/api/security.py) in Chromium: pages load, sign
in, draw charts, scan with sound (the camera's WebAssembly decoder: test_scanning_e2e.py), and the browser reports no CSP violation
(console messages and `securitypolicyviolation` events) on any of them."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, log_in

pytestmark = pytest.mark.e2e

WATCH = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"""
PAGES = ["/", "/dashboard", "/orders", "/schedule", "/trace", "/quality/spc", "/admin/users", "/admin/api-tokens"]


def watched(new_page, viewport):
    page = new_page(viewport)
    page.add_init_script(WATCH)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    return page, console


def csp_problems(page, console: list[str]) -> list[str]:
    return [m for m in console if "Content Security Policy" in m] + page.evaluate("window.__cspViolations || []")


def test_pages_load_under_the_policy_without_violations(new_page):
    page, console = watched(new_page, DESKTOP)
    headers = page.request.get("/login").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "'unsafe-inline'" not in headers["content-security-policy"].split("script-src")[1].split(";")[0]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    log_in(page, "admin")
    expect(page.get_by_test_id("greeting")).to_be_visible()
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        expect(page.locator("h1").first).to_be_visible()
        assert not csp_problems(page, console), f"{path}: {csp_problems(page, console)}"


def test_the_scan_station_beeps_under_the_policy(new_page):
    page, console = watched(new_page, PHONE)
    log_in(page, "operator")
    expect(page.get_by_test_id("greeting")).to_be_visible()
    page.goto("/scan")
    expect(page.get_by_role("heading", name="Scanning station")).to_be_visible()
    page.locator("#scan-input").fill("NOT-A-CODE")
    page.locator("#scan-input").press("Enter")
    expect(page.get_by_test_id("scan-answer")).to_have_attribute("data-result", "error")
    page.wait_for_function("() => (window.taktScanSounds || []).length === 1")
    assert page.evaluate("window.taktScanSounds") == ["error"]
    assert not csp_problems(page, console), csp_problems(page, console)
