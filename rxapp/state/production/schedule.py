"""The schedule board of one plant: the timeline, the selected operation and its moves, the
operations waiting for a machine, the week's utilisation and the latest exceptions.

Every handler goes through services.production.scheduling with the actor re-resolved from the token; ids
from the browser are only passed on (the services answer NotFound outside the person's plants).
After each change the board is read again in the same event, so the chart shows the new plan at
once. Only plain values are kept: read models become the small rows below.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
import reflex as rx

from models.base import utcnow
from rxapp.i18n import _, format_datetime
from rxapp.state.master.setup import SetupStep, setup_steps
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.production.schedule_figures import (
    CONFLICT_LABELS,
    STATUS_LABELS,
    machine_label,
    timeline,
    utilisation_chart,
)
from services.core import formats
from services.core.errors import DomainError, Invalid
from services.master import readiness
from services.production import scheduling


@dataclass
class Option:
    id: str = ""
    label: str = ""


@dataclass
class BoardRow:
    id: int = 0
    label: str = ""                 # WO-000001 · 10 Cut
    product: str = ""
    machine_id: int = 0
    machine: str = ""
    work_center_id: int = 0
    position: int = 0
    status: str = ""
    status_label: str = ""
    start: str = ""
    end: str = ""
    due: str = ""
    late: bool = False
    conflict: bool = False
    problems: str = ""
    progress: str = ""


@dataclass
class WaitingRow:
    id: int = 0
    label: str = ""
    product: str = ""
    due: str = ""
    hours: str = ""
    machines: list[Option] = field(default_factory=list)


@dataclass
class ExceptionRow:
    id: int = 0
    at: str = ""
    kind: str = ""
    label: str = ""
    reason: str = ""
    user: str = ""


def _read_all(session, actor, plant_id: int, start: datetime, end: datetime, week: date):
    return (scheduling.schedule_board(session, actor, plant_id, start=start, end=end),
            scheduling.unscheduled_operations(session, actor, plant_id, limit=200),
            scheduling.utilisation(session, actor, plant_id, period="week", start=week),
            scheduling.list_exceptions(session, actor, plant_id, limit=20))


WINDOWS = (1, 3, 7)


class ScheduleState(AuthState):
    plant_id: int = 0
    timezone: str = "UTC"
    day: str = ""                           # first local day shown (ISO)
    days: int = 7                           # 1, 3 or 7
    figure: go.Figure = go.Figure()
    utilisation_figure: go.Figure = go.Figure()
    ops: list[BoardRow] = []
    machines: list[BoardRow] = []           # id/label/work center of each machine row
    waiting: list[WaitingRow] = []
    exceptions: list[ExceptionRow] = []
    late_count: int = 0
    conflict_count: int = 0
    can_plan: bool = False                  # from the board's read model: the planner's buttons show
    selected: BoardRow = BoardRow()
    move_options: list[Option] = []
    target_machine: str = ""
    reason: str = ""
    reason_error: str = ""
    loading: bool = True
    load_error: str = ""
    setup: list[SetupStep] = []             # what the plant lacks before it can be scheduled (machines, calendar)
    _point_ops: list[list[int]] = []

    @rx.var
    def plant_options(self) -> list[Option]:
        return [Option(id=str(p.id), label=f"{p.code} · {p.name}") for p in self.plants]

    @rx.var
    def window_options(self) -> list[Option]:
        return [Option(id="1", label=_("1 day")), Option(id="3", label=_("3 days")), Option(id="7", label=_("Week"))]

    @rx.var
    def window_label(self) -> str:
        if not self.day:
            return ""
        first = date.fromisoformat(self.day)
        return f"{formats.day(first, fmt='short')} – {formats.day(first + timedelta(days=self.days - 1), fmt='short')}"

    # ----- loading -----------------------------------------------------------------------------

    @rx.event
    def enter(self):
        """on_load (after the page guard): the first plant of the person, today onwards."""
        ids = [p.id for p in self.plants]
        if self.plant_id not in ids:
            self.plant_id = ids[0] if ids else 0
            self.day = ""
        self.selected, self.move_options, self.reason, self.reason_error = BoardRow(), [], "", ""
        return self._reload(quiet=True)

    @rx.event
    def load(self):
        return self._reload(quiet=True)

    @rx.event
    def set_plant(self, plant_id: str):
        self.plant_id, self.day, self.selected = as_id(plant_id), "", BoardRow()
        return self._reload()

    @rx.event
    def shift_window(self, direction: int):
        """One window back (-1) or forward (+1)."""
        step = timedelta(days=self.days * (1 if int(direction) > 0 else -1))
        self.day = (date.fromisoformat(self.day) + step).isoformat() if self.day else ""
        return self._reload()

    @rx.event
    def set_days(self, days: str):
        self.days = as_id(days) if as_id(days) in WINDOWS else 7
        return self._reload()

    @rx.event
    def go_today(self):
        self.day = ""
        return self._reload()

    def _reload(self, *, quiet: bool = False) -> list:
        self.timezone = next((p.timezone for p in self.plants if p.id == self.plant_id), "UTC") or "UTC"
        zone = ZoneInfo(self.timezone)
        first = date.fromisoformat(self.day) if self.day else utcnow().astimezone(zone).date()
        self.day = first.isoformat()
        start = datetime.combine(first, time(0), tzinfo=zone)
        try:
            board, waiting, util, excs = self._use_case(_read_all, self.plant_id, start,
                                                        start + timedelta(days=self.days), first)
        except DomainError as error:
            # a plant without a calendar cannot be read: say what to set up rather than show the error
            self.setup = setup_steps(self._missing()) if isinstance(error, Invalid) else []
            self.loading, self.ops, self.waiting = False, [], []
            self.load_error = "" if self.setup else _(error.message)
            return [] if self.setup else self._refused(error, quiet=quiet)
        self.setup = [] if board.machines else setup_steps(self._missing())
        self._show(board, waiting, util, excs)
        self.loading, self.load_error = False, ""
        return []

    def _missing(self) -> list[str]:
        return self._use_case(readiness.missing_steps, self.plant_id or None, need=("machines", "calendar"))

    def _show(self, board, waiting, util, excs) -> None:
        tz = board.timezone
        self.timezone, self.late_count, self.conflict_count = tz, board.late_count, board.conflict_count
        self.can_plan = board.can_plan
        self.machines = [BoardRow(id=m.machine_id, label=machine_label(m.code, m.name), machine=m.code,
                                  work_center_id=m.work_center_id) for m in board.machines]
        self.ops = [BoardRow(
            id=op.operation_id, label=f"{op.work_order_number} · {op.sequence} {op.name}",
            product=f"{op.product_code} {op.product_name}", machine_id=m.machine_id, machine=m.code,
            work_center_id=op.work_center_id, position=op.queue_position or 0, status=op.status,
            status_label=STATUS_LABELS.get(op.status, op.status), start=format_datetime(op.planned_start, tz, "short"),
            end=format_datetime(op.planned_end, tz, "short"), due=formats.day(op.due_date, fmt="short"),
            late=op.late, conflict=op.conflict, problems=", ".join(CONFLICT_LABELS.get(c, c) for c in op.conflicts),
            progress=f"{op.quantity_good} / {op.quantity}" + (" ⚠ " + _("overproduction") if op.overproduced else ""))
            for m in board.machines for op in m.operations]
        self.selected = next((row for row in self.ops if row.id == self.selected.id), BoardRow())
        self.figure, self._point_ops = timeline(board, self.selected.id)
        self.waiting = [WaitingRow(
            id=w.operation_id, label=f"{w.work_order_number} · {w.sequence} {w.name}",
            product=f"{w.product_code} {w.product_name}", due=formats.day(w.due_date, fmt="short"),
            hours=formats.number(w.duration_seconds / 3600, decimals=2), machines=[Option(id=str(m.id), label=m.code) for m in w.machines])
            for w in waiting]
        self.utilisation_figure = utilisation_chart(util)
        self.exceptions = [ExceptionRow(id=e.id, at=format_datetime(e.at, tz, "short"), kind=e.kind.value,
                                        label=f"{e.work_order_number} · {e.sequence} {e.operation_name}",
                                        reason=e.reason, user=e.username) for e in excs]
        self._set_move_options()

    # ----- selecting ---------------------------------------------------------------------------

    @rx.event
    def select(self, op_id: int):
        self.selected = next((row for row in self.ops if row.id == as_id(op_id)), BoardRow())
        self.reason, self.reason_error = "", ""
        self._set_move_options()
        return self._reload()

    @rx.event
    def chart_click(self, points: list[dict]):
        for point in points or []:
            trace, index = point.get("curveNumber"), point.get("pointNumber", point.get("pointIndex"))
            if isinstance(trace, int) and isinstance(index, int) and trace < len(self._point_ops) \
                    and index < len(self._point_ops[trace]) and self._point_ops[trace][index]:
                return ScheduleState.select(self._point_ops[trace][index])

    def _set_move_options(self) -> None:
        sel = self.selected
        self.move_options = [Option(id=str(m.id), label=m.label) for m in self.machines
                             if sel.id and m.work_center_id == sel.work_center_id and m.id != sel.machine_id]
        if self.target_machine not in [o.id for o in self.move_options]:
            self.target_machine = self.move_options[0].id if self.move_options else ""

    @rx.event
    def set_target_machine(self, machine_id: str):
        self.target_machine = str(machine_id)

    @rx.event
    def set_reason(self, reason: str):
        self.reason, self.reason_error = str(reason), ""

    # ----- changes -----------------------------------------------------------------------------

    @rx.event
    def earlier(self):
        return self._move(position=max(self.selected.position - 1, 1))

    @rx.event
    def later(self):
        return self._move(position=self.selected.position + 1)

    @rx.event
    def move_to_machine(self):
        return self._move(machine_id=as_id(self.target_machine), reason=self.reason)

    def _move(self, *, machine_id: int | None = None, position: int | None = None, reason: str = "") -> list:
        if not self.selected.id:
            return [rx.toast.info(_("Pick an operation first."))]
        return self._change(_("Moved"), scheduling.move_operation, self.selected.id, machine_id=machine_id,
                            position=position, reason=reason, now=utcnow())

    @rx.event
    def assign(self, op_id: int, machine_id: str):
        return self._change(_("Scheduled"), scheduling.assign_operation, as_id(op_id), as_id(machine_id),
                            now=utcnow())

    @rx.event
    def replan(self):
        return self._change(_("Re-planned from now"), scheduling.replan_plant, self.plant_id, now=utcnow())

    @rx.event
    def detect_late(self):
        return self._change(_("Late operations checked"), scheduling.detect_late, self.plant_id, now=utcnow())

    def _change(self, done: str, fn, *args, **kwargs) -> list:
        try:
            self._use_case(fn, *args, **kwargs)
        except DomainError as error:
            self.reason_error = _(error.fields.get("reason", ""))
            return self._refused(error)
        self.reason, self.reason_error = "", ""
        return [rx.toast.success(done), *self._reload()]
