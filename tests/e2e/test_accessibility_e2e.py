"""Accessibility of every page in a real browser, checked by axe-core (the engine of Lighthouse and of browser
accessibility tools; installed from npm into .tools/ by .ci/ensure-bun): each navigation page as the admin on a
desktop, the operator's pages on a phone, and the log-in page. A page fails on any violation of WCAG 2.0/2.1 A or
AA rules that axe rates serious or critical (missing names of buttons and fields, contrast, broken ARIA ...);
the report names the page, the rule and the first elements. The full result per page goes to test-results/."""
from __future__ import annotations

import json

import pytest

from rxapp import routes
from services.core.access import ROLE_PERMISSIONS, Role
from tests.e2e.conftest import DESKTOP, PHONE, RESULTS, ROOT, log_in

pytestmark = pytest.mark.e2e

AXE = ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def _paths(role: Role) -> list[str]:
    have = {p.value for p in ROLE_PERMISSIONS[role]}
    return [item.path for item in routes.NAV if item.allowed(have)]


def _audit(page, path: str, who: str) -> list[str]:
    """axe's serious and critical violations on `path`, one line each (a contrast failure with its colours)."""
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.locator("h1").first.wait_for(state="visible")
    page.wait_for_timeout(300)                               # the first state delta paints
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    RESULTS.mkdir(exist_ok=True)
    name = path.strip("/").replace("/", "_") or "home"
    (RESULTS / f"axe-{who}-{name}.json").write_text(json.dumps(result["violations"], indent=1))
    return [f"{path}: {v['id']} ({v['impact']}) {v['help']} at "
            + "; ".join(", ".join(n["target"]) + " " + n.get("failureSummary", "").split("\n")[1][:90]
                        for n in v["nodes"][:3])
            for v in result["violations"] if v["impact"] in BLOCKING]


def test_axe_core_is_installed():
    assert AXE.is_file(), "run .ci/ensure-bun (it installs axe-core into .tools/)"


@pytest.fixture
def audited_page(browser, app_url):
    """`audited_page(viewport)`: a page whose context may inject axe (the app's Content-Security-Policy allows
    no inline script, rightly; the test bypasses it for axe alone)."""
    contexts = []

    def make(viewport: dict):
        context = browser.new_context(viewport=viewport, base_url=app_url, bypass_csp=True)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()
    yield make
    for context in contexts:
        context.close()


def test_every_admin_page_on_a_desktop_passes_axe(audited_page):
    page = audited_page(DESKTOP)
    problems = _audit(page, routes.LOGIN, "admin")
    log_in(page, "admin")
    page.get_by_test_id("greeting").wait_for()
    for path in [routes.HOME, *_paths(Role.ADMIN)]:
        problems += _audit(page, path, "admin")
    assert not problems, "\n".join(problems)


def test_the_operator_pages_on_a_phone_pass_axe(audited_page):
    page = audited_page(PHONE)
    log_in(page, "operator")
    page.get_by_test_id("greeting").wait_for()
    problems = []
    for path in [routes.HOME, *_paths(Role.OPERATOR)]:
        problems += _audit(page, path, "operator")
    assert not problems, "\n".join(problems)



# Pages reached from a list (an NCR, a ticket, a document ...), each opened on the demo's first record of its kind.
DETAIL_PAGES = [
    (routes.NCR, "ncr"), (routes.SOP_TICKET, "sop_ticket"), (routes.MAINTENANCE_TICKET, "maintenance_ticket"),
    (routes.MAINTENANCE_MACHINE, "machine"), (routes.DOCUMENT, "document"), (routes.CHANGE_ORDER, "change_order"),
    (routes.STUDIO_PROJECT, "studio_project"), (routes.STUDIO_TASK, "studio_task"), (routes.STUDIO_CUT, "studio_cut"),
    (routes.STUDIO_ASSET, "studio_asset"),
]


def _first_ids(database_url: str) -> dict[str, int]:
    from sqlalchemy import text

    from services.core.db import make_engine
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            # the admin's organization's first record: the demo seeds Globex (the other tenant) early, and its
            # records are refused to Acme's admin (an error state, no page to check)
            org = connection.execute(text("SELECT organization_id FROM app_user WHERE username = 'admin'")).scalar()
            return {table: connection.execute(text(f"SELECT min(id) FROM {table} WHERE organization_id = :org"),  # noqa: S608 (names above)
                                              {"org": org}).scalar()
                    for _path, table in DETAIL_PAGES}
    finally:
        engine.dispose()


def test_the_detail_pages_pass_axe(audited_page, app_database_url):
    ids = _first_ids(app_database_url)
    missing = [table for table, found in ids.items() if found is None]
    assert not missing, f"the demo has no {missing}: these pages would go unchecked"
    page = audited_page(DESKTOP)
    log_in(page, "admin")
    page.get_by_test_id("greeting").wait_for()
    problems = []
    for path, table in DETAIL_PAGES:
        if ids[table] is not None:
            problems += _audit(page, f"{path}?id={ids[table]}", "admin")
    page = audited_page(PHONE)
    log_in(page, "operator")
    page.get_by_test_id("greeting").wait_for()
    problems += _audit(page, f"{routes.OPERATOR_MACHINE}?id={ids['machine']}", "operator")
    assert not problems, "\n".join(problems)
