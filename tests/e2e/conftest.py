"""The real app in headless Chromium.

One server per test session: a fresh SQLite database (migrated and seeded with the demo data),
then `reflex run --env prod` on a free port, frontend and backend on that one port. The frontend is
built in a temporary web directory and the state files go to a temporary folder, so the run never
touches the checkout's `.web` (someone may be running the app from it). The process group is
killed at the end. Browsers: Debian's chromium through Playwright (never `playwright install`).
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories.catalogs import E2E_JA, write_catalog

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
START_TIMEOUT = float(os.environ.get("TAKT_E2E_START_TIMEOUT", "600"))
DEMO_PASSWORD = "Takt-demo-2026"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except Exception:
        return 0, ""


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _environment(workdir: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TAKT_DEMO_HISTORY_DAYS", None)        # the browser tests see the demo's whole history
    env.update({
        "PATH": f"{ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}"
                f"{env.get('PATH', '')}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "TAKT_DEMO": "1",                      # the browser tests run on the demo data
        "DATABASE_URL": f"sqlite:///{workdir / 'e2e.db'}",
        "REFLEX_WEB_WORKDIR": str(workdir / ".web"),
        "REFLEX_STATES_WORKDIR": str(workdir / ".states"),
        "TAKT_PORT": str(port),
        "PYTHONUNBUFFERED": "1",
        "TAKT_LOCALE_PATH": str(write_catalog(workdir / "locale", "ja", E2E_JA)),   # read before rxapp/locale
    })
    env.pop("TAKT_DEV", None)
    env.pop("REFLEX_REDIS_URL", None)
    return env


@pytest.fixture(autouse=True)
def demo_mode(monkeypatch):
    """The browser tests run on the demo data in demo mode: the server gets TAKT_DEMO=1 (`_environment`),
    and so does this process, where tests prepare data through the services as the demo's people
    (outside demo mode their published password may not write: services/org/demo_users.py)."""
    monkeypatch.setenv("TAKT_DEMO", "1")


@pytest.fixture(scope="session")
def app_workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e2e-app")


@pytest.fixture(scope="session")
def app_database_url(app_workdir) -> str:
    """The e2e server's database, for tests that prepare data through the services."""
    return os.environ.get("TAKT_E2E_DATABASE_URL") or f"sqlite:///{app_workdir / 'e2e.db'}"


@pytest.fixture(scope="session")
def app_url(app_workdir) -> str:
    """The app served for the browser tests. While working on one test, TAKT_E2E_URL and TAKT_E2E_DATABASE_URL
    name a server already running in the same set-up (see `_environment`), to skip the build of each run."""
    RESULTS.mkdir(exist_ok=True)
    if os.environ.get("TAKT_E2E_URL"):
        yield os.environ["TAKT_E2E_URL"]
        return
    workdir = app_workdir
    port = _free_port()
    env = _environment(workdir, port)
    takt = str(Path(sys.executable).parent / "takt")
    for command in ("migrate", "seed-demo"):
        subprocess.run([takt, command], cwd=ROOT, env=env, check=True, capture_output=True,
                       timeout=START_TIMEOUT)      # seeding a loaded machine takes minutes too
    log_path = RESULTS / "e2e-server.log"
    log = open(log_path, "w")  # noqa: SIM115 (the server writes to it until the finally below closes it)
    started = time.monotonic()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "reflex"), "run", "--env", "prod", "--frontend-port", str(port),
         "--backend-port", str(port), "--loglevel", "info"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if server.poll() is not None:
                pytest.fail(f"reflex run exited with {server.returncode}:\n{_tail(log_path)}")
            if time.monotonic() - started > START_TIMEOUT:
                pytest.fail(f"the app did not start within {START_TIMEOUT:.0f} s:\n{_tail(log_path)}")
            ping, _ = _get(f"{url}/ping")
            page, html = _get(f"{url}/login/")
            if ping == 200 and page == 200 and "<html" in html.lower():
                break
            time.sleep(1)
        (RESULTS / "e2e-startup-seconds.txt").write_text(f"{time.monotonic() - started:.1f}\n")
        yield url
    finally:
        _stop(server)
        log.close()


def _stop(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    expect.set_options(timeout=20_000)           # a cold server answers its first events slowly
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, app_url):
    """`new_page(viewport)`: a page in a fresh browser context (its own localStorage: one person)."""
    contexts = []

    def make(viewport: dict = DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=app_url)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()
    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


# ----- operator steps shared by the shop-floor and live tests ------------------------------------

def open_machine(page, code: str, *, screenshot: str = "") -> None:
    log_in(page, "operator")
    page.get_by_test_id("home-operator").click()
    page.wait_for_url(re.compile(r"/operator/?$"))
    expect(page.get_by_role("heading", name="Your machines")).to_be_visible()
    expect(page.get_by_test_id("machine-tile").filter(has_text=code)).to_be_visible()
    if screenshot:
        shot(page, screenshot)
    page.get_by_label("Machine code").fill(f"TAKT:MACHINE:{code}")
    page.get_by_label("Machine code").press("Enter")
    page.wait_for_url(re.compile(r"/operator/machine/?\?id=\d+"))
    expect(page.get_by_role("heading", name=code)).to_be_visible()


def start_the_job(page) -> None:
    page.get_by_test_id("queued-job").get_by_role("button", name="Start").click()
    expect(page.get_by_test_id("current-job").get_by_test_id("status-running")).to_be_visible()
    expect(page.get_by_test_id("machine-state-running")).to_be_visible()
