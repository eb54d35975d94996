
"""Exports decode back: the CSV parses to the same values, the xlsx opens in openpyxl with typed cells."""
import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl

from models.base import utcnow
from services.core import exports
from services.master import products
from services.master.products import PRODUCT_COLUMNS, ProductCreate
from tests.factories.db import committed


def _products(world, session):
    planner = world.actor(world.planner1)
    for code, name, cost, kind in [("FG-1", "Bracket", "12.3456", "finished"), ("RM-1", "Stahl ß 直径", None, "raw"),
                                   ("XHACK", "=HACK", "0", "semi")]:
        committed(session, products.create_product, planner, ProductCreate(code=code, name=name, type=kind,
                                                                           standard_cost=cost), now=utcnow())
    return products.list_products(session, planner, active=None)


def test_csv_round_trip(world, session):
    rows = _products(world, session)
    data = exports.to_csv(rows, PRODUCT_COLUMNS)
    assert data.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed[0] == [h for _, h in PRODUCT_COLUMNS]
    assert [r[0] for r in parsed[1:]] == [p.code for p in rows]
    by_code = {r[0]: dict(zip(parsed[0], r, strict=True)) for r in parsed[1:]}
    assert by_code["FG-1"]["Standard cost"] == "12.3456" and by_code["FG-1"]["Active"] == "yes"
    assert by_code["RM-1"]["Standard cost"] == "" and by_code["RM-1"]["Type"] == "raw"
    assert by_code["RM-1"]["Name"] == "Stahl ß 直径"
    assert by_code["XHACK"]["Name"] == "'=HACK"          # a formula is never run by a spreadsheet


def test_xlsx_opens_with_typed_cells(world, session):
    rows = _products(world, session)
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(rows, PRODUCT_COLUMNS, sheet="Products: all")))
    ws = book.active
    assert ws.title == "Products  all"
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == [h for _, h in PRODUCT_COLUMNS]
    by_code = {r[0]: dict(zip(values[0], r, strict=True)) for r in values[1:]}
    assert set(by_code) == {p.code for p in rows}
    assert by_code["FG-1"]["Standard cost"] == 12.3456 and by_code["FG-1"]["Active"] is True
    assert by_code["RM-1"]["Standard cost"] is None and by_code["RM-1"]["Name"] == "Stahl ß 直径"
    assert by_code["XHACK"]["Name"] == "=HACK" and ws["B4"].data_type == "s"


def test_dicts_datetimes_and_lists():
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    rows = [{"when": at, "tags": ["a", "b"], "qty": Decimal("2.50"), "note": None}]
    cols = [("when", "When"), "tags", ("qty", "Qty"), "note"]
    parsed = list(csv.reader(io.StringIO(exports.to_csv(rows, cols).decode("utf-8-sig"))))
    assert parsed == [["When (UTC)", "tags", "Qty", "note"], ["2026-03-02T09:30:00+00:00", "a; b", "2.50", ""]]
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(rows, cols))).active
    assert [c.value for c in ws[2]] == [datetime(2026, 3, 2, 9, 30), "a; b", 2.5, None]
    assert ws["A1"].value == "When (UTC)"
    empty = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx([], cols, sheet=""))).active
    assert [c.value for c in empty[1]] == ["When", "tags", "Qty", "note"] and empty.title == "Export"


def test_csv_cells_with_a_pipe_are_neutralised():
    from services.core.exports import to_csv
    text = to_csv([{"name": "cmd|' /C calc'!A0"}, {"name": "plain"}], ["name"]).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["'cmd|' /C calc'!A0", "plain"]
