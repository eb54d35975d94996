"""The labels page: pick objects of one kind (lots, serials, work orders, machines, locations,
shipments), preview a label, download one as PNG/SVG or many as a printable PDF sheet.

Object ids from the browser are only handed to services/trace/labels.py, which refuses objects outside
the person's organization and plants.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass

import reflex as rx

from rxapp.i18n import _
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError
from services.trace import labels

KIND_LABELS = {"LOT": _("Lots"), "SER": _("Serial numbers"), "WO": _("Work orders"), "MAC": _("Machines"),
               "LOC": _("Locations"), "SHP": _("Shipments")}
SYMBOLOGY_LABELS = {"qr": _("QR code"), "code128": _("Code 128 barcode")}
LAYOUT_LABELS = {"a4-3x8": _("A4 sheet, 3 x 8 labels (70 x 37 mm)"), "a4-2x7": _("A4 sheet, 2 x 7 labels (99 x 38 mm)"),
                 "thermal-100x50": _("Thermal printer, 100 x 50 mm"), "thermal-60x40": _("Thermal printer, 60 x 40 mm")}


@dataclass
class LabelItem:
    id: int = 0
    code: str = ""
    title: str = ""
    subtitle: str = ""
    payload: str = ""


@dataclass
class Choice:
    value: str = ""
    label: str = ""


class LabelsState(AuthState):
    kind: str = "LOT"
    search: str = ""
    items: list[LabelItem] = []
    selected: list[int] = []
    symbology: str = "qr"
    layout: str = "a4-3x8"
    preview: str = ""               # a data URL of one label's SVG
    loading: bool = True
    load_error: str = ""

    @rx.var
    def kind_choices(self) -> list[Choice]:
        return [Choice(value=k, label=v) for k, v in KIND_LABELS.items()]

    @rx.var
    def symbology_choices(self) -> list[Choice]:
        return [Choice(value=k, label=v) for k, v in SYMBOLOGY_LABELS.items()]

    @rx.var
    def layout_choices(self) -> list[Choice]:
        return [Choice(value=k, label=LAYOUT_LABELS.get(k, v.name)) for k, v in labels.SHEET_LAYOUTS.items()]

    @rx.var
    def selected_count(self) -> int:
        return len(self.selected)

    @rx.event
    def enter(self):
        self.selected, self.preview = [], ""
        return LabelsState.load

    @rx.event
    def load(self):
        try:
            found = self._use_case(labels.choices, self.kind, search=self.search)
        except DomainError as error:
            self.loading, self.items, self.load_error = False, [], _(error.message)
            return self._refused(error, quiet=True)
        self.items = [LabelItem(id=t.id, code=t.code, title=t.title, subtitle=t.subtitle, payload=t.payload)
                      for t in found]
        self.loading, self.load_error = False, ""

    @rx.event
    def set_kind(self, kind: str):
        if kind in KIND_LABELS:
            self.kind, self.selected, self.preview, self.loading = kind, [], "", True
            return LabelsState.load

    @rx.event
    def find(self, form: dict):
        self.search = str(form.get("search", ""))[:64]
        return LabelsState.load

    @rx.event
    def set_symbology(self, value: str):
        if value in SYMBOLOGY_LABELS:
            self.symbology = value

    @rx.event
    def set_layout(self, value: str):
        if value in labels.SHEET_LAYOUTS:
            self.layout = value

    @rx.event
    def toggle(self, object_id: int):
        object_id = as_id(object_id)
        self.selected = [i for i in self.selected if i != object_id] if object_id in self.selected \
            else [*self.selected, object_id]

    @rx.event
    def select_all(self):
        self.selected = [] if len(self.selected) == len(self.items) else [item.id for item in self.items]

    @rx.event
    def show(self, object_id: int):
        try:
            target = self._use_case(labels.label_for, self.kind, as_id(object_id))
        except DomainError as error:
            return self._refused(error)
        svg = labels.render_svg(target, self.symbology)
        self.preview = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()

    @rx.event
    def download_png(self, object_id: int):
        try:
            target = self._use_case(labels.label_for, self.kind, as_id(object_id))
        except DomainError as error:
            return self._refused(error)
        return rx.download(data=labels.render_png(target, self.symbology),
                           filename=f"label-{target.code.replace('/', '-')}.png")

    @rx.event
    def print_sheet(self):
        try:
            pdf = self._use_case(labels.sheet_pdf, [(self.kind, i) for i in self.selected], self.symbology,
                                 layout=self.layout)
        except DomainError as error:
            return self._refused(error)
        return rx.download(data=pdf, filename=f"labels-{self.kind.lower()}.pdf")
