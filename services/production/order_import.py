"""Import customer orders from an Excel workbook (.xlsx) or a CSV file (.csv).

Columns (first row, any order, case and spaces ignored): order_ref, customer_code, product_code,
quantity, promised_date, and optionally unit_price and note. Rows with the same order_ref become the
lines of one order (customer_reference = order_ref) for one customer.

Invariants:
- `preview_import` reports every row's problems and never writes; `import_orders` re-validates and
  imports ALL rows or NOTHING: any problem raises `ImportRejected` (an Invalid carrying the report).
- A row is refused for: an empty order_ref, an unknown or inactive customer, an unknown or inactive
  product, a quantity that is not a whole number above 0, a promised date that is not a date
  (YYYY-MM-DD text or an Excel date cell), a bad unit price, the same order_ref + product + promised
  date appearing again (a duplicate line), an order_ref whose rows name different customers, or an
  order_ref already used by an order of that customer. A file is refused when its type is not
  .xlsx/.csv, it is empty, it cannot be read, or required columns are missing.
- Fast for 10,000 lines: one query for all product codes, one for customers, one for existing
  references; numbers reserved in one call; orders, lines and history inserted as batches.
- Needs PLAN at the plant the orders are for.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel, computed_field
from sqlalchemy import insert
from sqlmodel import Session, col, func, select

from models.catalog import Customer, Product
from models.orders import CustomerOrder, OrderLine, OrderStatus
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.display_names import pick
from services.core.errors import Invalid
from services.core.events import record
from services.core.messages import t
from services.core.numbering import next_numbers
from services.production.events import OrdersImported
from services.production.orders import PROMISED_RANGE, record_created
from services.production.work_orders import audit_many

REQUIRED = ("order_ref", "customer_code", "product_code", "quantity", "promised_date")
OPTIONAL = ("unit_price", "note")
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)


class ImportRow(BaseModel):
    row: int                       # the row number in the file (the column names are row 1)
    order_ref: str
    customer_code: str
    product_code: str
    quantity: str
    customer_name: str = ""        # the known customer's and product's names in the viewer's language
    product_name: str = ""
    promised_date: str
    unit_price: str
    note: str
    errors: list[str]


class ImportPreview(BaseModel):
    filename: str
    rows: list[ImportRow]
    file_errors: list[str]
    orders: int                    # distinct order_refs among the rows
    lines: int                     # rows that would become order lines
    error_rows: int

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented pattern; mypy refuses it
    @property
    def ok(self) -> bool:
        return not self.file_errors and self.error_rows == 0 and self.lines > 0


class ImportResult(BaseModel):
    orders: int
    lines: int
    first_number: str
    last_number: str


class ImportRejected(Invalid):
    """Nothing was imported; `preview` says why, row by row."""

    def __init__(self, preview: ImportPreview):
        bad = [r for r in preview.rows if r.errors]
        if preview.file_errors:
            message = t("Nothing was imported: {problems}", problems=" ".join(preview.file_errors))
        else:
            message = t("Nothing was imported: {bad} of {rows} rows have errors. Correct them and upload the file "
                        "again.", bad=len(bad), rows=len(preview.rows))
        fields = {"file": " ".join(preview.file_errors)} if preview.file_errors else {}
        fields.update({f"row {r.row}": " ".join(r.errors) for r in bad})
        super().__init__(message, fields=fields)
        self.preview = preview


@dataclass
class _Parsed:
    shown: ImportRow
    quantity: int | None = None
    promised: date | None = None
    price: Decimal | None = None
    product_id: int | None = None
    customer_id: int | None = None


class _FileProblem(Exception):
    pass


# ----- public -------------------------------------------------------------------------------

def preview_import(session: Session, actor: Actor, plant_id: int, filename: str, data: bytes) -> ImportPreview:
    """Every row of the file with its problems, and what an import would create. Writes nothing."""
    require(actor, Permission.PLAN, plant_id=plant_id)
    return _validate(session, actor, filename, data)[0]


def import_orders(session: Session, actor: Actor, plant_id: int, filename: str, data: bytes, *,
                  now: datetime) -> ImportResult:
    """Import every line of the file, or nothing (ImportRejected with the row report)."""
    require(actor, Permission.PLAN, plant_id=plant_id)
    preview, parsed = _validate(session, actor, filename, data)
    if not preview.ok:
        raise ImportRejected(preview)
    groups: OrderedDict[str, list[_Parsed]] = OrderedDict()
    for p in parsed:
        groups.setdefault(p.shown.order_ref, []).append(p)
    numbers = next_numbers(session, actor.organization_id, "SO", len(groups))
    ids = _insert_orders(session, actor, plant_id, groups, numbers, now)
    _insert_lines(session, actor, groups, ids, now)
    record_created(session, actor, ids, now=now, reason=f"Imported from {filename}")
    audit_many(session, actor, "customer_order", "import",
               [(order_id, plant_id, {"number": number, "file": filename}) for order_id, number in zip(ids, numbers, strict=True)],
               at=now)
    event = OrdersImported(organization_id=actor.organization_id, orders=len(groups), lines=len(parsed), file=filename,
                           first_number=numbers[0], last_number=numbers[-1], plant_id=plant_id,
                           actor_user_id=actor.user_id, at=now)
    audit(session, actor, "order_import", None, "import", event.payload, plant_id=plant_id, at=now)
    record(session, event)
    return ImportResult(orders=len(groups), lines=len(parsed), first_number=numbers[0], last_number=numbers[-1])


def import_template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REQUIRED + OPTIONAL)
    for row in _TEMPLATE_ROWS:
        writer.writerow([row[0], row[1], row[2], row[3], row[4].isoformat(), row[5], row[6]])
    return out.getvalue().encode("utf-8-sig")


def import_template_xlsx() -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Orders")
    bold, day, money = (book.add_format({"bold": True}), book.add_format({"num_format": "yyyy-mm-dd"}),
                        book.add_format({"num_format": "0.00"}))
    sheet.write_row(0, 0, REQUIRED + OPTIONAL, bold)
    for r, row in enumerate(_TEMPLATE_ROWS, start=1):
        sheet.write_string(r, 0, row[0])
        sheet.write_string(r, 1, row[1])
        sheet.write_string(r, 2, row[2])
        sheet.write_number(r, 3, row[3])
        sheet.write_datetime(r, 4, datetime.combine(row[4], datetime.min.time()), day)
        sheet.write_number(r, 5, float(row[5]), money)
        sheet.write_string(r, 6, row[6])
    sheet.set_column(0, 6, 16)
    book.close()
    return out.getvalue()


_TEMPLATE_ROWS = [
    ("PO-4711", "ACME", "FG-100", 250, date(2026, 4, 15), Decimal("12.50"), "Ship with pallet labels"),
    ("PO-4711", "ACME", "FG-200", 40, date(2026, 4, 30), Decimal("87.00"), ""),
]


# ----- validation ---------------------------------------------------------------------------

def _validate(session: Session, actor: Actor, filename: str, data: bytes) -> tuple[ImportPreview, list[_Parsed]]:
    try:
        header, raw_rows = _read_table(filename or "", data or b"")
        columns = _columns(header)
        parsed = [_parse_row(number, values, columns) for number, values in raw_rows]
        if len(parsed) > MAX_ROWS:
            raise _FileProblem(t("The file has {count} lines; import at most {maximum} at once.",
                                 count=len(parsed), maximum=MAX_ROWS))
    except _FileProblem as problem:
        return ImportPreview(filename=filename, rows=[], file_errors=[str(problem)], orders=0, lines=0,
                             error_rows=0), []
    _resolve_products(session, actor, parsed)
    _resolve_customers(session, actor, parsed)
    _check_groups(parsed)
    _check_existing_refs(session, actor, parsed)
    rows = [p.shown for p in parsed]
    return ImportPreview(filename=filename, rows=rows, file_errors=[], orders=len({r.order_ref for r in rows}),
                         lines=len(rows), error_rows=sum(1 for r in rows if r.errors)), parsed


def _read_table(filename: str, data: bytes) -> tuple[list, list[tuple[int, list]]]:
    name = filename.lower().strip()
    if not name.endswith((".csv", ".xlsx")):
        raise _FileProblem(t("'{filename}' is not an Excel workbook (.xlsx) or a CSV file (.csv); save it as one of "
                             "those and upload it again.", filename=filename))
    if len(data) > MAX_BYTES:
        raise _FileProblem(t("The file is larger than {max_bytes} MB.", max_bytes=MAX_BYTES // (1024 * 1024)))
    if not data.strip():
        raise _FileProblem(t("The file is empty."))
    table = _xlsx_rows(data) if name.endswith(".xlsx") else _csv_rows(data)
    table = [(n, values) for n, values in table if any(_text(v) for v in values)]
    if not table:
        raise _FileProblem(t("The file is empty."))
    (_, header), rows = table[0], table[1:]
    if not rows:
        raise _FileProblem(t("The file has column names but no order lines."))
    return header, rows


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _FileProblem(t("The CSV file is not UTF-8 text; save it as 'CSV UTF-8' and upload it again.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(n, values) for n, values in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise _FileProblem(t("The CSV file cannot be read: {exc}.", exc=exc)) from None


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _FileProblem(t("The file is not a readable Excel workbook (.xlsx); open it in Excel and save it again as .xlsx.")) from None
    try:
        sheet = book.worksheets[0]
        return [(n, list(values)) for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def _columns(header: list) -> dict[str, int]:
    names = [re.sub(r"[\s-]+", "_", _text(h).lower()) for h in header]
    columns = {}
    for index, name in enumerate(names):
        if name in REQUIRED + OPTIONAL and name not in columns:
            columns[name] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise _FileProblem(t("Missing columns: {missing}. The first row must name the columns {required} (and "
                             "optionally {optional}).", missing=", ".join(missing), required=", ".join(REQUIRED),
                             optional=", ".join(OPTIONAL)))
    return columns


def _parse_row(number: int, values: list, columns: dict[str, int]) -> _Parsed:
    def cell(name: str):
        index = columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    errors: list[str] = []
    ref, note = _text(cell("order_ref")), _text(cell("note"))
    if not ref:
        errors.append(t("order_ref is empty."))
    elif len(ref) > 64:
        errors.append(t("order_ref is longer than 64 characters."))
    if len(note) > 2000:
        errors.append(t("note is longer than 2000 characters."))
    if not _text(cell("customer_code")):
        errors.append(t("customer_code is empty."))
    if not _text(cell("product_code")):
        errors.append(t("product_code is empty."))
    quantity = _quantity(cell("quantity"), errors)
    promised = _promised(cell("promised_date"), errors)
    price = _price(cell("unit_price"), errors)
    shown = ImportRow.model_construct(       # every value is a str built here: no validation needed
        row=number, order_ref=ref, customer_code=_text(cell("customer_code")), product_code=_text(cell("product_code")),
        quantity=_text(cell("quantity")), promised_date=promised.isoformat() if promised else _text(cell("promised_date")),
        unit_price=_text(cell("unit_price")), note=note, errors=errors)
    return _Parsed(shown=shown, quantity=quantity, promised=promised, price=price)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _quantity(value, errors: list[str]) -> int | None:
    text = _text(value)
    try:
        number = Decimal(text) if not isinstance(value, (int, float)) or isinstance(value, bool) else Decimal(str(value))
    except InvalidOperation:
        number = None
    if not text:
        errors.append(t("Quantity is empty."))
    elif number is None or not number.is_finite() or number != number.to_integral_value() or number <= 0:
        errors.append(t("Quantity '{text}' is not a whole number above 0.", text=text))
    elif number > 2_000_000_000:
        errors.append(t("Quantity '{text}' is too large.", text=text))
    else:
        return int(number)
    return None


def _promised(value, errors: list[str]) -> date | None:
    promised = _parse_promised(value, errors)
    if promised is not None and not PROMISED_RANGE[0] <= promised <= PROMISED_RANGE[1]:
        errors.append(t("Promised date {promised} is not between {earliest} and {latest}.",
                        promised=promised.isoformat(), earliest=PROMISED_RANGE[0].isoformat(), latest=PROMISED_RANGE[1].isoformat()))
        return None
    return promised


def _parse_promised(value, errors: list[str]) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return _EXCEL_EPOCH + timedelta(days=int(value))          # an Excel date serial in a number cell
    text = _text(value)
    match = _DATE_RE.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    errors.append(t("Promised date is empty.") if not text else
                  t("Promised date '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-04-15.", text=text))
    return None


def _price(value, errors: list[str]) -> Decimal | None:
    text = _text(value)
    if not text:
        return None
    if isinstance(value, str) and "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")                             # 12,50 from a European spreadsheet
    try:
        price = Decimal(str(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else Decimal(text)
    except InvalidOperation:
        price = None
    if price is None or not price.is_finite():
        errors.append(t("Unit price '{value}' is not a number.", value=_text(value)))
    elif price < 0:
        errors.append(t("Unit price '{value}' is negative.", value=_text(value)))
    elif price >= Decimal("1e10"):
        errors.append(t("Unit price '{value}' is too large.", value=_text(value)))
    else:
        return price
    return None


def _by_code(rows) -> dict[str, tuple]:
    """code (upper case) -> (id, code, is_active, names...); an exact-case match wins over another casing."""
    found: dict[str, tuple] = {}
    for row in rows:
        key = row[1].upper()
        if key not in found or row[1] == key:
            found[key] = tuple(row)
    return found


def _resolve_products(session: Session, actor: Actor, parsed: list[_Parsed]) -> None:
    _resolve_codes(session, actor, parsed, Product, "product_code", "product_id", "product_name")


def _resolve_customers(session: Session, actor: Actor, parsed: list[_Parsed]) -> None:
    _resolve_codes(session, actor, parsed, Customer, "customer_code", "customer_id", "customer_name")


def _resolve_codes(session: Session, actor: Actor, parsed: list[_Parsed], model, column: str, target: str,
                   shown_name: str) -> None:
    """One query for every code of `column` in the file (case-insensitive, within the actor's
    organization); each row gets the id in `target` and the name in the viewer's language in `shown_name`,
    or an error naming the unknown or inactive code."""
    codes = {getattr(p.shown, column).upper() for p in parsed if getattr(p.shown, column)}
    if not codes:
        return
    query = select(model.id, model.code, model.is_active, model.name, model.name2,  # type: ignore[call-overload]  # sqlmodel: 5+ columns untyped
                   model.name2_language)
    rows = session.exec(query.where(model.organization_id == actor.organization_id,
                                    func.upper(model.code).in_(codes))).all()
    found = _by_code(rows)
    for p in parsed:
        code = getattr(p.shown, column)
        if not code:
            continue
        hit = found.get(code.upper())
        if hit is None:
            p.shown.errors.append(t("Unknown product '{code}'.", code=code) if model is Product else
                                  t("Unknown customer '{code}'.", code=code))
        elif not hit[2]:
            p.shown.errors.append(t("Product '{code}' is inactive.", code=hit[1]) if model is Product else
                                  t("Customer '{code}' is inactive.", code=hit[1]))
        else:
            setattr(p, target, hit[0])
            setattr(p.shown, shown_name, pick(*hit[3:6]))


def _check_groups(parsed: list[_Parsed]) -> None:
    """Duplicate lines, and order_refs whose rows name different customers."""
    first_line: dict[tuple, int] = {}
    first_customer: dict[str, tuple[str, int]] = {}
    for p in parsed:
        ref = p.shown.order_ref
        if not ref:
            continue
        customer = p.shown.customer_code.upper()
        if customer:
            seen = first_customer.setdefault(ref, (customer, p.shown.row))
            if seen[0] != customer:
                p.shown.errors.append(t("Order {ref} is for customer {customer} (row {row}), not {customer_code}.",
                                        ref=ref, customer=seen[0], row=seen[1], customer_code=p.shown.customer_code))
        if p.shown.product_code and p.promised:
            key = (ref, p.shown.product_code.upper(), p.promised)
            if key in first_line:
                p.shown.errors.append(t("Duplicate line: row {row} already has order {ref}, product {product_code} "
                                        "promised for {promised}.", row=first_line[key], ref=ref,
                                        product_code=p.shown.product_code, promised=p.promised.isoformat()))
            else:
                first_line[key] = p.shown.row


def _check_existing_refs(session: Session, actor: Actor, parsed: list[_Parsed]) -> None:
    refs = {p.shown.order_ref for p in parsed if p.shown.order_ref}
    if not refs:
        return
    rows = session.exec(select(CustomerOrder.customer_reference, CustomerOrder.customer_id, CustomerOrder.number)
                        .where(CustomerOrder.organization_id == actor.organization_id,
                               col(CustomerOrder.customer_reference).in_(refs),
                               CustomerOrder.status != OrderStatus.CANCELLED)).all()
    existing = {(ref, customer_id): number for ref, customer_id, number in rows}
    for p in parsed:
        number = existing.get((p.shown.order_ref, p.customer_id)) if p.customer_id is not None else None
        if number:
            p.shown.errors.append(t("Order {order_ref} of this customer was already imported as {number}.",
                                    order_ref=p.shown.order_ref, number=number))


# ----- writing ------------------------------------------------------------------------------

def _insert_orders(session: Session, actor: Actor, plant_id: int, groups: OrderedDict, numbers: list[str],
                   now: datetime) -> list[int]:
    rows = []
    for (ref, lines), number in zip(groups.items(), numbers, strict=True):
        notes = list(dict.fromkeys(p.shown.note for p in lines if p.shown.note))
        rows.append(dict(organization_id=actor.organization_id, plant_id=plant_id, number=number,
                         customer_id=lines[0].customer_id, customer_reference=ref, status=OrderStatus.OPEN,
                         note=" / ".join(notes)[:2000], created_at=now, updated_at=now, created_by=actor.user_id,
                         updated_by=actor.user_id))
    result = session.execute(insert(CustomerOrder).returning(col(CustomerOrder.id), col(CustomerOrder.number),
                                                             sort_by_parameter_order=True), rows)
    by_number = {number: order_id for order_id, number in result.all()}
    return [by_number[number] for number in numbers]


def _insert_lines(session: Session, actor: Actor, groups: OrderedDict, ids: list[int], now: datetime) -> None:
    rows = [dict(organization_id=actor.organization_id, order_id=order_id, line_no=n, product_id=p.product_id,
                 quantity=p.quantity, promised_date=p.promised, unit_price=p.price, quantity_delivered=0,
                 created_at=now, updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
            for order_id, lines in zip(ids, groups.values(), strict=True) for n, p in enumerate(lines, start=1)]
    session.execute(insert(OrderLine), rows)
