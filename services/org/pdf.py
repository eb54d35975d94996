"""Documents as PDF (fpdf2) in an organization's branding, shared by every domain's printable documents
(invoices, purchase orders, settlement statements, credits).

`branded_document` starts an A4 page with the organization's colour as a band and its display name (and, when asked,
its logo in the top right corner); `title`,
`line`, `table` (`table_row`) and `label_value` write through `shown`, the one place that decides how a string reaches the
font: Helvetica for Latin-1, else the embedded Noto Sans CJK font of services/core/pdf.Document (Japanese and
Korean names print as themselves; `text` is the Latin-1-only form for plain FPDF objects). A domain never calls
`pdf.cell` with its own strings, so a font change here reaches every document. `money` writes a Decimal the way
documents show it (grouped thousands; no decimals when the amount is whole).
"""
from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from decimal import Decimal

from fpdf import FPDF
from sqlmodel import Session

from services.core import formats
from services.core.messages import Message, render
from services.core.pdf import Document
from services.org.branding import DEFAULT_COLOR, branding_for_org

FONT = "Helvetica"
Column = tuple[str, float, str]          # header (a message prints translated), width in mm (0: rest of line), "L"/"R"
LOGO_W, LOGO_H = 40.0, 16.0              # mm, top right


def branded_document(session: Session, organization_id: int, *, orientation: str = "P",
                     logo: bool = False) -> Document:
    """A new PDF with one page: the brand colour as a band across the top and the organization's name; with `logo`,
    the organization's logo (when it has one) in the top right corner."""
    brand = branding_for_org(session, organization_id)
    pdf = Document(orientation)
    pdf.set_fill_color(*rgb(brand.primary_color))
    pdf.rect(0, 0, pdf.w, 6, style="F")
    pdf.set_font(FONT, "B", 14)
    line(pdf, brand.display_name, height=10)
    if logo:
        _logo(pdf, brand.logo_svg)
    return pdf


def title(pdf: FPDF, value: str, *, size: int = 18) -> None:
    pdf.set_font(FONT, "B", size)
    line(pdf, value, height=12)
    pdf.set_font(FONT, "", 10)


def line(pdf: FPDF, value: str, *, height: float = 6, bold: bool = False, size: float | None = None) -> None:
    """One line of text across the page (nothing when `value` is empty)."""
    if not value:
        return
    if bold or size:
        pdf.set_font(FONT, "B" if bold else "", size or pdf.font_size_pt)
    pdf.cell(0, height, shown(pdf, value), new_x="LMARGIN", new_y="NEXT")
    if bold or size:
        pdf.set_font(FONT, "", 10)


def label_value(pdf: FPDF, label: str, value: str, *, label_width: float = 142, bold: bool = False) -> None:
    """A right-aligned label and its value, as in a document's totals."""
    pdf.set_font(FONT, "B" if bold else "", 11)
    pdf.cell(label_width, 7, shown(pdf, label), align="R")
    pdf.cell(0, 7, shown(pdf, value), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)


def table(pdf: FPDF, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, height: float = 6) -> None:
    """A header row (bold, underlined) and one row per entry; the last column of zero width ends the line.
    A header that is a message (a module constant's t()) prints in the language being served."""
    pdf.set_font(FONT, "B", 10)
    for header, width, align in columns:
        _cell(pdf, width, height + 1, render(header) if isinstance(header, Message) else header, align, border="B")
    pdf.set_font(FONT, "", 10)
    for row in rows:
        table_row(pdf, columns, row, height=height)


def table_row(pdf: FPDF, columns: Sequence[Column], row: Sequence[str], *, height: float = 6) -> None:
    """One row of `columns` without a header, in the current style."""
    for (_header, width, align), value in zip(columns, row, strict=True):
        _cell(pdf, width, height, value, align)


def output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def money(value: Decimal) -> str:
    """An amount in the reader's number format (services/core/formats.amount: 2 places, none when whole)."""
    return formats.amount(value)


def rgb(color: str) -> tuple[int, int, int]:
    """'#rrggbb' as numbers; the default brand colour for anything else."""
    text_ = color.lstrip("#")
    if len(text_) != 6:
        return rgb(DEFAULT_COLOR)
    try:
        return (int(text_[0:2], 16), int(text_[2:4], 16), int(text_[4:6], 16))
    except ValueError:
        return rgb(DEFAULT_COLOR)


def text(value: str) -> str:
    """A string as the document font can draw it (Latin-1 for the core font; others become '?')."""
    return value.encode("latin-1", "replace").decode("latin-1")


def shown(pdf: FPDF, value: str) -> str:
    """`value` as `pdf` will draw it: in the font that has its characters (a Document), else as `text`."""
    return pdf.use_font_for(value) if isinstance(pdf, Document) else text(value)


def logo_bytes(logo: str | None) -> bytes | None:
    """The organization's logo as the bytes of its image (an SVG document, or a PNG/JPEG/SVG data URL); None
    without one."""
    if not logo:
        return None
    data = logo.strip()
    if data.startswith("data:") and ";base64," in data[:60]:
        try:
            return base64.b64decode(data.split(",", 1)[1])
        except ValueError:
            return None
    return data.encode("utf-8")


def draw_logo(pdf: FPDF, raw: bytes | None, *, x: float, y: float, w: float, h: float) -> None:
    """`raw` (logo_bytes) fitted into w x h mm at (x, y); a logo fpdf2 cannot draw is left out, never the page."""
    if not raw:
        return
    try:
        pdf.image(io.BytesIO(raw), x=x, y=y, w=w, h=h, keep_aspect_ratio=True)
    except Exception:  # noqa: BLE001 - a logo fpdf2 cannot draw leaves the document without it, never without a page
        return


def _logo(pdf: FPDF, logo: str | None) -> None:
    """The organization's logo (an SVG document or a PNG/JPEG/SVG data URL) in the top right corner."""
    draw_logo(pdf, logo_bytes(logo), x=pdf.w - pdf.r_margin - LOGO_W, y=8, w=LOGO_W, h=LOGO_H)


def _cell(pdf: FPDF, width: float, height: float, value: str, align: str, border: str = "") -> None:
    last = not width
    pdf.cell(width, height, shown(pdf, value), border=border, align=align,
             new_x="LMARGIN" if last else "RIGHT", new_y="NEXT" if last else "TOP")
