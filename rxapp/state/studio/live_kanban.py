"""The kanban of one step that every screen with the same filters shares (an rx.SharedState linked by
rxapp/live.py to services/studio/live.kanban_scope). `_apply` turns one services.studio.kanban.KanbanRead
into plain display values, once per refresh for all linked tabs; it starts with "_" so no client can send
it as an event. The moves a card offers are the same for everyone (the service refuses the ones a person
may not make, with the reason). Imports nothing else from the app but i18n, the route helpers and the status colours."""
from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.studio.live_project import STATUS_COLORS, STATUS_LABELS
from services.core import formats
from services.studio.kanban import KanbanCard, KanbanRead


@dataclass
class Target:
    status: str = ""
    label: str = ""


@dataclass
class Card:
    task_id: int = 0
    code: str = ""
    assignee: str = ""
    due: str = ""
    spent: str = ""
    loops: int = 0
    href: str = ""
    targets: list[Target] = field(default_factory=list)


@dataclass
class Column:
    status: str = ""
    label: str = ""
    color: str = "gray"
    count: int = 0
    cards: list[Card] = field(default_factory=list)


def hours(minutes: int) -> str:
    """Minutes as h:mm ("" for none): kanban cards and the timesheet."""
    return f"{minutes // 60}:{minutes % 60:02d}" if minutes else ""


def _card(c: KanbanCard, names: dict[str, str]) -> Card:
    t = c.task
    return Card(task_id=t.id, code=t.entity_code, assignee=t.assignee_label, due=formats.day(t.due_date, fmt="short"),
                spent=hours(t.spent_minutes), loops=t.rework_loops, href=routes.studio_task_url(t.id),
                targets=[Target(status=s, label=names.get(s, s)) for s in c.targets])


def columns_of(board: KanbanRead) -> list[Column]:
    names = {c.status: STATUS_LABELS.get(c.status) or _(c.name) for c in board.columns}
    return [Column(status=c.status, label=names[c.status], color=STATUS_COLORS.get(c.status, "gray"),
                   count=len(c.cards), cards=[_card(card, names) for card in c.cards]) for c in board.columns]


class LiveKanbanState(rx.SharedState):
    loaded: bool = False
    step_name: str = ""
    columns: list[Column] = []
    updated: str = ""

    def _apply(self, board: KanbanRead) -> None:
        columns = columns_of(board)
        if columns != self.columns:
            self.columns = columns
        self.step_name, self.loaded = board.step_name, True
        self.updated = formats.clock(utcnow(), "UTC", fmt="medium") + " UTC"   # a project has no plant
