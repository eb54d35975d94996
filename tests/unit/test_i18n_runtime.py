"""Languages at run time: which language a person gets, `_()` inside and outside a person's context, the
browser-side lookup a page compiles to, and the services that store a person's and an organization's
language."""
from __future__ import annotations

import asyncio
import pickle

import pytest
import reflex as rx
from sqlmodel import select

from models.audit import AuditEntry
from models.org_settings import OrganizationSettings
from models.user import User
from rxapp.i18n import Text, _, catalog, language, ngettext, use_language
from rxapp.i18n_client import serve_in_tab_language
from rxapp.state.language import LanguageState
from services.core.db import transaction
from services.core.errors import Invalid
from services.core.languages import choose, negotiate, normalize
from services.org import events as org_events
from services.org.languages import set_my_language
from services.org.profile import get_profile
from tests.factories.catalogs import write_catalog
from tests.factories.org import World

JA = {"Log in": "ログイン", "Some fields are not valid.": "入力内容に誤りがあります。", "{n} jobs": "{n} 件のジョブ"}


@pytest.fixture
def ja_catalog(tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_LOCALE_PATH", str(write_catalog(tmp_path, "ja", JA)))


@pytest.mark.parametrize("header, expected", [
    ("ja-JP,ja;q=0.9,en;q=0.8", "ja"), ("ko-KR", "ko"), ("fr-FR, en;q=0.5, ko;q=0.7", "ko"),
    ("de, fr", None), ("", None), (None, None), ("ja;q=0, en;q=0.1", "en"), ("ja;q=bad, ko", "ko"),
])
def test_the_browser_language_is_the_supported_one_it_prefers_most(header, expected):
    assert negotiate(header) == expected


def test_a_person_gets_their_own_then_the_organizations_then_the_browsers_then_the_deployments(monkeypatch):
    monkeypatch.delenv("TAKT_LANGUAGE", raising=False)
    assert choose("ko", "ja", "en") == "ko"
    assert choose(None, "ja", "ko-KR") == "ja"
    assert choose("", None, "ko-KR,ja;q=0.5") == "ko"
    assert choose(None, None, "de") == "en"
    monkeypatch.setenv("TAKT_LANGUAGE", "ja_JP")
    assert choose(None, None, None) == "ja" and normalize("xx") is None


def test_inside_a_persons_context_underscore_answers_a_plain_str_in_their_language(ja_catalog):
    with use_language("ja"):
        assert _("Log in") == "ログイン" and type(_("Log in")) is str and language() == "ja"
        assert _("Not in the catalog") == "Not in the catalog"
        assert ngettext("{n} job", "{n} jobs", 3) == "{n} jobs"
    with use_language("ko"):                  # the override path has no ko: Takt's own ko catalog answers
        assert _("Log in") == catalog("ko").messages.get("Log in", "Log in")
        assert _("Not in the catalog") == "Not in the catalog"
    assert language() == "en"


def test_outside_a_context_underscore_answers_a_text_that_remembers_its_id(ja_catalog, monkeypatch):
    text = _("Log in")
    assert isinstance(text, Text) and text == "Log in" and text.msgid == "Log in"
    assert f"{text}!" == "Log in!" and {text: 1}["Log in"] == 1
    assert pickle.loads(pickle.dumps(text)).msgid == "Log in"
    monkeypatch.setenv("TAKT_LANGUAGE", "ja")
    assert _("Log in") == "ログイン" and _("Log in").msgid == "Log in"


def test_the_catalog_follows_its_file_and_the_override_path_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_LOCALE_PATH", str(write_catalog(tmp_path, "ko", {"Log in": "로그인"})))
    assert catalog("ko").messages["Log in"] == "로그인"
    write_catalog(tmp_path, "ko", {"Log in": "로그인하기"})
    assert catalog("ko").messages["Log in"] == "로그인하기"


def _lookup(msgid: str, fallback: str) -> str:
    return f'takt_tr({LanguageState.lang!s}, "{msgid}", "{fallback}")'


def test_a_text_in_a_page_compiles_to_a_lookup_in_the_tabs_language():
    page = str(rx.box(rx.text(_("Log in")), rx.input(placeholder=_("Username")),
                      rx.text(_("{n} jobs").format(n=LanguageState.lang))))
    assert _lookup("Log in", "Log in") in page and _lookup("Username", "Username") in page
    assert "fill((typeof takt_tr" in page and f'{{"n": {LanguageState.lang!s}}}' in page
    hooks = rx.box(rx.text(_("Log in")))._get_all_hooks()
    assert "const takt_tr = useTaktCatalogs();" in hooks
    assert _("{n} jobs").format(n=3) == "3 jobs"


def test_a_text_in_an_attribute_reflex_gives_no_hook_still_renders():
    """aria-* and data-* values get no hooks from Reflex: the lookup must not need `takt_tr` to exist."""
    nav = rx.el.nav("x", aria_label=_("Main"))
    rendered = str(nav)
    assert 'typeof takt_tr === "function"' in rendered and 'window.takt_i18n.t("Main", "Main")' in rendered


def test_each_event_runs_in_its_tabs_language(ja_catalog):
    root = rx.State(_reflex_internal_init=True)

    async def run() -> str:
        tab = await root.get_state(LanguageState)
        tab.lang = "ja"
        await serve_in_tab_language(root)
        return _("Log in")
    assert asyncio.run(run()) == "ログイン"


def test_a_person_sets_and_clears_their_own_language(session, now, captured_events):
    world = World(session)
    with transaction(session):
        assert set_my_language(session, world.actor(world.operator1), "ja", now=now) == "ja"
    assert session.get(User, world.operator1).language == "ja"
    assert [type(e) for e in captured_events][-1] is org_events.UserLanguageChanged
    with transaction(session):
        assert set_my_language(session, world.actor(world.operator1), "", now=now) is None
    assert session.get(User, world.operator1).language is None
    actions = session.exec(select(AuditEntry.action).where(AuditEntry.entity_id == str(world.operator1))).all()
    assert actions.count("set_language") == 2


@pytest.mark.parametrize("bad", ["fr", "ja-JP", "日本語"])
def test_a_language_takt_does_not_speak_is_refused_with_a_field_message(session, now, bad):
    world = World(session)
    with pytest.raises(Invalid) as refused:
        set_my_language(session, world.actor(world.operator1), bad, now=now)
    assert "language" in refused.value.fields


def test_the_profile_carries_the_persons_and_the_organizations_language(session, now):
    world = World(session)
    operator = world.actor(world.operator1)
    profile = get_profile(session, operator)
    assert profile.language is None and profile.organization_language is None    # no settings: the browser decides
    with transaction(session):
        session.add(OrganizationSettings(organization_id=world.org_a, language="ko"))
        set_my_language(session, operator, "ja", now=now)
    profile = get_profile(session, operator)
    assert (profile.language, profile.organization_language) == ("ja", "ko")
    assert choose(profile.language, profile.organization_language, "en-US") == "ja"
