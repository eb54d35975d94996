"""Order import: upload an .xlsx or .csv file, see every row's problems, import all lines or none.

The uploaded bytes stay on the server (`_data`, never sent to the browser) between the preview and
the import; the import re-reads and re-validates them (services.production.order_import is all or nothing).
Parsing runs off the event loop (`_use_case_slow`), with a progress indicator meanwhile. The table
shows the rows with errors first (at most SHOWN rows), each with its problems in words.
"""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.production.orders import Option
from services.core.errors import DomainError
from services.production import order_import
from services.production.order_import import ImportPreview, ImportRejected

SHOWN = 300
UPLOAD_ID = "order-import"


@dataclass
class PreviewRow:
    row: int = 0
    order_ref: str = ""
    customer: str = ""
    customer_name: str = ""         # the known customer's and product's names in the viewer's language
    product: str = ""
    product_name: str = ""
    quantity: str = ""
    promised: str = ""
    price: str = ""
    note: str = ""
    errors: str = ""
    bad: bool = False


def shown_rows(preview: ImportPreview, limit: int = SHOWN) -> list[PreviewRow]:
    """Bad rows first (in file order), then good ones, at most `limit`, in file order."""
    bad = [r for r in preview.rows if r.errors][:limit]
    good = [r for r in preview.rows if not r.errors][:max(0, limit - len(bad))]
    return [PreviewRow(row=r.row, order_ref=r.order_ref, customer=r.customer_code, product=r.product_code,
                       customer_name=r.customer_name, product_name=r.product_name,
                       quantity=r.quantity, promised=r.promised_date, price=r.unit_price, note=r.note,
                       errors=" ".join(r.errors), bad=bool(r.errors))
            for r in sorted(bad + good, key=lambda r: r.row)]


class OrderImportState(AuthState):
    plant_id: str = ""
    filename: str = ""
    upload_percent: int = 0
    parsing: bool = False
    importing: bool = False
    file_errors: list[str] = []
    rows: list[PreviewRow] = []
    total_rows: int = 0
    orders: int = 0
    lines: int = 0
    error_rows: int = 0
    ok: bool = False
    _data: bytes = b""

    @rx.var
    def plant_options(self) -> list[Option]:
        return [Option(id=str(p.id), label=f"{p.code} · {p.name}") for p in self.plants]

    @rx.var
    def checked(self) -> bool:
        return self.filename != "" and not self.parsing

    @rx.event
    def enter(self):
        ids = [str(p.id) for p in self.plants]
        if self.plant_id not in ids:
            self.plant_id = ids[0] if ids else ""
        self._clear()

    def _clear(self) -> None:
        self.filename, self._data, self.upload_percent = "", b"", 0
        self.file_errors, self.rows, self.ok = [], [], False
        self.total_rows = self.orders = self.lines = self.error_rows = 0

    def _show(self, preview: ImportPreview) -> None:
        self.file_errors, self.rows = [_(e) for e in preview.file_errors], shown_rows(preview)
        self.total_rows, self.orders, self.lines = len(preview.rows), preview.orders, preview.lines
        self.error_rows, self.ok = preview.error_rows, preview.ok

    @rx.event
    def set_plant(self, plant_id: str):
        self.plant_id = str(plant_id)

    @rx.event
    def set_upload_progress(self, progress: dict):
        self.upload_percent = int(float(progress.get("progress", 0) or 0) * 100)

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        if not files:
            return
        self._clear()
        upload = files[0]
        self.filename, self._data = upload.name or "", await upload.read()
        self.parsing = True
        yield
        try:
            preview = await self._use_case_slow(order_import.preview_import, as_id(self.plant_id), self.filename,
                                                self._data)
        except DomainError as error:
            self._clear()
            for event in self._refused(error):
                yield event
            return
        finally:
            self.parsing = False
        self._show(preview)

    @rx.event
    async def do_import(self):
        if not self._data or not self.ok:
            return
        self.importing = True
        yield
        try:
            result = await self._use_case_slow(order_import.import_orders, as_id(self.plant_id), self.filename,
                                               self._data, now=utcnow())
        except ImportRejected as rejected:
            self._show(rejected.preview)
            yield rx.toast.error(_(rejected.message))
            return
        except DomainError as error:
            for event in self._refused(error):
                yield event
            return
        finally:
            self.importing = False
        self._clear()
        yield rx.toast.success(_("Imported {orders} orders with {lines} lines ({first} – {last}).").format(
            orders=result.orders, lines=result.lines, first=result.first_number, last=result.last_number))
        yield rx.redirect(routes.ORDERS)

    @rx.event
    def clear(self):
        self._clear()
        return rx.clear_selected_files(UPLOAD_ID)

    @rx.event
    def download_template(self, fmt: str):
        if fmt == "csv":
            return rx.download(data=order_import.import_template_csv(), filename="takt-order-import-template.csv",
                               mime_type="text/csv")
        return rx.download(data=order_import.import_template_xlsx(), filename="takt-order-import-template.xlsx",
                           mime_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
