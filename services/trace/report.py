"""A trace as people read it: an indented table (forward and backward from one lot), its CSV, Excel
and PDF exports, and the positions of a layered graph for the trace screen.

- `trace_rows(session, actor, lot_id) -> TraceReport`: the backward tree (inputs, down to the
  supplier receipts) and the forward tree (outputs, serial counts, shipments and customers).
  A lot reached twice in a tree is shown again with `repeated=True` and without its subtree, so
  the table stays as long as the genealogy, not as long as every path through it.
- `report_csv`, `report_xlsx`, `report_pdf(session, actor, lot_id) -> bytes`.
- `graph_layout(report) -> GraphLayout`: nodes placed in columns by signed depth (inputs left of
  the lot, outputs and shipments right of it) and the edges between them, for a plotly figure.
Reading needs VIEW (through services/trace/tracing.py).
"""
from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel
from sqlmodel import Session

from services.core.access import Actor
from services.core.exports import to_csv, to_xlsx
from services.core.messages import Message, render, t, word
from services.core.pdf import Document
from services.trace.lots import get_lot
from services.trace.tracing import TraceResult, backward, forward

MAX_ROWS = 5000
COLUMNS = [("direction", t("Direction")), ("level", t("Level")), ("node", t("Node")), ("number", t("Lot / shipment")),
           ("product_code", t("Product")), ("product_name", t("Name")), ("link_quantity", t("Quantity used/shipped")),
           ("unit", t("Unit")), ("kind", t("Link")), ("status", t("Status")), ("supplier", t("Supplier")),
           ("supplier_lot_ref", t("Supplier lot")), ("work_order", t("Work order")), ("pass_no", t("Pass")),
           ("customer", t("Customer")), ("repeated", t("Shown above"))]
# the codes in a trace's rows as the PDF prints them: lower-case English, the labels' translations
WORDS: dict[str, Message] = {
    "start": word(t("Start"), "start"), "backward": word(t("Backward"), "backward"),
    "forward": word(t("Forward"), "forward"), "receipt": word(t("Receipt"), "receipt"),
    "production": word(t("Production"), "production"), "consume": word(t("Consume"), "consume"),
    "byproduct": word(t("By-product"), "byproduct"), "rework": word(t("Rework"), "rework"),
    "shipped": word(t("Shipped"), "shipped"), "available": word(t("Available"), "available"),
    "on_hold": word(t("On hold"), "on_hold"), "consumed": word(t("Used up"), "consumed"),
    "recalled": word(t("Recalled"), "recalled"), "open": word(t("Open"), "open"),
    "packing": word(t("Packing"), "packing"), "cancelled": word(t("Cancelled"), "cancelled"),
}


class TraceRow(BaseModel):
    direction: str                 # "start", "backward" or "forward"
    level: int                     # 0 for the lot traced; 1, 2 ... away from it
    node: str                      # "lot" or "shipment"
    node_id: int
    number: str
    product_code: str = ""
    product_name: str = ""
    link_quantity: int | None = None
    unit: str = ""
    kind: str = ""
    status: str = ""
    supplier: str = ""
    supplier_lot_ref: str = ""
    work_order: str = ""
    pass_no: int | None = None
    customer: str = ""
    repeated: bool = False
    truncated: bool = False


class TraceReport(BaseModel):
    lot_id: int
    lot_number: str
    rows: list[TraceRow]
    backward: TraceResult
    forward: TraceResult
    truncated: bool = False


class GraphLayout(BaseModel):
    xs: list[float]
    ys: list[float]
    labels: list[str]
    hover: list[str]
    kinds: list[str]               # "start", "receipt", "lot", "byproduct", "shipment"
    edge_xs: list[float | None]
    edge_ys: list[float | None]


def trace_rows(session: Session, actor: Actor, lot_id: int) -> TraceReport:
    back, fwd = backward(session, actor, lot_id), forward(session, actor, lot_id)
    root = back.lot(lot_id)
    rows = [_lot_row(root, "start", 0, None)]
    rows += _tree(back, lot_id, "backward")
    rows += _tree(fwd, lot_id, "forward")
    truncated = len(rows) > MAX_ROWS
    return TraceReport(lot_id=lot_id, lot_number=root.number, rows=rows[:MAX_ROWS], backward=back, forward=fwd,
                       truncated=truncated)


def _tree(result: TraceResult, root: int, direction: str) -> list[TraceRow]:
    children = defaultdict(list)
    for e in result.edges:
        parent, child = (e.output_lot_id, e.input_lot_id) if direction == "backward" else (e.input_lot_id, e.output_lot_id)
        children[parent].append((child, e))
    shipped = defaultdict(list)
    for s in result.shipments:
        for lid, quantity in s.lot_quantities.items():
            shipped[lid].append((s, quantity))
    lots = {lot.id: lot for lot in result.lots}
    rows: list[TraceRow] = []
    expanded = {root}
    stack = [(child, e, 1) for child, e in reversed(children[root])]
    if direction == "forward":
        rows += [_shipment_row(s, q, 1) for s, q in shipped[root]]
    while stack and len(rows) <= MAX_ROWS:
        lot_id, edge, level = stack.pop()
        repeated = lot_id in expanded
        rows.append(_lot_row(lots[lot_id], direction, level, edge, repeated=repeated))
        if repeated:
            continue
        expanded.add(lot_id)
        if direction == "forward":
            rows += [_shipment_row(s, q, level + 1) for s, q in shipped[lot_id]]
        stack += [(child, e, level + 1) for child, e in reversed(children[lot_id])]
    return rows


def _lot_row(lot, direction: str, level: int, edge, *, repeated: bool = False) -> TraceRow:
    return TraceRow(direction=direction, level=level, node="lot", node_id=lot.id, number=lot.number,
                    product_code=lot.product_code, product_name=lot.product_name,
                    link_quantity=edge.quantity if edge else lot.quantity_initial, unit=lot.unit,
                    kind=edge.kind.value if edge else lot.origin.value, status=lot.status.value,
                    supplier=lot.supplier, supplier_lot_ref=lot.supplier_lot_ref,
                    work_order=(edge.work_order_number if edge else "") or lot.work_order_number,
                    pass_no=(edge.pass_no if edge else None) or lot.pass_no, repeated=repeated)


def _shipment_row(shipment, quantity: int, level: int) -> TraceRow:
    return TraceRow(direction="forward", level=level, node="shipment", node_id=shipment.id, number=shipment.number,
                    link_quantity=quantity, kind="shipped", status=shipment.status.value,
                    customer=f"{shipment.customer_code} {shipment.customer_name}")


# ----- exports ---------------------------------------------------------------------------------

def report_csv(session: Session, actor: Actor, lot_id: int) -> bytes:
    return to_csv(trace_rows(session, actor, lot_id).rows, COLUMNS)


def report_xlsx(session: Session, actor: Actor, lot_id: int) -> bytes:
    report = trace_rows(session, actor, lot_id)
    return to_xlsx(report.rows, COLUMNS, sheet=render(t("Trace {number}", number=report.lot_number)))


def report_pdf(session: Session, actor: Actor, lot_id: int) -> bytes:
    report = trace_rows(session, actor, lot_id)
    lot = get_lot(session, actor, lot_id)
    pdf = Document(orientation="L")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_font("Helvetica", "B", 14)
    pdf.text_cell(0, 8, render(t("Trace of lot {number} - {code} {name}", number=lot.number, code=lot.product_code,
                                 name=lot.product_name)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    fwd = report.forward
    pdf.text_cell(0, 5, render(t("Inputs: {inputs} lots ({receipts} supplier receipts). Reached: {lots} lots, "
                                 "{serials} serials, {shipments} shipments, {customers} customers.",
                                 inputs=len(report.backward.lots) - 1, receipts=len(report.backward.receipts),
                                 lots=len(fwd.lots) - 1, serials=len(fwd.serials), shipments=len(fwd.shipments),
                                 customers=len(fwd.customers))), new_x="LMARGIN", new_y="NEXT")
    if fwd.customers:
        pdf.text_cell(0, 5, render(t("Customers: {customers}", customers=", ".join(f"{c.code} {c.name}"
                                                                                for c in fwd.customers))),
                      new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = [22, 70, 40, 22, 22, 22, 45, 30]
    headers = [t("Direction"), t("Lot / shipment"), t("Product"), t("Quantity"), t("Link"), t("Status"),
               t("Supplier / customer"), t("WO / pass")]
    pdf.set_font("Helvetica", "B", 8)
    for w, h in zip(widths, headers, strict=True):
        pdf.text_cell(w, 6, render(h), border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 8)
    for row in report.rows:
        who = row.customer or " ".join(x for x in (row.supplier, row.supplier_lot_ref) if x)
        wo = f"{row.work_order} /{row.pass_no}" if row.work_order else ""
        number = "  " * row.level + (render(t("{number} (above)", number=row.number)) if row.repeated else row.number)
        cells = [_word(row.direction), number, row.product_code, f"{row.link_quantity or ''} {row.unit}".strip(),
                 _word(row.kind), _word(row.status), who, wo]
        for w, text in zip(widths, cells, strict=True):
            pdf.text_cell(w, 5, str(text)[:60], border=1)
        pdf.ln()
    if report.truncated:
        pdf.text_cell(0, 6, render(t("Only the first {count} rows are shown; export CSV for all.", count=MAX_ROWS)),
                      new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _word(code: str) -> str:
    """A code of a trace row (direction, link kind, status) as the reader's word."""
    return render(WORDS[code]) if code in WORDS else code



# ----- the graph -------------------------------------------------------------------------------

def graph_layout(report: TraceReport) -> GraphLayout:
    """Columns by signed depth (inputs negative, outputs positive), rows spread evenly per column."""
    column: dict[tuple[str, int], int] = {("lot", report.lot_id): 0}
    info: dict[tuple[str, int], tuple[str, str, str]] = {}
    for lot in report.backward.lots:
        column.setdefault(("lot", lot.id), -lot.depth)
        info[("lot", lot.id)] = _lot_info(lot, report.lot_id)
    for lot in report.forward.lots:
        column.setdefault(("lot", lot.id), lot.depth)
        info[("lot", lot.id)] = _lot_info(lot, report.lot_id)
    segments = [(("lot", e.input_lot_id), ("lot", e.output_lot_id)) for e in report.backward.edges + report.forward.edges]
    for s in report.forward.shipments:
        key = ("shipment", s.id)
        column[key] = 1 + max(column[("lot", lid)] for lid in s.lot_ids if ("lot", lid) in column)
        info[key] = (s.number, render(t("{number} to {customer}: {quantity} ({status})", number=s.number,
                                        customer=" ".join((s.customer_code, s.customer_name)), quantity=s.quantity,
                                        status=_word(s.status.value))), "shipment")
        segments += [(("lot", lid), key) for lid in s.lot_ids if ("lot", lid) in column]
    by_column: dict[int, list] = defaultdict(list)
    for key in sorted(column, key=lambda k: (column[k], info[k][0])):
        by_column[column[key]].append(key)
    pos = {}
    for x, keys in by_column.items():
        for i, key in enumerate(keys):
            pos[key] = (float(x), float(i - (len(keys) - 1) / 2))
    keys = list(pos)
    edge_xs: list[float | None] = []
    edge_ys: list[float | None] = []
    for a, b in segments:
        if a in pos and b in pos:
            edge_xs += [pos[a][0], pos[b][0], None]
            edge_ys += [pos[a][1], pos[b][1], None]
    return GraphLayout(xs=[pos[k][0] for k in keys], ys=[pos[k][1] for k in keys], labels=[info[k][0] for k in keys],
                       hover=[info[k][1] for k in keys], kinds=[info[k][2] for k in keys], edge_xs=edge_xs,
                       edge_ys=edge_ys)


def _lot_info(lot, root: int) -> tuple[str, str, str]:
    kind = "start" if lot.id == root else "receipt" if lot.origin.value == "receipt" else \
        "byproduct" if lot.is_byproduct else "lot"
    source = f"{lot.supplier} {lot.supplier_lot_ref}".strip() if lot.origin.value == "receipt" else lot.work_order_number
    return (lot.number, f"{lot.number} {lot.product_code}: {lot.quantity}/{lot.quantity_initial} {lot.unit}, "
                        f"{_word(lot.status.value)}; {source}", kind)
