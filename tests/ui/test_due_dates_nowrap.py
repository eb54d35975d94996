"""Due dates never wrap (issue 18): a table cell showing a due, promised, planned or issue date is a
`date_cell` (white-space: nowrap), on every page of rxapp/pages, so "6 Dec 2026" never breaks over two lines
in a narrow column (orders, work orders, the schedule, studio tasks, ...). Read from the pages' source: a
new table with a plain cell for a date fails here."""
from __future__ import annotations

import ast
from pathlib import Path

from rxapp.components.ui import date_cell
from rxapp.pages.production.orders import orders_page
from rxapp.pages.production.work_orders import work_orders_page

PAGES = Path(__file__).resolve().parents[2] / "rxapp" / "pages"
DATE_FIELDS = {"due", "promised", "due_date", "next_due", "issue_date", "start", "end"}


def _is_table_cell(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "cell"
            and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "table")


def _dates_in(node: ast.AST) -> set[str]:
    return {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute) and n.attr in DATE_FIELDS}


def plain_date_cells(source: str) -> list[str]:
    """`rx.table.cell(...)` calls showing a date field (directly, or through a comprehension's values)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if _is_table_cell(node):
            found += [f"line {node.lineno}: .{name}" for name in sorted(_dates_in(node))]
        elif isinstance(node, (ast.ListComp, ast.GeneratorExp)) and _is_table_cell(node.elt):
            found += [f"line {node.lineno}: .{name}" for gen in node.generators for name in sorted(_dates_in(gen.iter))]
    return found


def test_a_date_cell_never_wraps():
    assert '["whiteSpace"] : "nowrap"' in str(date_cell("6 Dec 2026"))


def test_the_check_finds_plain_date_cells():
    assert plain_date_cells("rx.table.cell(row.due)\nrx.table.cell(rx.text(o.promised))\n"
                            "[rx.table.cell(v) for v in (r.number, r.due_date)]\ndate_cell(row.due)") == [
        "line 1: .due", "line 2: .promised", "line 3: .due_date"]


def test_every_table_cell_with_a_date_is_a_date_cell():
    offending = {str(path.relative_to(PAGES)): found for path in sorted(PAGES.rglob("*.py"))
                 if (found := plain_date_cells(path.read_text()))}
    assert offending == {}


def test_orders_and_work_orders_show_their_dates_on_one_line():
    for page, field in ((orders_page, "promised"), (work_orders_page, "due")):
        jsx = str(page())
        at = jsx.index(f'["{field}"]')                      # the wide table's cell comes first
        cell = jsx[jsx.rindex("jsx(RadixThemesTable.Cell", 0, at):at]
        assert '["whiteSpace"] : "nowrap"' in cell
