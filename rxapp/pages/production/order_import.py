"""/orders/import: choose the plant, upload an Excel or CSV file, see every row's problems (bad rows
highlighted), then "Import N lines" (only when no row has a problem). Templates to download."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, date_cell, page_header, scroll_x, upload_zone
from rxapp.i18n import _
from rxapp.state.production.order_import import (
    SHOWN,
    UPLOAD_ID,
    OrderImportState,
    PreviewRow,
)

S = OrderImportState
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plant_and_templates() -> rx.Component:
    return rx.flex(
        rx.box(
            rx.text(_("Import into plant"), size="2", weight="medium"),
            rx.select.root(
                rx.select.trigger(aria_label=_("Plant"), min_height=TOUCH, min_width="220px"),
                rx.select.content(rx.foreach(S.plant_options, lambda o: rx.select.item(o.label, value=o.id))),
                value=S.plant_id, on_change=S.set_plant, size="3"),
        ),
        rx.flex(
            rx.button(rx.icon("file-spreadsheet"), _("Template (.xlsx)"), variant="soft", min_height=TOUCH,
                      on_click=S.download_template("xlsx"), data_testid="template-xlsx"),
            rx.button(rx.icon("file-text"), _("Template (.csv)"), variant="soft", min_height=TOUCH,
                      on_click=S.download_template("csv")),
            spacing="2", wrap="wrap"),
        justify="between", align="end", spacing="3", wrap="wrap", width="100%", margin_bottom="16px",
    )


def _drop_zone() -> rx.Component:
    return upload_zone(_("Orders file"),
        rx.flex(
            rx.icon("file-up", size=28),
            rx.text(_("Choose or drop an Excel (.xlsx) or CSV file")),
            rx.text(_("Columns: order_ref, customer_code, product_code, quantity, promised_date (YYYY-MM-DD), "
                      "and optionally unit_price, note."), size="1", color_scheme="gray", align="center"),
            direction="column", align="center", spacing="2",
        ),
        id=UPLOAD_ID, multiple=False, max_files=1, max_size=20 * 1024 * 1024,
        accept={XLSX: [".xlsx"], "text/csv": [".csv"]},
        on_drop=S.upload(rx.upload_files(upload_id=UPLOAD_ID, on_upload_progress=S.set_upload_progress)),
        border=f"2px dashed {rx.color('gray', 7)}", border_radius="8px", padding="24px", cursor="pointer",
        width="100%", min_height="120px", data_testid="import-upload",
    )


def _progress() -> rx.Component:
    return rx.cond(
        S.parsing | S.importing,
        rx.flex(
            rx.cond(S.importing | (S.upload_percent >= 100),
                    rx.progress(width="100%", aria_label=_("Progress")),
                    rx.progress(value=S.upload_percent, max=100, width="100%", aria_label=_("Progress"))),
            rx.text(rx.cond(S.importing, _("Importing…"), _("Checking every row of")), " ", S.filename,
                    size="2", color_scheme="gray"),
            direction="column", spacing="2", width="100%", role="status", data_testid="import-progress",
        ),
    )


def _summary() -> rx.Component:
    return rx.cond(
        S.checked,
        rx.flex(
            rx.foreach(S.file_errors, lambda e: rx.callout.root(rx.callout.icon(rx.icon("triangle-alert")),
                                                                rx.callout.text(e), color_scheme="red", role="alert",
                                                                width="100%")),
            rx.cond(S.file_errors.length() == 0, rx.flex(
                rx.badge(S.filename, variant="soft", size="2"),
                rx.text(S.orders, " ", _("orders"), " · ", S.lines, " ", _("lines")),
                rx.cond(S.error_rows > 0,
                        rx.badge(S.error_rows, " ", _("rows with errors: nothing can be imported until they are "
                                                      "corrected"), color_scheme="red", size="2"),
                        rx.badge(_("No errors"), color_scheme="green", size="2")),
                spacing="3", align="center", wrap="wrap")),
            rx.flex(
                rx.button(rx.icon("upload"), _("Import"), " ", S.lines, " ", _("lines"), on_click=S.do_import,
                          disabled=~S.ok | S.importing, loading=S.importing, size="3", min_height=TOUCH,
                          data_testid="import-button"),
                rx.button(_("Start over"), variant="soft", color_scheme="gray", on_click=S.clear, size="3",
                          min_height=TOUCH),
                spacing="3", wrap="wrap"),
            direction="column", spacing="3", width="100%", margin_y="16px",
        ),
    )


def _code_cell(code, name) -> rx.Component:
    """A code as the file has it, with the name it stands for (in the viewer's language) beneath."""
    return rx.table.cell(rx.text(code), rx.cond(name != "", rx.text(name, size="1", color_scheme="gray")))


def _row(r: PreviewRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r.row), rx.table.cell(r.order_ref), _code_cell(r.customer, r.customer_name),
        _code_cell(r.product, r.product_name),
        rx.table.cell(r.quantity, text_align="right"), date_cell(r.promised), rx.table.cell(r.price),
        rx.table.cell(rx.cond(r.bad, rx.text(r.errors, color_scheme="red", size="2", weight="medium"),
                              rx.icon("check", size=16, color=rx.color("green", 9)))),
        background=rx.cond(r.bad, rx.color("red", 3), "transparent"),
        data_testid=rx.cond(r.bad, "import-row-bad", "import-row-ok"),
    )


def _table() -> rx.Component:
    return rx.cond(
        S.rows.length() > 0,
        rx.box(
            scroll_x(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                    _("Row"), "order_ref", "customer_code", "product_code", "quantity", "promised_date", "unit_price",
                    _("Problems"))])),
                rx.table.body(rx.foreach(S.rows, _row)), variant="surface", size="1", width="100%",
                data_testid="import-preview")),
            rx.cond(S.total_rows > SHOWN,
                    rx.text(_("Showing {n} of the rows (those with errors first).").format(n=SHOWN), " ",
                            S.total_rows, " ", _("rows in the file."), size="2", color_scheme="gray")),
        ),
    )


def order_import_page() -> rx.Component:
    return shell(
        page_header(_("Import orders"), _("Orders from an Excel or CSV file: every row is checked, and the file is "
                                          "imported completely or not at all.")),
        _plant_and_templates(),
        _drop_zone(),
        _progress(),
        _summary(),
        _table(),
    )
