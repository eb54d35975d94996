"""/trace: one lot forward and backward on one screen (graph + indented table), its exports, and
the recall simulation (from this lot, a supplier lot, or a machine and a time range in UTC) with the
hold of affected stock.

Everything goes through services.trace.report / services.trace.recall with the actor re-resolved from the
token; only plain rows and a figure are kept in state.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import plotly.graph_objects as go
import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import Option
from rxapp.state.org.auth import AuthState, as_id
from services.core import formats
from services.core.errors import DomainError
from services.master import work_centers
from services.trace import lots, recall
from services.trace import report as trace_report
from services.trace.recall import RecallQuery
from services.trace.report import GraphLayout, TraceReport

COLORS = {"start": "#e5484d", "receipt": "#3e63dd", "lot": "#30a46c", "byproduct": "#f5a524", "shipment": "#8e4ec6"}


@dataclass
class TraceRowView:
    direction: str = ""
    indent: str = "0px"
    node: str = ""
    node_id: int = 0
    number: str = ""
    product: str = ""
    quantity: str = ""
    kind: str = ""
    status: str = ""
    who: str = ""
    work_order: str = ""
    repeated: bool = False


@dataclass
class AffectedRow:
    number: str = ""
    detail: str = ""
    status: str = ""


def figure_of(layout: GraphLayout) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=layout.edge_xs, y=layout.edge_ys, mode="lines", hoverinfo="skip",
                             line={"color": "#8b8d98", "width": 1}, showlegend=False))
    fig.add_trace(go.Scatter(x=layout.xs, y=layout.ys, mode="markers+text", text=layout.labels,
                             textposition="top center", hovertext=layout.hover, hoverinfo="text", showlegend=False,
                             marker={"size": 16, "color": [COLORS[k] for k in layout.kinds],
                                     "line": {"width": 1, "color": "#ffffff"}}))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 30}, height=420, plot_bgcolor="rgba(0,0,0,0)",
                      paper_bgcolor="rgba(0,0,0,0)",
                      xaxis={"title": _("← inputs · outputs and shipments →"), "zeroline": False, "showgrid": False,
                             "tickmode": "linear", "dtick": 1},
                      yaxis={"visible": False})
    return fig


def rows_of(report: TraceReport) -> list[TraceRowView]:
    return [TraceRowView(direction=r.direction, indent=f"{min(r.level, 20) * 20}px", node=r.node, node_id=r.node_id,
                         number=r.number, product=f"{r.product_code} {r.product_name}".strip(),
                         quantity=f"{r.link_quantity if r.link_quantity is not None else ''} {r.unit}".strip(),
                         kind=r.kind, status=r.status,
                         who=r.customer or " ".join(x for x in (r.supplier, r.supplier_lot_ref) if x),
                         work_order=f"{r.work_order} / {r.pass_no}" if r.work_order else "", repeated=r.repeated)
            for r in report.rows]


class TraceState(AuthState):
    lot_id: int = 0
    lot_number: str = ""
    lot_title: str = ""
    lot_status: str = ""
    query: str = ""
    rows: list[TraceRowView] = []
    figure: go.Figure = go.Figure()
    inputs: int = 0
    receipts: int = 0
    reached: int = 0
    serials: int = 0
    shipments: int = 0
    customers: list[str] = []
    truncated: bool = False
    loading: bool = False
    load_error: str = ""
    recall_title: str = ""
    recall_lots: list[AffectedRow] = []
    recall_shipments: list[AffectedRow] = []
    recall_customers: list[str] = []
    recall_on_hand: int = 0
    recall_may_hold: bool = False
    hold_reason: str = ""
    hold_error: str = ""
    _recall: dict = {}
    machine_options: list[Option] = []
    mark_recalled: bool = False

    @rx.var
    def has_trace(self) -> bool:
        return self.lot_id > 0

    @rx.var
    def has_recall(self) -> bool:
        return self.recall_title != ""

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        lot_id = as_id(query.get("lot", "") or 0)
        self._clear_recall()
        self._load_machines()
        if lot_id:
            return TraceState.open_lot(lot_id)
        self.loading = False

    @rx.event
    def find(self, form: dict):
        number = str(form.get("number", "")).strip()[:64]
        self.query = number
        if not number:
            self.load_error = _("Type or scan a lot number.")
            return
        try:
            lot = self._use_case(lots.lot_by_number, number)
        except DomainError as error:
            self.load_error = _(error.message)
            return
        return TraceState.open_lot(lot.id)

    @rx.event
    def open_lot(self, lot_id: int):
        self.loading, self.load_error = True, ""
        try:
            report = self._use_case(trace_report.trace_rows, as_id(lot_id))
        except DomainError as error:
            self.loading, self.lot_id, self.rows = False, 0, []
            self.load_error = _(error.message)
            return self._refused(error, quiet=True)
        root = report.backward.lot(report.lot_id)
        self.lot_id, self.lot_number = report.lot_id, report.lot_number
        self.lot_title, self.lot_status = f"{root.number} · {root.product_code} {root.product_name}", root.status.value
        self.rows, self.figure = rows_of(report), figure_of(trace_report.graph_layout(report))
        self.inputs, self.receipts = len(report.backward.lots) - 1, len(report.backward.receipts)
        self.reached, self.serials = len(report.forward.lots) - 1, len(report.forward.serials)
        self.shipments = len(report.forward.shipments)
        self.customers = [f"{c.code} · {c.name}" for c in report.forward.customers]
        self.truncated, self.loading = report.truncated, False

    @rx.event
    def export(self, fmt: str):
        makers = {"csv": (trace_report.report_csv, "text/csv"),
                  "xlsx": (trace_report.report_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                  "pdf": (trace_report.report_pdf, "application/pdf")}
        if fmt not in makers or not self.lot_id:
            return
        make, mime = makers[fmt]
        try:
            data = self._use_case(make, self.lot_id)
        except DomainError as error:
            return self._refused(error)
        return rx.download(data=data, filename=f"trace-{self.lot_number}-{utcnow():%Y%m%d-%H%M}.{fmt}", mime_type=mime)

    # ----- recall --------------------------------------------------------------------------------

    @rx.event
    def recall_this_lot(self):
        if self.lot_id:
            return self._simulate(RecallQuery(lot_id=self.lot_id))

    @rx.event
    def recall_supplier(self, form: dict):
        ref = str(form.get("supplier_lot_ref", "")).strip()[:64]
        if not ref:
            return rx.toast.error(_("Type the supplier's lot reference."))
        return self._simulate(RecallQuery(supplier_lot_ref=ref, supplier=str(form.get("supplier", "")).strip()[:200] or None))

    @rx.event
    def recall_machine(self, form: dict):
        machine, start, end = str(form.get("machine_id") or ""), utc_minute(form.get("start")), utc_minute(form.get("end"))
        if not machine or start is None or end is None:
            return rx.toast.error(_("Choose a machine and the start and end of the suspect period."))
        return self._simulate(RecallQuery(machine_id=as_id(machine), start=start, end=end))

    def _load_machines(self):
        try:
            found = self._use_case(work_centers.list_machines)
        except DomainError:
            self.machine_options = []
            return
        self.machine_options = [Option(value=str(m.id), label=f"{m.plant_code} · {m.code} · {m.display_name or m.name}") for m in found]

    def _simulate(self, query: RecallQuery):
        try:
            result = self._use_case(recall.simulate, query)
        except DomainError as error:
            self._clear_recall()
            return self._refused(error)
        self._recall = query.model_dump(mode="json")
        t = result.trace
        self.recall_title = _("Recall from {what}").format(what=self._describe(query))
        self.recall_lots = [AffectedRow(number=lot.number, status=lot.status.value,
                                        detail=f"{lot.product_code} · {lot.quantity}/{lot.quantity_initial} {lot.unit}")
                            for lot in t.lots]
        self.recall_shipments = [AffectedRow(number=s.number, status=s.status.value,
                                             detail=f"{s.customer_code} · {s.customer_name} · {s.quantity}")
                                 for s in t.shipments]
        self.recall_customers = [f"{c.code} · {c.name}" for c in t.customers]
        self.recall_on_hand, self.recall_may_hold = len(result.holdable_lot_ids), result.may_hold
        self.hold_error = ""

    def _describe(self, query: RecallQuery) -> str:
        if query.machine_id is None:
            return query.describe()
        machine = next((o.label for o in self.machine_options if o.value == str(query.machine_id)), f"#{query.machine_id}")
        return _("machine {machine} from {start} to {end} UTC").format(
            machine=machine, start=formats.moment(query.start, "UTC", fmt="short"),
            end=formats.moment(query.end, "UTC", fmt="short"))

    @rx.event
    def set_hold_reason(self, value: str):
        self.hold_reason = str(value)[:400]

    @rx.event
    def set_mark_recalled(self, value: bool):
        self.mark_recalled = bool(value)

    @rx.event
    def hold_affected(self):
        if not self._recall:
            return
        try:
            held = self._use_case(recall.hold_affected, RecallQuery(**self._recall), reason=self.hold_reason,
                                  mark_recalled=self.mark_recalled, now=utcnow())
        except DomainError as error:
            self.hold_error = _(error.fields.get("reason", error.message))
            return self._refused(error)
        self.hold_reason, self.hold_error = "", ""
        query = RecallQuery(**self._recall)
        events = [rx.toast.success(_("{count} lot(s) put on hold.").format(count=len(held.held_lot_ids)))]
        if held.recalled_lot_ids:
            events.append(rx.toast.success(_("{count} shipped lot(s) marked recalled.").format(
                count=len(held.recalled_lot_ids))))
        self._simulate(query)
        if self.lot_id:
            events.append(TraceState.open_lot(self.lot_id))
        return events

    def _clear_recall(self):
        self.recall_title, self.recall_lots, self.recall_shipments, self.recall_customers = "", [], [], []
        self.recall_on_hand, self.recall_may_hold, self._recall, self.hold_error = 0, False, {}, ""


def utc_minute(text) -> datetime | None:
    """A datetime-local field's value ("2026-03-02T08:00"), read as UTC; None when empty or not a time."""
    try:
        value = datetime.fromisoformat(str(text or "").strip())
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
