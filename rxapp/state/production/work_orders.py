"""Work orders: the list with status filter, progress and a selection that is completed in one
action (WorkOrdersState), and one work order's detail with operations, children, history and its
status changes (WorkOrderDetailState).

Handlers call services.production.work_order_reads / services.production.work_orders with the actor re-resolved from
the token; the selection holds ids only, and the service completes all of them or none.
"""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import (
    CustomFilterField,
    CustomInput,
    submitted_custom,
)
from rxapp.state.config.form_sections import FormSection, entity_form
from rxapp.state.master.common import download, translated_fields
from rxapp.state.master.setup import SetupStep, setup_steps
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.production.orders import HistoryRow, Option, history_rows
from services.config import custom_field_views, custom_fields
from services.core import formats
from services.core.errors import DomainError
from services.master import readiness
from services.production import work_order_reads, work_orders

PAGE = 200
ACTION_LABELS = {"released": _("Release"), "planned": _("Unrelease"), "running": _("Start"), "paused": _("Pause"),
                 "done": _("Complete"), "cancelled": _("Cancel")}


@dataclass
class WorkRow:
    id: int = 0
    number: str = ""
    product: str = ""
    order: str = ""
    parent: str = ""
    quantity: int = 0
    good: int = 0
    scrap: int = 0
    percent: int = 0
    status: str = ""
    due: str = ""


@dataclass
class OperationRow:
    sequence: int = 0
    name: str = ""
    work_center: str = ""
    machine: str = ""
    status: str = ""
    quantity: int = 0
    good: int = 0
    scrap: int = 0
    minutes: str = ""                  # setup + ideal cycle time x quantity
    overproduced: bool = False         # more good than the quantity and the plant's tolerance allow


def work_row(w: work_order_reads.WorkOrderSummary) -> WorkRow:
    return WorkRow(id=w.id, number=w.number, product=f"{w.product_code} · {w.product_name}",
                   order=w.order_number or "", parent=w.parent_number or "", quantity=w.quantity, good=w.quantity_good,
                   scrap=w.quantity_scrap, percent=w.progress_percent, status=w.status,
                   due=formats.day(w.due_date, fmt="short"))


class WorkOrdersState(AuthState):
    rows: list[WorkRow] = []
    total: int = 0
    offset: int = 0
    plant_filter: str = "all"
    status_filter: str = "all"
    search: str = ""
    selected: list[int] = []
    can_complete: bool = False          # from the list's read model: selecting and completing show
    setup: list[SetupStep] = []         # nothing to make yet: products and routings to set up first
    busy: bool = False
    loading: bool = True
    load_error: str = ""
    custom_filter_fields: list[CustomFilterField] = []
    custom_filter_key: str = ""
    custom_filter_value: str = ""

    @rx.var
    def plant_options(self) -> list[Option]:
        return [Option(id=str(p.id), label=f"{p.code} · {p.name}") for p in self.plants]

    @rx.var
    def page_label(self) -> str:
        return f"{self.offset + 1}–{min(self.offset + PAGE, self.total)} / {self.total}" if self.total else ""

    @rx.event
    def enter(self):
        self.offset, self.selected = 0, []
        return WorkOrdersState.load

    @rx.event
    def load(self):
        try:
            page = self._use_case(work_order_reads.list_work_orders, **self._filters(), limit=PAGE, offset=self.offset)
            self.custom_filter_fields = [CustomFilterField(key=d.key, label=d.label)
                                         for d in self._use_case(custom_fields.definitions, "work_order")]
        except DomainError as error:
            self.loading, self.rows, self.load_error = False, [], _(error.message)
            return self._refused(error, quiet=True)
        self.rows, self.total, self.can_complete = [work_row(w) for w in page.items], page.total, page.can_complete
        self.setup = [] if page.items else setup_steps(self._use_case(readiness.missing_steps,
                                                                      need=("products", "routings")))
        shown = {r.id for r in self.rows}
        self.selected = [i for i in self.selected if i in shown]
        self.loading, self.load_error = False, ""

    def _filters(self) -> dict:
        return dict(plant_id=as_id(self.plant_filter) or None,
                    status=None if self.status_filter == "all" else self.status_filter, search=self.search,
                    custom={self.custom_filter_key: self.custom_filter_value} if self.custom_filter_key else None)

    @rx.event
    def set_custom_filter_key(self, key: str):
        self.custom_filter_key = key if any(f.key == key for f in self.custom_filter_fields) else ""
        self.custom_filter_value, self.offset = "", 0
        return WorkOrdersState.load

    @rx.event
    def set_custom_filter_value(self, value: str):
        self.custom_filter_value, self.offset = str(value or "")[:200], 0
        return WorkOrdersState.load

    @rx.event
    def export(self, fmt: str):
        """Every work order the filters select (not just this page), with custom field columns."""
        def rows_and_columns(session, actor):
            page = work_order_reads.list_work_orders(session, actor, **self._filters(), limit=work_order_reads.MAX_PAGE)
            return custom_field_views.with_custom_columns(session, actor, "work_order", page.items,
                                                     work_order_reads.WORK_ORDER_COLUMNS)
        try:
            rows, columns = self._use_case(rows_and_columns)
        except DomainError as error:
            return self._refused(error)
        return download(rows, columns, "work-orders", "xlsx" if fmt == "xlsx" else "csv")

    @rx.event
    def apply_search(self, form: dict):
        self.search, self.offset = str(form.get("search", "")).strip()[:100], 0
        return WorkOrdersState.load

    @rx.event
    def set_filter(self, name: str, value: str):
        if name in ("plant_filter", "status_filter"):
            setattr(self, name, str(value))
            self.offset, self.selected = 0, []
            return WorkOrdersState.load

    @rx.event
    def turn_page(self, step: int):
        self.offset = max(0, min(self.offset + int(step) * PAGE, max(0, self.total - 1)))
        self.selected = []
        return WorkOrdersState.load

    @rx.event
    def toggle(self, work_order_id: int, checked: bool):
        wanted = as_id(work_order_id)
        rest = [i for i in self.selected if i != wanted]
        self.selected = rest + [wanted] if checked else rest

    @rx.event
    def toggle_all(self, checked: bool):
        self.selected = [r.id for r in self.rows] if checked else []

    @rx.event
    def complete_selected(self):
        ids = list(self.selected)
        try:
            done = self._use_case(work_orders.complete_work_orders, ids, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        self.selected = []
        return [rx.toast.success(_("Completed {n} work orders").format(n=len(done))), WorkOrdersState.load]


class WorkOrderDetailState(AuthState):
    detail_open: bool = False
    row: WorkRow = WorkRow()
    operations: list[OperationRow] = []
    children: list[WorkRow] = []
    history: list[HistoryRow] = []
    actions: list[Option] = []          # the status changes allowed now: (status, label)
    reason: str = ""
    custom_inputs: list[CustomInput] = []
    custom_sections: list[FormSection] = []     # its custom fields as the organization laid them out
    custom_errors: dict[str, str] = {}
    can_edit_fields: bool = False       # from the detail's read model: "Save fields" shows
    _work_order_id: int = 0

    @rx.event
    def show(self, work_order_id: int):
        try:
            detail = self._use_case(work_order_reads.get_work_order, as_id(work_order_id))
        except DomainError as error:
            self.detail_open, self._work_order_id = False, 0
            return self._refused(error)
        self._fill(detail)
        self.detail_open, self.reason = True, ""

    def _fill(self, detail: work_order_reads.WorkOrderDetail) -> None:
        plant = next((p for p in self.plants if p.id == detail.plant_id), None)
        self._work_order_id, self.row = detail.id, work_row(detail)
        self.operations = [OperationRow(sequence=o.sequence, name=o.name, work_center=o.work_center_code,
                                        machine=o.machine_code or "", status=o.status, quantity=o.quantity,
                                        good=o.quantity_good, scrap=o.quantity_scrap, overproduced=o.overproduced,
                                        minutes=formats.number((o.setup_seconds + o.ideal_cycle_seconds * o.quantity) / 60, decimals=0))
                           for o in detail.operations]
        self.children = [work_row(c) for c in detail.children]
        self.history = history_rows(detail.history, plant.timezone if plant else "UTC")
        allowed = sorted(detail.next_statuses, key=list(ACTION_LABELS).index)
        self.actions = [Option(id=s.value, label=ACTION_LABELS[s.value]) for s in allowed]
        self.custom_inputs, self.custom_sections = entity_form(self._use_case, "work_order", detail.custom,
                                                               custom_only=True)
        self.custom_errors, self.can_edit_fields = {}, detail.can_edit_fields

    @rx.event
    def save_custom(self, form: dict):
        try:
            self._use_case(custom_fields.set_values, "work_order", self._work_order_id,
                           submitted_custom(form, self.custom_inputs), now=utcnow())
            detail = self._use_case(work_order_reads.get_work_order, self._work_order_id)
        except DomainError as error:
            self.custom_errors = translated_fields(error)
            return self._refused(error)
        self._fill(detail)
        return rx.toast.success(_("Saved") + f": {detail.number}")

    @rx.event
    def set_detail_open(self, is_open: bool):
        self.detail_open = bool(is_open)

    @rx.event
    def set_reason(self, value: str):
        self.reason = str(value)[:500]

    @rx.event
    def change(self, status: str):
        try:
            summary = self._use_case(work_orders.change_work_order_status, self._work_order_id, str(status),
                                     now=utcnow(), reason=self.reason.strip())
            detail = self._use_case(work_order_reads.get_work_order, summary.id)
        except (DomainError, ValueError) as error:
            return self._refused(error) if isinstance(error, DomainError) else rx.toast.error(_("Unknown status."))
        self._fill(detail)
        self.reason = ""
        return [rx.toast.success(f"{detail.number}: {ACTION_LABELS[str(status)]}"), WorkOrdersState.load]
