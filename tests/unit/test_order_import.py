"""Importing orders from CSV and Excel: every bad row reported, all or nothing, 10,000 lines."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from sqlmodel import select

from models.audit import AuditEntry
from models.catalog import ProductType
from models.orders import CustomerOrder, OrderLine, OrderStatus, StatusChange
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid
from services.production import order_import
from services.production.order_import import ImportRejected
from tests.factories.db import count, fetch, snapshot
from tests.factories.orders import customer, make_shop, plain_product

HEADER = ["order_ref", "customer_code", "product_code", "quantity", "promised_date", "unit_price", "note"]


@pytest.fixture
def shop(session):
    shop = make_shop(session)
    org = shop.world.org_a
    customer(session, org, "ACME")
    customer(session, org, "GLOBEX")
    customer(session, org, "OLDCO", active=False)
    plain_product(session, org, code="FG-100", type=ProductType.FINISHED)
    plain_product(session, org, code="FG-200", type=ProductType.FINISHED)
    plain_product(session, org, code="FG-OLD", type=ProductType.FINISHED, active=False)
    return shop


def csv_bytes(rows, *, header=HEADER, delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, day)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def preview(session, shop, name, data):
    return order_import.preview_import(session, shop.planner, shop.world.plant1, name, data)


def run_import(session, shop, name, data, now):
    with transaction(session):
        return order_import.import_orders(session, shop.planner, shop.world.plant1, name, data, now=now)


BAD_ROWS = [
    ["PO-1", "ACME", "FG-100", "10", "2026-04-01", "1.50", ""],          # row 2: good
    ["PO-1", "NOBODY", "FG-100", "5", "2026-04-02", "", ""],             # row 3
    ["PO-2", "ACME", "FG-999", "5", "2026-04-01", "", ""],               # row 4
    ["PO-2", "ACME", "FG-OLD", "5", "2026-04-01", "", ""],               # row 5
    ["PO-3", "GLOBEX", "FG-100", "5", "31.12.2026", "", ""],             # row 6
    ["PO-3", "GLOBEX", "FG-200", "-3", "2026-04-01", "", ""],            # row 7
    ["PO-3", "GLOBEX", "FG-200", "2.5", "2026-04-02", "", ""],           # row 8
    ["PO-1", "ACME", "FG-100", "7", "2026-04-01", "", ""],               # row 9: duplicate of row 2
    ["", "ACME", "FG-100", "1", "2026-04-01", "abc", ""],                # row 10
    ["PO-4", "OLDCO", "FG-200", "0", "2026-02-30", "-1", ""],            # row 11
    ["PO-5", "GLOBEX", "FG-200", "4", "2026-04-03", "", ""],             # row 12: good
]
BAD_REPORT = {
    3: ["Unknown customer 'NOBODY'.", "Order PO-1 is for customer ACME (row 2), not NOBODY."],
    4: ["Unknown product 'FG-999'."],
    5: ["Product 'FG-OLD' is inactive."],
    6: ["Promised date '31.12.2026' is not a date; write it as YYYY-MM-DD, e.g. 2026-04-15."],
    7: ["Quantity '-3' is not a whole number above 0."],
    8: ["Quantity '2.5' is not a whole number above 0."],
    9: ["Duplicate line: row 2 already has order PO-1, product FG-100 promised for 2026-04-01."],
    10: ["order_ref is empty.", "Unit price 'abc' is not a number."],
    11: ["Quantity '0' is not a whole number above 0.",
         "Promised date '2026-02-30' is not a date; write it as YYYY-MM-DD, e.g. 2026-04-15.",
         "Unit price '-1' is negative.", "Customer 'OLDCO' is inactive."],
}


def test_preview_reports_each_bad_row_exactly(session, shop):
    result = preview(session, shop, "orders.csv", csv_bytes(BAD_ROWS))
    assert {r.row: r.errors for r in result.rows if r.errors} == BAD_REPORT
    assert [r.row for r in result.rows if not r.errors] == [2, 12]
    assert (result.lines, result.error_rows, result.ok, result.file_errors) == (11, 9, False, [])


def test_a_file_with_errors_imports_nothing_and_carries_the_report(session, engine, shop, now, captured_events):
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as rejected:
        run_import(session, shop, "orders.csv", csv_bytes(BAD_ROWS), now)
    assert isinstance(rejected.value, Invalid)
    assert rejected.value.message == ("Nothing was imported: 9 of 11 rows have errors. "
                                      "Correct them and upload the file again.")
    assert rejected.value.fields == {f"row {n}": " ".join(errors) for n, errors in BAD_REPORT.items()}
    assert {r.row: r.errors for r in rejected.value.preview.rows if r.errors} == BAD_REPORT
    assert snapshot(engine) == before
    assert not [e for e in captured_events if e.name == "orders.imported"]


def test_a_good_csv_imports_completely(session, engine, shop, now, captured_events):
    rows = [["PO-7", "ACME", "FG-100", "10", "2026-04-01", "1.50", "first"],
            ["PO-7", "acme", "fg-200", "20", "2026-04-08", "", "second"],
            ["PO-8", "GLOBEX", "FG-100", "5", "2026-05-01", "", ""],
            ["PO-7", "ACME", "FG-100", "3", "2026-04-15", "2", ""]]
    result = run_import(session, shop, "orders.csv", csv_bytes(rows), now)
    assert (result.orders, result.lines, result.first_number, result.last_number) == (2, 4, "SO-000001", "SO-000002")
    orders = fetch(engine, CustomerOrder, order_by=CustomerOrder.number)
    assert [(o.number, o.customer_reference, o.note, o.status, o.plant_id) for o in orders] == [
        ("SO-000001", "PO-7", "first / second", OrderStatus.OPEN, shop.world.plant1),
        ("SO-000002", "PO-8", "", OrderStatus.OPEN, shop.world.plant1)]
    lines = fetch(engine, OrderLine, OrderLine.order_id == orders[0].id, order_by=OrderLine.line_no)
    assert [(ln.line_no, ln.quantity, ln.promised_date, ln.unit_price) for ln in lines] == [
        (1, 10, date(2026, 4, 1), Decimal("1.5")), (2, 20, date(2026, 4, 8), None), (3, 3, date(2026, 4, 15), Decimal("2"))]
    assert count(engine, StatusChange, StatusChange.entity == "customer_order", StatusChange.to_status == "open") == 2
    assert count(engine, AuditEntry, AuditEntry.entity == "customer_order", AuditEntry.action == "import") == 2
    [event] = [e for e in captured_events if e.name == "orders.imported"]
    assert (event.payload["orders"], event.payload["lines"], event.plant_id) == (2, 4, shop.world.plant1)


def test_a_good_xlsx_with_excel_date_cells_imports_completely(session, engine, shop, now):
    rows = [["PO-X", "ACME", "FG-100", 12, datetime(2026, 6, 1), 3.25, "from Excel"],
            ["PO-X", "ACME", "FG-200", 4.0, datetime(2026, 6, 2), None, None],
            ["PO-Y", "GLOBEX", "FG-100", 1, 46175, None, None]]            # 46175 = 2026-06-02 as a plain number
    shown = preview(session, shop, "Orders.XLSX", xlsx_bytes(rows))
    assert [(r.row, r.quantity, r.promised_date, r.errors) for r in shown.rows] == [
        (2, "12", "2026-06-01", []), (3, "4", "2026-06-02", []), (4, "1", "2026-06-02", [])]
    result = run_import(session, shop, "Orders.XLSX", xlsx_bytes(rows), now)
    assert (result.orders, result.lines) == (2, 3)
    lines = fetch(engine, OrderLine, order_by=OrderLine.id)
    assert [(ln.quantity, ln.promised_date, ln.unit_price) for ln in lines] == [
        (12, date(2026, 6, 1), Decimal("3.25")), (4, date(2026, 6, 2), None), (1, date(2026, 6, 2), None)]


def test_openpyxl_written_date_cells_are_dates(session, shop):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER[:5])
    sheet.append(["PO-O", "ACME", "FG-100", 2, date(2026, 7, 9)])
    out = io.BytesIO()
    book.save(out)
    shown = preview(session, shop, "o.xlsx", out.getvalue())
    assert [(r.promised_date, r.errors) for r in shown.rows] == [("2026-07-09", [])]


def test_semicolon_csv_with_bom_and_decimal_commas(session, engine, shop, now):
    rows = [["PO-S", "ACME", "FG-100", "5", "2026-04-01", "12,50", "Grüße"],
            ["PO-S", "ACME", "FG-200", "6", "2026-04-01", "", ""]]
    data = csv_bytes(rows, header=[h.upper().replace("_", " ") for h in HEADER], delimiter=";", bom=True)
    result = run_import(session, shop, "semi.csv", data, now)
    assert (result.orders, result.lines) == (1, 2)
    line = fetch(engine, OrderLine, OrderLine.line_no == 1)[0]
    assert line.unit_price == Decimal("12.5")
    assert fetch(engine, CustomerOrder)[0].note == "Grüße"


def test_columns_in_any_order_and_optional_columns_missing(session, shop):
    header = ["promised_date", "quantity", "product_code", "customer_code", "order_ref"]
    shown = preview(session, shop, "o.csv", csv_bytes([["2026-04-01", "3", "FG-100", "ACME", "PO-Z"]], header=header))
    assert shown.ok and (shown.orders, shown.lines) == (1, 1)


@pytest.mark.parametrize("name, data, message", [
    ("orders.csv", b"", "The file is empty."),
    ("orders.csv", b"\n\n", "The file is empty."),
    ("orders.csv", ",".join(HEADER).encode() + b"\n", "The file has column names but no order lines."),
    ("orders.csv", b"order_ref,customer_code,product_code\nPO-1,ACME,FG-100\n",
     "Missing columns: quantity, promised_date. The first row must name the columns order_ref, customer_code, "
     "product_code, quantity, promised_date (and optionally unit_price, note)."),
    ("orders.pdf", b"%PDF-1.4", "'orders.pdf' is not an Excel workbook (.xlsx) or a CSV file (.csv); save it as one "
                                "of those and upload it again."),
    ("orders.xlsx", b"this is not a zip file",
     "The file is not a readable Excel workbook (.xlsx); open it in Excel and save it again as .xlsx."),
    ("orders.csv", "order_ref;Straße\n".encode("latin-1") + b"\xff\xfe",
     "The CSV file is not UTF-8 text; save it as 'CSV UTF-8' and upload it again."),
])
def test_whole_file_problems(session, engine, shop, now, name, data, message):
    shown = preview(session, shop, name, data)
    assert (shown.file_errors, shown.rows, shown.ok) == ([message], [], False)
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as rejected:
        run_import(session, shop, name, data, now)
    assert rejected.value.message == "Nothing was imported: " + message
    assert rejected.value.fields == {"file": message}
    assert snapshot(engine) == before


def test_importing_the_same_file_twice_is_refused(session, engine, shop, now):
    data = csv_bytes([["PO-9", "ACME", "FG-100", "1", "2026-04-01", "", ""]])
    run_import(session, shop, "a.csv", data, now)
    with pytest.raises(ImportRejected) as rejected:
        run_import(session, shop, "a.csv", data, now)
    assert rejected.value.fields == {"row 2": "Order PO-9 of this customer was already imported as SO-000001."}
    assert count(engine, CustomerOrder) == 1


def test_only_planners_of_the_plant_import(session, engine, shop, now):
    data = csv_bytes([["PO-9", "ACME", "FG-100", "1", "2026-04-01", "", ""]])
    with pytest.raises(Forbidden, match="no access to this plant"):
        order_import.preview_import(session, shop.planner, shop.world.plant2, "a.csv", data)
    operator = shop.world.actor(shop.world.operator1)
    with pytest.raises(Forbidden), transaction(session):
        order_import.import_orders(session, operator, shop.world.plant1, "a.csv", data, now=now)
    assert count(engine, CustomerOrder) == 0


def test_products_of_another_organization_are_unknown(session, shop):
    plain_product(session, shop.world.org_b, code="B-ONLY", type=ProductType.FINISHED)
    shown = preview(session, shop, "a.csv", csv_bytes([["PO-1", "ACME", "B-ONLY", "1", "2026-04-01", "", ""]]))
    assert shown.rows[0].errors == ["Unknown product 'B-ONLY'."]


def generated_rows(n: int) -> list[list]:
    """n lines: orders of 5 lines each, alternating customers and products, dates over 40 days."""
    return [[f"BIG-{i // 5:05d}", "ACME" if (i // 5) % 2 else "GLOBEX", "FG-100" if i % 2 else "FG-200",
             1 + i % 97, datetime(2026, 4, 1 + (i % 5)) , round(1 + (i % 13) * 0.25, 2), ""] for i in range(n)]


def test_ten_thousand_lines_from_xlsx_import_completely(session, engine, shop, now):
    data = xlsx_bytes(generated_rows(10_000))
    result = run_import(session, shop, "big.xlsx", data, now)
    assert (result.orders, result.lines, result.first_number, result.last_number) == (
        2000, 10_000, "SO-000001", "SO-002000")
    assert count(engine, CustomerOrder) == 2000
    assert count(engine, OrderLine) == 10_000
    assert count(engine, StatusChange, StatusChange.entity == "customer_order") == 2000
    with session.no_autoflush:
        total = sum(session.exec(select(OrderLine.quantity)).all())
    assert total == sum(1 + i % 97 for i in range(10_000))


def test_ten_thousand_lines_from_csv_import_completely(session, engine, shop, now):
    rows = [[r[0], r[1], r[2], str(r[3]), r[4].date().isoformat(), str(r[5]), r[6]] for r in generated_rows(10_000)]
    result = run_import(session, shop, "big.csv", csv_bytes(rows), now)
    assert (result.orders, result.lines) == (2000, 10_000)
    assert count(engine, OrderLine) == 10_000


def test_templates_have_the_columns_and_two_example_rows_that_import(session, engine, shop, now):
    csv_text = order_import.import_template_csv().decode("utf-8-sig").splitlines()
    assert csv_text[0] == ",".join(HEADER)
    assert len(csv_text) == 3
    book = openpyxl.load_workbook(io.BytesIO(order_import.import_template_xlsx()), read_only=True)
    sheet_rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(sheet_rows[0]) == HEADER and len(sheet_rows) == 3
    assert isinstance(sheet_rows[1][4], datetime)
    assert preview(session, shop, "t.csv", order_import.import_template_csv()).ok
    result = run_import(session, shop, "t.xlsx", order_import.import_template_xlsx(), now)
    assert (result.orders, result.lines) == (1, 2)
