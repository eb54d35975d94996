"""The production grid and dashboard of a project that every screen with the same filters shares (an
rx.SharedState linked by rxapp/live.py to services/studio/live.project_scope). `_apply` turns one
services.studio.live.ProjectView into plain display values, once per refresh for all linked tabs;
it starts with "_" so no client can send it as an event. Imports nothing else from the app but i18n and
the route helpers."""
from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go
import reflex as rx

from rxapp import routes
from rxapp.i18n import _
from services.core import formats
from services.studio.live import ProjectView

STATUS_COLORS = {"todo": "gray", "in_progress": "blue", "waiting_review": "amber", "qc1": "orange",
                 "qc2": "purple", "rework": "red", "approved": "green"}
STATUS_LABELS = {"todo": _("To do"), "in_progress": _("In progress"), "waiting_review": _("Waiting for review"),
                 "qc1": _("In QC1"), "qc2": _("In QC2"), "rework": _("Rework"), "approved": _("Approved")}


@dataclass
class Cell:
    task_id: int = 0
    status: str = ""
    label: str = ""
    color: str = "gray"
    assignee: str = ""
    href: str = ""


@dataclass
class GridLine:
    entity_id: int = 0
    code: str = ""
    episode: str = ""
    frames: str = ""
    href: str = ""                   # the cut's page
    cells: list[Cell] = field(default_factory=list)


@dataclass
class LateLine:
    task_id: int = 0
    entity: str = ""
    step: str = ""
    status: str = ""
    due: str = ""
    assignee: str = ""
    href: str = ""


def progress_figure(view: ProjectView) -> go.Figure:
    names = list(dict.fromkeys(c.step_name for c in view.board.cells))
    episodes = sorted({c.episode_number or 0 for c in view.board.cells})
    share = {(c.episode_number or 0, c.step_name): round(100 * c.share, 1) for c in view.board.cells}
    fig = go.Figure(go.Heatmap(z=[[share.get((ep, n)) for n in names] for ep in episodes], x=names,
                               y=[_("Episode {n}").format(n=ep) for ep in episodes], colorscale="Greens",
                               zmin=0, zmax=100, hovertemplate="%{y} · %{x}: %{z} %<extra></extra>"))
    fig.update_layout(template="none", height=max(200, 60 + 24 * len(episodes)), margin={"l": 90, "r": 10, "t": 10, "b": 60},
                      paper_bgcolor="rgba(0,0,0,0)", yaxis={"autorange": "reversed", "type": "category"})
    return fig


class LiveStudioState(rx.SharedState):
    loaded: bool = False
    steps: list[str] = []
    step_names: list[str] = []
    lines: list[GridLine] = []
    total_rows: int = 0
    tasks: int = 0
    approved: int = 0
    progress: str = "0 %"
    first_pass: str = "–"
    rework_loops: int = 0
    late: list[LateLine] = []
    figure: go.Figure = go.Figure()
    updated: str = ""

    def _apply(self, view: ProjectView) -> None:
        keys = [k for k, _ in view.grid.steps]
        lines = [GridLine(entity_id=r.entity_id, code=r.code, episode=str(r.episode_number or ""),
                          frames=str(r.frames or ""), href=routes.studio_cut_url(r.entity_id),
                          cells=[_cell(r.cells.get(k)) for k in keys]) for r in view.grid.rows]
        b = view.board
        values = dict(
            steps=keys, step_names=[n for _, n in view.grid.steps], lines=lines, total_rows=view.grid.total_rows,
            tasks=b.tasks, approved=b.approved, progress=formats.percent(b.progress),
            first_pass="–" if b.first_pass_rate is None else formats.percent(b.first_pass_rate, decimals=0),
            rework_loops=b.rework_loops, updated=formats.clock(view.computed_at, "UTC", fmt="medium") + " UTC", loaded=True,
            late=[LateLine(task_id=t.task_id, entity=t.entity_code, step=t.step_name,
                           status=STATUS_LABELS.get(t.status, t.status), due=formats.day(t.due_date, fmt="short"),
                           assignee=t.assignee, href=routes.studio_task_url(t.task_id)) for t in b.late[:50]])
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)
        self.figure = progress_figure(view)


def _cell(cell) -> Cell:
    if cell is None:
        return Cell()
    return Cell(task_id=cell.task_id, status=cell.status, label=STATUS_LABELS.get(cell.status, cell.status),
                color=STATUS_COLORS.get(cell.status, "gray"), assignee=cell.assignee, href=routes.studio_task_url(cell.task_id))
