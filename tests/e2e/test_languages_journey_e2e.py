"""Two people, two languages, one server, in headless Chromium: a Korean operator runs a job on a phone
(start, report good and scrap, pause, resume, complete) entirely in Korean while a Japanese manager's
dashboard in another browser is in Japanese and follows the operator's report without a reload.

"Entirely" is checked, not eyeballed: after every step, no visible text, label or placeholder of the page may
be an English message of the catalogs that has a Korean (or Japanese) translation, whether the page printed
the message whole or with its placeholders filled (`untranslated_texts`). Names that are data (machines,
products, reason codes) are not messages and are skipped. Languages come from the people's accounts
(`app_user.language`), as a person's own setting does."""
from __future__ import annotations

import re
import secrets
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from models.base import utcnow
from models.catalog import Product
from models.resources import Machine, ReasonCode, ReasonKind
from models.user import User
from services.core.db import make_engine, transaction
from services.org.auth import actor_for_user
from services.org.languages import set_my_language
from tests.e2e.conftest import DESKTOP, PHONE, log_in, shot
from tests.factories.e2e import seed_job

pytestmark = pytest.mark.e2e

LOCALE = Path(__file__).resolve().parents[2] / "rxapp" / "locale"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sd]|%[sd]")


@cache
def catalog(lang: str) -> dict[str, str]:
    """English message id -> its translation in `lang` (singular messages with a translation only)."""
    with open(LOCALE / lang / "LC_MESSAGES" / "takt.po", "rb") as f:
        po = read_po(f)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string}


def tr(lang: str, msgid: str) -> str:
    text = catalog(lang)[msgid]                 # a KeyError here means the catalog lacks the message
    assert text != msgid, f"{msgid!r} is not translated into {lang}"
    return text


@cache
def english_patterns(lang: str) -> tuple[set[str], list[re.Pattern[str]]]:
    """The English messages a page in `lang` must not show: whole ids, and ids with placeholders as patterns.
    Ids without a word of three letters ("OK", "%", "·") and ids the language writes the same are left out."""
    whole: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for msgid, text in catalog(lang).items():
        if text.strip() == msgid.strip() or not re.search(r"[A-Za-z]{3,}", _PLACEHOLDER.sub("", msgid)):
            continue
        if _PLACEHOLDER.search(msgid):
            parts = _PLACEHOLDER.split(msgid)
            if sum(len(p.strip()) for p in parts) >= 6:
                patterns.append(re.compile(".+?".join(re.escape(p) for p in parts)))
        else:
            whole.add(msgid.strip())
    return whole, patterns


_VISIBLE_TEXTS = """() => {
  const seen = [];
  const visible = (el) => el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(parent.tagName)) continue;
    if (visible(parent) && node.textContent.trim()) seen.push(node.textContent.trim());
  }
  const whole = [];
  document.querySelectorAll('body *').forEach((el) => {
    if (!visible(el)) return;
    for (const attr of ['aria-label', 'placeholder', 'title']) {
      const v = el.getAttribute(attr);
      if (v && v.trim()) seen.push(v.trim());
    }
    if (['BUTTON', 'A', 'LABEL', 'H1', 'H2', 'H3', 'TH'].includes(el.tagName) && el.innerText.trim()) {
      whole.push(el.innerText.trim().replace(/\\s+/g, ' '));
    }
  });
  return seen.concat(whole);
}"""


def untranslated_texts(page: Page, lang: str, data_names: set[str]) -> list[str]:
    whole, patterns = english_patterns(lang)
    found = []
    for text in page.evaluate(_VISIBLE_TEXTS):
        if text in data_names:
            continue
        if text in whole or any(p.fullmatch(text) for p in patterns):
            found.append(text)
    return sorted(set(found))


def assert_all_in(page: Page, lang: str, data_names: set[str], step: str) -> None:
    page.wait_for_timeout(300)                  # let a re-render that follows a server delta finish
    left = untranslated_texts(page, lang, data_names)
    shot(page, f"languages-journey-{lang}-{step}")
    assert not left, f"English on the {lang} page at step {step!r}: {left}"


def data_names(database_url: str) -> set[str]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as s:
            names = set(s.exec(select(ReasonCode.name)).all()) | set(s.exec(select(Machine.name)).all())
            names |= set(s.exec(select(Product.name)).all()) | set(s.exec(select(User.full_name)).all())
            return {n for n in names if n}
    finally:
        engine.dispose()


def reason_id(database_url: str, kind: ReasonKind, code: str) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as s:
            return s.exec(select(ReasonCode.id).where(ReasonCode.kind == kind, ReasonCode.code == code)).one()
    finally:
        engine.dispose()


def set_languages(database_url: str, languages: dict[str, str | None]) -> None:
    engine = make_engine(database_url)
    try:
        with Session(engine) as s, transaction(s):
            for username, lang in languages.items():
                user = s.exec(select(User).where(User.username == username)).one()
                set_my_language(s, actor_for_user(s, user), lang, now=utcnow())
    finally:
        engine.dispose()


@pytest.fixture
def korean_operator_japanese_manager(app_database_url):
    set_languages(app_database_url, {"operator": "ko", "manager": "ja"})
    yield
    set_languages(app_database_url, {"operator": None, "manager": None})   # later tests see the demo in English


def test_a_korean_operator_runs_a_job_while_a_japanese_manager_watches(new_page, app_database_url,
                                                                         korean_operator_japanese_manager):
    seeded = seed_job(app_database_url, "E2E-KO-" + secrets.token_hex(2).upper())   # unique on a reused server
    names = data_names(app_database_url)
    dim = reason_id(app_database_url, ReasonKind.SCRAP, "DIM")
    wait_mat = reason_id(app_database_url, ReasonKind.PAUSE, "WAIT-MAT")
    ko = lambda msgid: tr("ko", msgid)          # noqa: E731
    ja = lambda msgid: tr("ja", msgid)          # noqa: E731

    manager = new_page(DESKTOP)
    log_in(manager, "manager")
    expect(manager.get_by_test_id("sidebar").get_by_role("link", name=ja("Dashboard"), exact=True)).to_be_visible()
    manager.goto("/dashboard")
    quality = manager.get_by_test_id("kpi-quality")
    expect(quality).to_be_visible()
    manager.get_by_test_id("filter-machine_id").click()
    manager.get_by_role("option", name=re.compile(seeded.code)).click()
    expect(quality).to_have_text("–")
    assert_all_in(manager, "ja", names, "dashboard")

    phone = new_page(PHONE)
    log_in(phone, "operator")
    phone.get_by_test_id("home-operator").click()
    phone.wait_for_url(re.compile(r"/operator/?$"))
    expect(phone.get_by_role("heading", name=ko("Your machines"))).to_be_visible()
    assert_all_in(phone, "ko", names, "machines")
    code = phone.get_by_label(ko("Machine code"))
    code.fill(f"TAKT:MACHINE:{seeded.code}")
    code.press("Enter")
    phone.wait_for_url(re.compile(r"/operator/machine/?\?id=\d+"))
    expect(phone.get_by_role("heading", name=seeded.code)).to_be_visible()
    assert_all_in(phone, "ko", names, "machine")

    phone.get_by_test_id("queued-job").get_by_role("button", name=ko("Start")).click()
    job = phone.get_by_test_id("current-job")
    expect(job.get_by_test_id("status-running")).to_be_visible()
    assert_all_in(phone, "ko", names, "started")

    job.get_by_role("button", name=re.compile(r"\+10$")).first.click()
    job.get_by_role("button", name=re.compile(r"\+1$")).nth(1).click()
    job.get_by_label(ko("Scrap reason")).select_option(str(dim))
    job.get_by_role("button", name=ko("Report")).click()
    expect(phone.get_by_test_id("job-counts")).to_have_text(re.compile(
        rf"{re.escape(ko('Good'))}\s*10\s*/\s*20\s*·\s*{re.escape(ko('Scrap'))}\s*1"))
    assert_all_in(phone, "ko", names, "reported")

    expect(quality).to_have_text(re.compile(r"90[.,]9\s?%"))     # 10 good of 11, pushed to the Japanese tab
    assert_all_in(manager, "ja", names, "dashboard-after-report")

    job.get_by_label(ko("Pause reason")).select_option(str(wait_mat))
    job.get_by_role("button", name=ko("Pause")).click()
    expect(job.get_by_test_id("status-paused")).to_be_visible()
    assert_all_in(phone, "ko", names, "paused")
    job.get_by_role("button", name=ko("Resume")).click()
    expect(job.get_by_test_id("status-running")).to_be_visible()

    phone.get_by_test_id("complete-job").click()
    expect(phone.get_by_test_id("complete-question")).to_be_visible()
    assert_all_in(phone, "ko", names, "confirm-complete")
    phone.get_by_test_id("complete-confirm").click()
    expect(phone.get_by_text(ko("No job running. Start one from the queue."))).to_be_visible()
    assert_all_in(phone, "ko", names, "completed")
