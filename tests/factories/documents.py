"""Reading back what generated documents say: the text drawn on the pages of an fpdf2 PDF (its content streams
inflated, the strings of its text operators joined), so tests assert words rather than bytes."""
from __future__ import annotations

import re
import zlib

import pypdfium2 as pdfium

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_TEXT = re.compile(rb"\((.*?)(?<!\\)\)\s*Tj")


def pdf_text(data: bytes) -> str:
    """Every string shown with Tj, in page order, one per line (Latin-1 as the core fonts draw it)."""
    parts: list[str] = []
    for raw in _STREAM.findall(data):
        try:
            body = zlib.decompress(raw)
        except zlib.error:
            body = raw
        parts += [m.replace(rb"\(", b"(").replace(rb"\)", b")").replace(rb"\\", b"\\").decode("latin-1")
                  for m in _TEXT.findall(body)]
    return "\n".join(parts)


def pdf_text_layer(data: bytes) -> str:
    """The text a PDF reader extracts, page by page (pypdfium2): also text set in embedded Unicode fonts
    (Japanese, Korean), which `pdf_text` cannot read."""
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()
