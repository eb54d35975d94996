"""Drawing labels: Code128 (python-barcode) or QR (qrcode) with human-readable text, as PNG, SVG or PDF.

One layout function places the code's modules and the text lines inside a label box (in mm); three
small back-ends draw that layout: Pillow (PNG), SVG text, and fpdf2 (PDF sheets of many labels);
`draw_code128_pdf` puts a bare Code128 symbol on any PDF page (the shipment documents' number).
Invariants: the symbol keeps its quiet zone (10 modules for Code128, 4 for QR); PNG modules are whole
pixels (no blur that could make a scanner hesitate); text never runs off its label (cut with "…").
PDF text uses Helvetica for Latin-1 and the embedded CJK font (services/core/pdf.Document) for the rest.
A PDF sheet given a `LabelBrand` carries the organization's branding on every label, as the packing list does: a band
in its colour, its name and the sender's place (the label's plant) and its logo, above the code and its text.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol
from xml.sax.saxutils import escape

import barcode
import qrcode
from fpdf import FPDF
from noto_cjk_sans_jp_regular import FONT_PATH as CJK_FONT_PATH
from PIL import Image, ImageDraw, ImageFont

from services.core.errors import Invalid
from services.core.messages import t
from services.core.pdf import Document, is_latin1
from services.org.pdf import draw_logo

SINGLE_LABEL_MM = (100.0, 50.0)
PNG_PX_PER_MM = 12.0           # about 300 dpi
_CHAR_WIDTH = 0.56              # average glyph width in font sizes (Helvetica-like)


class Symbology(StrEnum):
    CODE128 = "code128"
    QR = "qr"


class Printable(Protocol):
    @property
    def payload(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def subtitle(self) -> str: ...
    @property
    def code(self) -> str: ...


@dataclass(frozen=True)
class SheetLayout:
    key: str
    name: str
    page_w: float
    page_h: float
    cols: int
    rows: int
    label_w: float
    label_h: float
    left: float = 0.0
    top: float = 0.0
    gap_x: float = 0.0
    gap_y: float = 0.0

    @property
    def per_page(self) -> int:
        return self.cols * self.rows


SHEET_LAYOUTS: dict[str, SheetLayout] = {layout.key: layout for layout in (
    SheetLayout("thermal-100x50", t("Thermal roll, 100 x 50 mm"), 100, 50, 1, 1, 100, 50),
    SheetLayout("thermal-60x40", t("Thermal roll, 60 x 40 mm"), 60, 40, 1, 1, 60, 40),
    SheetLayout("a4-3x8", t("A4 sheet, 3 x 8 labels of 70 x 37 mm"), 210, 297, 3, 8, 70, 37, top=0.5),
    SheetLayout("a4-2x7", t("A4 sheet, 2 x 7 labels of 99.1 x 38.1 mm"), 210, 297, 2, 7, 99.1, 38.1,
                left=4.65, top=15.15, gap_x=2.5),
)}


@dataclass(frozen=True)
class LabelBrand:
    """The organization's branding as a label sheet prints it (services/trace/labels.brand_of builds it)."""
    name: str                                           # the organization's display name
    color: tuple[int, int, int]                         # its primary colour
    logo: bytes | None = None                           # its logo image (SVG, PNG or JPEG), if any
    places: tuple[tuple[int, str], ...] = ()            # plant id -> "Plant name (CODE)", the sender's place

    def place(self, plant_id: int | None) -> str:
        return next((text for pid, text in self.places if pid == plant_id), "")


BRAND_BAND = 0.2                # share of a label's height the brand strip takes


@dataclass(frozen=True)
class _Symbol:
    x: float
    y: float
    module: float               # mm per module
    rows: list[list[bool]]      # Code128: one row stretched to `height`
    height: float               # total height in mm


@dataclass(frozen=True)
class _Text:
    x: float
    y: float                    # top of the line
    size: float                 # mm
    text: str
    bold: bool = False
    anchor: str = "start"       # "start" or "middle"


def layout_label(label: Printable, symbology: Symbology, w: float, h: float) -> tuple[_Symbol, list[_Text]]:
    """Where the code and the text go on a label of w x h mm."""
    symbology = Symbology(symbology)
    if symbology == Symbology.CODE128:
        return _layout_code128(label, w, h)
    return _layout_qr(label, w, h)


def code128_modules(payload: str) -> list[bool]:
    """`payload` as Code128 modules, dark True, without the quiet zone."""
    return [c == "1" for c in barcode.get_barcode_class("code128")(payload).build()[0]]


def draw_code128_pdf(pdf: FPDF, payload: str, *, x: float, y: float, w: float, h: float) -> None:
    """`payload` as a Code128 barcode filling w x h mm at (x, y) of a PDF page (a document's own barcode, not a
    label), with the quiet zone of 10 modules each side inside the w."""
    bars = code128_modules(payload)
    unit = w / (len(bars) + 20)
    pdf.set_fill_color(0, 0, 0)
    for start, length in _runs(bars):
        pdf.rect(x + (10 + start) * unit, y, length * unit, h, style="F")


def _layout_code128(label: Printable, w: float, h: float) -> tuple[_Symbol, list[_Text]]:
    bars = code128_modules(label.payload)
    margin = min(2.0, h * 0.05)
    module = min(0.5, (w - 2 * margin) / (len(bars) + 20))
    bars_h = h * 0.5
    x = (w - module * len(bars)) / 2
    big, small = h * 0.13, h * 0.09
    texts = [_Text(w / 2, margin + bars_h + h * 0.04, big, _fit(label.code, w - 2 * margin, big), bold=True,
                   anchor="middle"),
             _Text(w / 2, margin + bars_h + h * 0.06 + big, small,
                   _fit(_caption(label), w - 2 * margin, small), anchor="middle")]
    return _Symbol(x, margin, module, [bars], bars_h), texts


def _layout_qr(label: Printable, w: float, h: float) -> tuple[_Symbol, list[_Text]]:
    qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(label.payload)
    qr.make(fit=True)
    matrix = [list(map(bool, row)) for row in qr.get_matrix()]
    margin = min(2.0, h * 0.05)
    module = min((h - 2 * margin) / (len(matrix) + 8), (w * 0.5) / (len(matrix) + 8))
    side = module * len(matrix)
    x = y = margin + 4 * module
    text_x = x + side + 4 * module
    room = w - text_x - margin
    big, small = min(h * 0.13, room / 7), min(h * 0.09, room / 10)
    top = y + side / 2 - (big + 2 * small * 1.3) / 2
    lines = [_Text(text_x, top, big, _fit(label.code, room, big), bold=True),
             _Text(text_x, top + big * 1.3, small, _fit(label.title, room, small)),
             _Text(text_x, top + big * 1.3 + small * 1.3, small, _fit(label.subtitle, room, small))]
    return _Symbol(x, y, module, matrix, side), [line for line in lines if line.text]


def _caption(label: Printable) -> str:
    return " · ".join(part for part in (label.title, label.subtitle) if part)


def _fit(text: str, width_mm: float, size_mm: float) -> str:
    most = max(1, int(width_mm / (size_mm * _CHAR_WIDTH)))
    return text if len(text) <= most else text[:most - 1] + "…"


def _runs(row: list[bool]):
    """(start, length) of each dark run in a row of modules."""
    start = None
    for i, dark in enumerate([*row, False]):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            yield start, i - start
            start = None


# --- PNG ---------------------------------------------------------------------------------------------

def render_png(label: Printable, symbology: Symbology | str = Symbology.QR, *,
               size_mm: tuple[float, float] = SINGLE_LABEL_MM) -> bytes:
    w, h = size_mm
    symbol, texts = layout_label(label, Symbology(symbology), w, h)
    module_px = max(2, round(symbol.module * PNG_PX_PER_MM))
    ppm = module_px / symbol.module
    image = Image.new("L", (round(w * ppm), round(h * ppm)), 255)
    draw = ImageDraw.Draw(image)
    x0, y0 = round(symbol.x * ppm), round(symbol.y * ppm)
    row_px = round(symbol.height * ppm) if len(symbol.rows) == 1 else module_px
    for r, row in enumerate(symbol.rows):
        for start, length in _runs(row):
            left, top = x0 + start * module_px, y0 + r * row_px
            draw.rectangle([left, top, left + length * module_px - 1, top + row_px - 1], fill=0)
    for text in texts:
        font = _font(round(text.size * ppm), text.bold, latin=is_latin1(text.text))
        draw.text((text.x * ppm, text.y * ppm), text.text, fill=0, font=font,
                  anchor="ma" if text.anchor == "middle" else "la")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(round(ppm * 25.4),) * 2)
    return out.getvalue()


@lru_cache(maxsize=32)
def _font(px: int, bold: bool, *, latin: bool = True) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """DejaVu Sans for Latin text; Japanese, Korean and other scripts in the embedded Noto Sans CJK (one weight)."""
    if not latin:
        return ImageFont.truetype(str(CJK_FONT_PATH), px)
    for name in (("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"), "DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, px)
        except OSError:
            continue
    return ImageFont.load_default(size=px)


# --- SVG ---------------------------------------------------------------------------------------------

def render_svg(label: Printable, symbology: Symbology | str = Symbology.QR, *,
               size_mm: tuple[float, float] = SINGLE_LABEL_MM) -> str:
    w, h = size_mm
    symbol, texts = layout_label(label, Symbology(symbology), w, h)
    path = []
    row_h = symbol.height if len(symbol.rows) == 1 else symbol.module
    for r, row in enumerate(symbol.rows):
        y = symbol.y + r * row_h
        for start, length in _runs(row):
            x = symbol.x + start * symbol.module
            path.append(f"M{x:.4f} {y:.4f}h{length * symbol.module:.4f}v{row_h:.4f}h{-length * symbol.module:.4f}z")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:g}mm" height="{h:g}mm" viewBox="0 0 {w:g} {h:g}">',
             f'<rect width="{w:g}" height="{h:g}" fill="#fff"/>',
             f'<path d="{"".join(path)}" fill="#000" shape-rendering="crispEdges"/>']
    for text in texts:
        weight = ' font-weight="bold"' if text.bold else ""
        parts.append(f'<text x="{text.x:.3f}" y="{text.y + text.size * 0.8:.3f}" font-size="{text.size:.3f}"'
                     f' font-family="Helvetica, Arial, sans-serif" text-anchor="{text.anchor}"{weight}>'
                     f'{escape(text.text)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


# --- PDF ---------------------------------------------------------------------------------------------

def render_sheet_pdf(labels: Sequence[Printable], symbology: Symbology | str = Symbology.QR, *,
                     layout: str = "a4-3x8", skip: int = 0, brand: LabelBrand | None = None) -> bytes:
    """A printable PDF of many labels on `layout`; `skip` leaves that many places empty at the start
    (to use up a half-used sheet); with `brand`, each label carries the organization's branding on top."""
    sheet = SHEET_LAYOUTS.get(layout)
    if sheet is None:
        raise Invalid(t("Unknown label size."), fields={"layout": t("Pick one of: {choices}.", choices=", ".join(SHEET_LAYOUTS))})
    if not labels:
        raise Invalid(t("Pick at least one label to print."), fields={"items": t("Required.")})
    if not 0 <= skip < sheet.per_page:
        raise Invalid(t("Cannot skip that many places."),
                      fields={"skip": t("Between {low} and {high}.", low=0, high=sheet.per_page - 1)})
    pdf = Document(page=(sheet.page_w, sheet.page_h), first_page=False)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(t("Takt labels"))
    for place, label in enumerate(labels, start=skip):
        slot = place % sheet.per_page
        if slot == 0 or place == skip:
            pdf.add_page()
        col, row = slot % sheet.cols, slot // sheet.cols
        ox, oy = sheet.left + col * (sheet.label_w + sheet.gap_x), sheet.top + row * (sheet.label_h + sheet.gap_y)
        band = 0.0
        if brand is not None:
            band = sheet.label_h * BRAND_BAND
            _draw_pdf_brand(pdf, brand, getattr(label, "plant_id", None), ox, oy, sheet.label_w, band)
        _draw_pdf_label(pdf, label, Symbology(symbology), ox, oy + band, sheet.label_w, sheet.label_h - band)
    return bytes(pdf.output())


def _draw_pdf_brand(pdf: Document, brand: LabelBrand, plant_id: int | None, ox: float, oy: float, w: float,
                    band: float) -> None:
    """The brand strip across the top of a label: a colour line, the name and place on the left, the logo right."""
    margin = min(2.0, band * 0.25)
    pdf.set_fill_color(*brand.color)
    pdf.rect(ox, oy, w, band * 0.12, style="F")
    logo_w = w * 0.25 if brand.logo else 0.0
    draw_logo(pdf, brand.logo, x=ox + w - margin - logo_w, y=oy + band * 0.18, w=logo_w, h=band * 0.78)
    room = w - 2 * margin - logo_w - (margin if logo_w else 0)
    size = band * 0.34
    for i, (text, bold) in enumerate(((brand.name, True), (brand.place(plant_id), False))):
        if not text:
            continue
        pdf.set_font("helvetica", "B" if bold else "", size * 72 / 25.4)
        pdf.set_text_color(0, 0, 0)
        pdf.text(ox + margin, oy + band * 0.18 + i * size * 1.15 + size * 0.8,
                 pdf.use_font_for(_fit(text, room, size).replace("…", "...")))


def _draw_pdf_label(pdf: Document, label: Printable, symbology: Symbology, ox: float, oy: float,
                    w: float, h: float) -> None:
    symbol, texts = layout_label(label, symbology, w, h)
    pdf.set_fill_color(0, 0, 0)
    row_h = symbol.height if len(symbol.rows) == 1 else symbol.module
    for r, row in enumerate(symbol.rows):
        for start, length in _runs(row):
            pdf.rect(ox + symbol.x + start * symbol.module, oy + symbol.y + r * row_h,
                     length * symbol.module, row_h, style="F")
    for text in texts:
        pdf.set_font("helvetica", "B" if text.bold else "", text.size * 72 / 25.4)
        line = pdf.use_font_for(text.text.replace("…", "..."))
        width = pdf.get_string_width(line)
        x = ox + text.x - (width / 2 if text.anchor == "middle" else 0)
        pdf.text(x, oy + text.y + text.size * 0.8, line)
