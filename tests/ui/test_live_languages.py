"""A live view in each tab's language (issue 13): a shared view's labels and texts are computed in the language
of the tabs that watch it, so a Japanese manager's dashboard and an English planner's dashboard of the same
plant and filters are two shared states, each in its own language, and the English tab keeps the scope's plain
token (rxapp/live.py `watch`, services/kpi/live.Scope.language)."""
from __future__ import annotations

import reflex as rx
from reflex.istate.data import RouterData, SessionData
from sqlmodel import Session

from rxapp.i18n_client import serve_in_tab_language
from rxapp.state.kpi.live_dashboard import LiveDashboardState
from rxapp.state.language import LanguageState
from rxapp.state.org.auth import AuthState
from services.core.db import transaction
from services.core.languages import use_language
from services.org.languages import set_my_language
from tests.ui.conftest import linked
from tests.ui.test_state_live import dashboard_tab, worked  # noqa: F401 (fixture)


async def test_a_japanese_and_an_english_tab_watch_one_dashboard_each_in_its_language(live_context, engine, world,
                                                                                      worked, now):  # noqa: F811
    english = await dashboard_tab(engine)
    _, english_view = await linked(english, english.enter, LiveDashboardState)

    with Session(engine) as s, transaction(s):
        set_my_language(s, world.actor(world.planner1), "ja", now=now)
    japanese = await dashboard_tab(engine)
    assert (await japanese.get_state(LanguageState)).lang == "ja"
    with use_language(None):
        await serve_in_tab_language(japanese)           # what the event middleware does before each event
        _, japanese_view = await linked(japanese, japanese.enter, LiveDashboardState)

    assert english_view._linked_to == english.linked_token          # English: the scope's own token, as before
    assert japanese_view._linked_to != english_view._linked_to
    assert {t.key: (t.label, t.detail) for t in english_view.tiles}["quality"] == ("Quality", "30 good, 2 scrap")
    assert {t.key: (t.label, t.detail) for t in japanese_view.tiles}["quality"] == ("品質", "良品 30、不良 2")
    assert {t.key: t.label for t in japanese_view.tiles}["availability"] != "Availability"


async def test_switching_the_language_recomputes_the_tabs_live_views_in_it(live_context, engine, world,
                                                                           worked):  # noqa: F811
    tab = await dashboard_tab(engine)
    root = await tab.get_state(rx.State)
    root.router = RouterData(session=SessionData(client_token="tab-switching"))   # what a browser tab's events carry
    _, view = await linked(tab, tab.enter, LiveDashboardState)
    assert {t.key: t.label for t in view.tiles}["quality"] == "Quality"
    english_token = view._linked_to
    auth = await tab.get_state(AuthState)
    with use_language(None):
        await serve_in_tab_language(tab)
        _, switched = await linked(tab, lambda: auth.choose_language("ko"), LiveDashboardState)
    assert (await tab.get_state(LanguageState)).lang == "ko"
    assert switched._linked_to != english_token
    assert {t.key: (t.label, t.detail) for t in switched.tiles}["quality"] == ("품질", "양품 30, 불량 2")
