"""The operator portal: the machines of the operator's plants (OperatorState) and one machine's
screen with its current job, queue and reason lists (OperatorMachineState); each refresh has
JobDocumentsState (instructions.py) read the approved documents of the current or next job.

These states only read. Operator actions never go through a Reflex event: each tap is queued in
the browser's localStorage with a client-generated id and sent to POST /api/v1/machines/{id}/actions
by assets/operator_outbox.js, so a tap on a flaky network is kept, retried and counted once. After
a send, the script clicks the hidden refresh button and `OperatorMachineState.refresh` reads the
machine again. Every handler re-resolves the actor from the token; machine ids from the browser
are only passed to the services, which answer NotFound outside the operator's plants.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import reflex as rx

from models.base import utcnow
from models.resources import ReasonKind
from rxapp import routes
from rxapp.i18n import _, format_datetime, ngettext
from rxapp.state.master.setup import SetupStep, setup_steps
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.shopfloor.instructions import JobDocumentsState
from services.core.access import Permission
from services.core.errors import DomainError
from services.master import readiness
from services.shopfloor import reads as shopfloor_reads
from services.shopfloor.reads import MachineQueue, MachineTile, QueuedJob

STATE_LABELS = {"idle": _("Idle"), "running": _("Running"), "paused": _("Paused"), "down": _("Down"),
                "planned_stop": _("Planned stop")}


@dataclass
class MachineCard:
    id: int = 0
    code: str = ""
    name: str = ""
    plant: str = ""
    state: str = "idle"
    state_label: str = ""
    since: str = ""                  # HH:MM in the plant's time zone
    job: str = ""
    reason: str = ""
    queue_length: int = 0
    queue_text: str = ""             # "3 jobs queued"


@dataclass
class JobCard:
    operation_id: int = 0
    work_order: str = ""
    product: str = ""
    name: str = ""
    status: str = ""
    quantity: int = 0
    good: int = 0
    scrap: int = 0
    expected: int = 0
    progress: int = 0                # good / quantity, percent
    plan: int = 0                    # expected / quantity, percent
    ahead_by: int = 0
    planned: str = ""                # "08:00–09:00" in the plant's time zone
    can_start: bool = False          # the actions allowed now, from the queue's read model
    can_resume: bool = False
    can_pause: bool = False
    can_complete: bool = False


@dataclass
class Choice:
    id: str = ""
    label: str = ""


def _clock(value: datetime | None, timezone: str) -> str:
    return format_datetime(value, timezone, "HH:mm") if value else ""


def machine_card(tile: MachineTile) -> MachineCard:
    return MachineCard(id=tile.id, code=tile.code, name=tile.name, plant=tile.plant_code, state=tile.state.value,
                       state_label=_(STATE_LABELS.get(tile.state.value, tile.state.value)),
                       since=_clock(tile.since, tile.timezone), job=tile.job_label, reason=tile.reason_name,
                       queue_length=tile.queue_length,
                       queue_text=ngettext("{n} job queued", "{n} jobs queued", tile.queue_length).format(
                           n=tile.queue_length))


def job_card(job: QueuedJob, timezone: str) -> JobCard:
    planned = ""
    if job.planned_start and job.planned_end:
        planned = f"{_clock(job.planned_start, timezone)}–{_clock(job.planned_end, timezone)}"
    return JobCard(operation_id=job.operation_id, work_order=job.work_order_number,
                   product=f"{job.product_code} · {job.product_name}", name=job.name, status=job.status.value,
                   quantity=job.quantity, good=job.quantity_good, scrap=job.quantity_scrap, expected=job.expected_good,
                   progress=job.progress_percent, plan=job.plan_percent, ahead_by=job.ahead_by, planned=planned,
                   can_start=job.can_start, can_resume=job.can_resume, can_pause=job.can_pause,
                   can_complete=job.can_complete)


class OperatorState(AuthState):
    machines: list[MachineCard] = []
    loading: bool = True
    load_error: str = ""
    setup: list[SetupStep] = []      # no machine in the operator's plants yet: where they are set up
    code_error: str = ""

    @rx.event
    def enter(self):
        self.code_error = ""
        return OperatorState.load

    @rx.event
    def load(self):
        try:
            tiles = self._use_case(shopfloor_reads.machines_for_operator)
        except DomainError as error:
            self.loading, self.machines, self.load_error = False, [], _(error.message)
            return self._refused(error, quiet=True)
        self.machines = [machine_card(t) for t in tiles]
        self.setup = [] if tiles else setup_steps(self._use_case(readiness.missing_steps, need=("machines",)))
        self.loading, self.load_error = False, ""

    @rx.event
    def find_machine(self, form: dict):
        """A typed or scanned machine code (keyboard-wedge scanners end with Enter)."""
        try:
            tile = self._use_case(shopfloor_reads.machine_by_code, str(form.get("code", ""))[:200])
        except DomainError as error:
            self.code_error = _(error.message)
            return self._refused(error, quiet=True)
        self.code_error = ""
        return rx.redirect(routes.operator_machine_url(tile.id))


class OperatorMachineState(AuthState):
    machine_id: int = 0
    machine: MachineCard = MachineCard()
    has_current: bool = False
    current: JobCard = JobCard()
    queue: list[JobCard] = []
    pause_reasons: list[Choice] = []
    scrap_reasons: list[Choice] = []
    downtime_reasons: list[Choice] = []
    loading: bool = True
    load_error: str = ""

    @rx.var
    def is_down(self) -> bool:
        return self.machine.state in ("down", "planned_stop")

    @rx.var
    def can_inspect(self) -> bool:
        """The Inspect button shows only to a person holding INSPECT (the inspect page's guard and service)."""
        return Permission.INSPECT.value in self.permissions

    @rx.var
    def plan_text(self) -> str:
        if not self.has_current or not self.current.planned:
            return ""
        if self.current.ahead_by < 0:
            return _("Plan by now: {expected} ({n} behind)").format(expected=self.current.expected,
                                                                    n=-self.current.ahead_by)
        return _("Plan by now: {expected} ({n} ahead)").format(expected=self.current.expected, n=self.current.ahead_by)

    @rx.var
    def short_by(self) -> int:
        """Good parts still missing to the job's quantity (0 when it is made)."""
        return max(self.current.quantity - self.current.good, 0) if self.has_current else 0

    @rx.var
    def complete_title(self) -> str:
        if self.short_by:
            return _("{short} short: complete anyway?").format(short=self.short_by)
        return _("Complete this job?")

    @rx.var
    def complete_question(self) -> str:
        """What the Complete button asks before the job is completed; a job short of its quantity says so."""
        job = self.current
        if self.short_by:
            return _("Only {good} of {quantity} good ({scrap} scrap). Complete job {job} with {short} still "
                     "missing?").format(good=job.good, quantity=job.quantity, scrap=job.scrap,
                                        job=f"{job.work_order} {job.name}", short=self.short_by)
        return _("Complete job {job} with {good} good / {scrap} scrap?").format(
            job=f"{job.work_order} {job.name}", good=job.good, scrap=job.scrap)

    @rx.var
    def complete_label(self) -> str:
        """The confirming button's words: a short job is completed short on purpose."""
        if self.short_by:
            return _("Complete short ({good}/{quantity})").format(good=self.current.good,
                                                                  quantity=self.current.quantity)
        return _("Complete")

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        return OperatorMachineState.open(as_id(query.get("id", "")))

    @rx.event
    def open(self, machine_id: int):
        self.machine_id, self.loading = as_id(machine_id), True
        try:
            self.pause_reasons, self.scrap_reasons, self.downtime_reasons = [
                [Choice(id=str(r.id), label=f"{r.code} · {r.name}") for r in
                 self._use_case(shopfloor_reads.reason_choices, kind)]
                for kind in (ReasonKind.PAUSE, ReasonKind.SCRAP, ReasonKind.DOWNTIME)]
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        return OperatorMachineState.refresh

    @rx.event
    def refresh(self):
        try:
            view = self._use_case(shopfloor_reads.machine_queue, self.machine_id, now=utcnow())
        except DomainError as error:
            self.loading, self.load_error, self.queue, self.has_current = False, _(error.message), [], False
            self.machine = MachineCard()
            return self._refused(error, quiet=True)
        self._show(view)
        job = view.current or (view.queue[0] if view.queue else None)
        return JobDocumentsState.show_job(job.operation_id if job else 0)

    def _show(self, view: MachineQueue) -> None:
        tz = view.machine.timezone
        self.machine = machine_card(view.machine)
        self.has_current = view.current is not None
        self.current = job_card(view.current, tz) if view.current else JobCard()
        self.queue = [job_card(j, tz) for j in view.queue]
        self.loading, self.load_error = False, ""
