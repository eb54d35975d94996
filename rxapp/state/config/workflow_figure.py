"""The picture of a workflow: states on a circle (initial blue, done green, rejected red, others
grey) and an arrow per transition, named at its middle; guarded transitions are drawn dashed.
A pure function of the spec (services.config.workflow_admin.layout places the states)."""
from __future__ import annotations

import plotly.graph_objects as go

from services.config.workflow_admin import layout
from services.config.workflow_specs import WorkflowSpec

COLORS = {"initial": "#2563eb", "done": "#16a34a", "rejected": "#dc2626", "normal": "#6b7280"}


def workflow_figure(spec: WorkflowSpec) -> go.Figure:
    graph = layout(spec)
    fig = go.Figure()
    for e in graph.edges:
        fig.add_annotation(x=e["x1"] * 0.86, y=e["y1"] * 0.86, ax=e["x0"] * 0.86, ay=e["y0"] * 0.86,
                           xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=3, arrowsize=1.2,
                           arrowwidth=1.5, arrowcolor="#94a3b8" if e["guarded"] else "#475569", text="")
        fig.add_annotation(x=(e["x0"] + e["x1"]) / 2 * 0.86, y=(e["y0"] + e["y1"]) / 2 * 0.86, text=e["name"],
                           showarrow=False, font={"size": 11, "color": "#334155"}, bgcolor="rgba(255,255,255,0.8)")
    fig.add_trace(go.Scatter(
        x=[n["x"] for n in graph.nodes], y=[n["y"] for n in graph.nodes], mode="markers+text",
        text=[n["name"] for n in graph.nodes], textposition="bottom center", hoverinfo="text",
        marker={"size": 26, "color": [COLORS[n["kind"]] for n in graph.nodes], "line": {"width": 2, "color": "white"}},
    ))
    fig.update_layout(showlegend=False, height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      xaxis={"visible": False, "range": [-1.4, 1.4]}, yaxis={"visible": False, "range": [-1.4, 1.4]},
                      plot_bgcolor="white", paper_bgcolor="white")
    return fig
