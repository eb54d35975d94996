"""The control chart figure (plotly) of a `services.quality.spc_charts.ChartView`: the statistic with its
limits per point (each line labelled with its name and value at the right), broken rules in red with what
the rule saw in people's words on hover, the baseline period shaded, and the dispersion chart below.
`rule_words` lives here so the page state and the figure say the same."""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rxapp.i18n import _
from services.core import formats
from services.quality.spc_charts import ChartView

RED, BLUE, GRAY = "#e5484d", "#0090ff", "#8b8d98"

_OUTSIDE = _("A point outside the control limits")
RULE_WORDS = {
    "western_electric": {1: _OUTSIDE, 2: _("2 of 3 points close to a limit, same side"),
                         3: _("4 of 5 points away from the centre, same side"),
                         4: _("8 points in a row on one side of the centre")},
    "nelson": {1: _OUTSIDE, 2: _("9 points in a row on one side of the centre"),
               3: _("6 points in a row rising or falling"), 4: _("14 points in a row alternating up and down"),
               5: _("2 of 3 points close to a limit, same side"), 6: _("4 of 5 points away from the centre, same side"),
               7: _("15 points in a row hugging the centre"),
               8: _("8 points in a row away from the centre, either side")},
}


def rule_words(ruleset: str, number: int) -> str:
    """What a run rule saw, in people's words ("8 points in a row on one side of the centre")."""
    words = RULE_WORDS.get(str(ruleset), {}).get(int(number))
    return words or _("{ruleset} rule {number}").format(ruleset=str(ruleset).replace("_", " ").title(), number=number)


def _f(value) -> float | None:
    return None if value is None else float(value)


def chart_figure(view: ChartView) -> go.Figure:
    two = bool(view.secondary_name)
    fig = make_subplots(rows=2 if two else 1, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.65, 0.35] if two else [1.0])
    xs = [p.measured_at for p in view.points]
    ruleset = getattr(getattr(view, "characteristic", None), "ruleset", "western_electric")
    fig.add_trace(go.Scatter(x=xs, y=[_f(p.statistic) for p in view.points], mode="lines+markers",
                             name=view.primary_name, line={"color": BLUE},
                             marker={"color": [RED if p.rules else BLUE for p in view.points],
                                     "size": [11 if p.rules else 7 for p in view.points]},
                             text=["<br>".join(rule_words(ruleset, r) for r in p.rules) for p in view.points],
                             hovertemplate="%{x}<br>%{y}<br>%{text}<extra></extra>"), row=1, col=1)
    for key, label, dash in (("ucl", _("UCL"), "dash"), ("center", _("CL"), "solid"), ("lcl", _("LCL"), "dash")):
        ys = [_f(getattr(p, key)) for p in view.points]
        if any(y is not None for y in ys):
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=label, line={"color": GRAY, "dash": dash,
                                                                                 "shape": "hv"}), row=1, col=1)
            last = next(y for y in reversed(ys) if y is not None)
            fig.add_annotation(x=1, xref="paper", y=last, yref="y", text=f"{label} {formats.significant(last)}", showarrow=False,
                               xanchor="left", font={"size": 11, "color": GRAY})
    if two:
        fig.add_trace(go.Scatter(x=xs, y=[_f(p.spread) for p in view.points], mode="lines+markers",
                                 name=view.secondary_name, line={"color": "#12a594"}), row=2, col=1)
        for value, dash, label in ((view.secondary_ucl, "dash", _("UCL")), (view.secondary_center, "solid", _("CL"))):
            if value is not None:
                fig.add_hline(y=float(value), line={"color": GRAY, "dash": dash}, row=2, col=1,
                              annotation_text=f"{label} {formats.significant(value)}", annotation_position="right",
                              annotation_font={"size": 11, "color": GRAY})
    inside = [p.measured_at for p in view.points if p.in_baseline]
    if inside:
        fig.add_vrect(x0=min(inside), x1=max(inside), fillcolor=BLUE, opacity=0.08, line_width=0)
    fig.update_layout(height=460 if two else 340, margin={"l": 40, "r": 80, "t": 10, "b": 30}, showlegend=False,
                      paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)")
    return fig
