"""The SPC page in people's words: rule badges say what the rule saw (and name the rule), capability figures say whether they use
sigma within or overall, and the chart's limit lines carry their labels and values."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from types import SimpleNamespace

from rxapp.state.quality.spc import _chart_rows, rule_label
from rxapp.state.quality.spc_figure import chart_figure, rule_words


def test_rule_badges_read_as_words():
    assert rule_label("western_electric", 3) == "4 of 5 points away from the centre, same side (Western Electric 3)"
    assert rule_label("western_electric", 1) == "A point outside the control limits (Western Electric 1)"
    assert rule_label("nelson", 7) == "15 points in a row hugging the centre (Nelson 7)"
    assert rule_words("nelson", 3) == "6 points in a row rising or falling"


def test_a_red_point_says_on_hover_which_pattern_it_completes():
    t0 = datetime(2026, 3, 2, tzinfo=UTC)
    points = [SimpleNamespace(measured_at=t0 + timedelta(hours=i), statistic=D(10 + i), rules=[4] if i == 2 else [],
                              ucl=None, center=None, lcl=None, spread=None, in_baseline=False) for i in range(3)]
    view = SimpleNamespace(points=points, primary_name="Value", secondary_name="",
                           characteristic=SimpleNamespace(ruleset="western_electric"))
    assert list(chart_figure(view).data[0].text) == ["", "", "8 points in a row on one side of the centre"]


def test_capability_figures_are_labelled_within_or_overall_and_the_limit_lines_carry_labels():
    cap = SimpleNamespace(cp=D("1.75"), cpk=D("1.5"), cpm=D("1.7"), pp=D("1.47"), ppk=D("1.2"), mean=D(12),
                          sigma_within=D("1.33"), sigma_overall=D("1.58"))
    t0 = datetime(2026, 3, 2, tzinfo=UTC)
    points = [SimpleNamespace(measured_at=t0 + timedelta(hours=i), statistic=D(10 + i), rules=[], ucl=D("15.988"),
                              center=D(12), lcl=D("8.012"), spread=D(1), in_baseline=True) for i in range(3)]
    view = SimpleNamespace(center=D(12), ucl=D("15.988"), lcl=D("8.012"), baseline_points=3, capability=cap,
                           points=points, primary_name="Value", secondary_name="Moving range",
                           secondary_ucl=D("4.9"), secondary_center=D("1.5"))
    labels = [f.label for f in _chart_rows(view)]
    assert {"Cp (within)", "Cpk (within)", "Cpm (within, to nominal)", "Pp (overall)", "Ppk (overall)"} <= set(labels)
    texts = {a.text for a in chart_figure(view).layout.annotations}
    assert {"UCL 15.99", "CL 12", "LCL 8.012", "UCL 4.9", "CL 1.5"} <= texts
