"""The live channel in a real browser: the dashboard subscribes its KPI tiles over WS /api/v1/live/stream
(assets/takt_live.js) and an operator's report through the REST API changes the tiles without a reload;
the page's charts are not what carries it (the delta names only the tiles that changed). The OEE trend chart
follows the channel's "trend.*" tiles in place: a point appended (Plotly.extendTraces) for a bucket the drawn
figure lacks, the last point replaced for the bucket a report changed, with no figure sent by Reflex."""
from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest
from playwright.sync_api import expect

from models.resources import ReasonKind
from rxapp.state.kpi.dashboard import FIGURES_SECONDS
from tests.e2e.conftest import DEMO_PASSWORD, DESKTOP, log_in, shot
from tests.e2e.test_live_e2e import reason
from tests.factories.e2e import seed_job

pytestmark = pytest.mark.e2e


def operator_action(app_url: str, machine_id: int, **body) -> None:
    with httpx.Client(base_url=app_url, timeout=60) as api:
        login = api.post("/api/v1/auth/token", json={"username": "operator", "password": DEMO_PASSWORD})
        assert login.status_code == 200, login.text
        headers = {"authorization": f"Bearer {login.json()['access_token']}"}
        answer = api.post(f"/api/v1/machines/{machine_id}/actions", headers=headers,
                          json={"client_id": str(uuid.uuid4()), **body})
        assert answer.status_code in (200, 201), answer.text


def test_the_dashboard_tiles_change_over_the_live_channel_without_a_reload(new_page, app_url, app_database_url):
    seeded = seed_job(app_database_url, "E2E-CHAN-1")
    scrap_id, _ = reason(app_database_url, ReasonKind.SCRAP, "DIM")
    manager = new_page(DESKTOP)
    deltas: list[str] = []
    manager.on("websocket", lambda ws: ws.on("framereceived", lambda frame: deltas.append(str(frame)))
               if "/api/v1/live/stream" in ws.url else None)
    log_in(manager, "manager")
    expect(manager.get_by_test_id("sidebar").get_by_role("link", name="Dashboard", exact=True)).to_be_visible()
    manager.goto("/dashboard")
    expect(manager.get_by_test_id("kpi-quality")).to_be_visible()
    manager.get_by_test_id("filter-machine_id").click()
    manager.get_by_role("option", name=re.compile(seeded.code)).click()
    tiles = manager.get_by_test_id("live-tiles")
    expect(tiles).to_have_attribute("data-live", "open")         # subscribed, the server accepted the view
    quality = manager.get_by_test_id("kpi-quality")
    expect(quality).to_have_text("–")
    manager.evaluate("window.__same_page = 'yes'")

    operator_action(app_url, seeded.machine_id, type="start_job", operation_id=seeded.operation_id)
    operator_action(app_url, seeded.machine_id, type="report_counts", good=10, scrap=1, reason_code_id=scrap_id)

    expect(quality).to_have_text("90.9 %")                         # 10 good of 11
    expect(tiles).to_have_attribute("data-live-seq", re.compile(r"^[1-9]\d*$"))
    assert manager.evaluate("window.__same_page") == "yes"           # no reload
    tile_deltas = [d for d in deltas if '"type":"delta"' in d and '"quality"' in d]
    assert tile_deltas and all('"data"' not in d and '"layout"' not in d for d in tile_deltas)     # no figure
    shot(manager, "dashboard-live-channel")


TREND_CHART = '[data-live-chart="trend"] .js-plotly-plot'
CHART_STATE = """() => {
  const gd = document.querySelector('[data-live-chart="trend"] .js-plotly-plot');
  const y = Array.from((gd._fullData && gd._fullData[3] && gd._fullData[3].y) || gd.data[3].y || []);
  return {points: gd.data[0].x.length, label: gd.data[0].x[gd.data[0].x.length - 1], quality: y[y.length - 1],
          same: gd.__takt_same === "yes"};
}"""


def test_the_trend_chart_gets_points_appended_and_updated_without_a_new_figure(new_page, app_url, app_database_url):
    seeded = seed_job(app_database_url, f"E2E-CHAN-T{uuid.uuid4().hex[:4].upper()}")
    scrap_id, _ = reason(app_database_url, ReasonKind.SCRAP, "DIM")
    operator_action(app_url, seeded.machine_id, type="start_job", operation_id=seeded.operation_id)
    started = time.monotonic()
    manager = new_page(DESKTOP)
    figures: list[tuple[float, str]] = []                     # Reflex frames carrying the dashboard's trend figure
    manager.on("websocket", lambda ws: ws.on("framereceived", lambda frame: figures.append((time.monotonic(), str(frame)))
                                             if "trend_rx_state_" in str(frame) else None)
               if "/_event" in ws.url else None)
    log_in(manager, "manager")
    expect(manager.get_by_test_id("sidebar").get_by_role("link", name="Dashboard", exact=True)).to_be_visible()
    manager.goto("/dashboard")
    expect(manager.get_by_test_id("kpi-quality")).to_be_visible()
    manager.get_by_test_id("filter-machine_id").click()
    manager.get_by_role("option", name=re.compile(seeded.code)).click()
    expect(manager.get_by_test_id("live-tiles")).to_have_attribute("data-live", "open")
    expect(manager.locator(TREND_CHART)).to_be_visible()
    manager.wait_for_function("() => window.Plotly && window.taktLive.views().some(v => v.tiles['trend.label'])")
    # the whole figures follow FIGURES_SECONDS after an event (trailing): let the start's refresh pass first, so
    # neither the cut below nor the report's update is undone or done by a figure of that refresh
    time.sleep(max(0.0, started + FIGURES_SECONDS + 2.0 - time.monotonic()))
    drawn = manager.evaluate(CHART_STATE)
    assert drawn["points"] >= 1

    # the figure as it was drawn before the current hour began: without the current hour's point
    manager.evaluate("""() => {
      const gd = document.querySelector('[data-live-chart="trend"] .js-plotly-plot');
      gd.__takt_same = "yes";
      const cut = a => Array.from(a).slice(0, -1);
      Plotly.restyle(gd, {x: gd.data.map(t => cut(t.x)), y: gd._fullData.map(t => cut(t.y))});
    }""")
    manager.wait_for_function(f"() => document.querySelector('{TREND_CHART}').data[0].x.length === {drawn['points']}")
    appended = manager.evaluate(CHART_STATE)                 # the channel's last point, appended again
    assert appended["same"] and appended["label"] == drawn["label"]
    assert manager.locator(TREND_CHART).get_attribute("data-live-points") == str(drawn["points"])

    assert figures                                            # the view's link sent its figures (the check below bites)
    figures.clear()
    operator_action(app_url, seeded.machine_id, type="report_counts", good=10, scrap=1, reason_code_id=scrap_id)
    expect(manager.get_by_test_id("kpi-quality")).to_have_text("90.9 %")
    manager.wait_for_function(f"() => ({CHART_STATE})().quality === 90.9")
    moved = time.monotonic()
    after = manager.evaluate(CHART_STATE)
    assert after["same"] and after["points"] == drawn["points"] and after["label"] == drawn["label"]
    # Reflex sent no figure before the chart showed the report: it moved in place (the report's own trailing
    # refresh, FIGURES_SECONDS later, may arrive after that on a slow machine)
    assert [frame for at, frame in figures if at <= moved] == []
    shot(manager, "dashboard-live-trend")
