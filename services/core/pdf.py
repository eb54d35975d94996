"""PDF documents (fpdf2) that print names in any of Takt's languages.

`Document` is an A4 page in Helvetica (fpdf2's core font, Latin-1 only). Text that Latin-1 cannot
hold (Japanese, Korean, Chinese, Cyrillic, Greek, ...) is set in Noto Sans CJK (the
`noto-cjk-sans-jp-regular` package, SIL OFL), embedded as a subset of the glyphs used, so a Japanese or
Korean name prints as itself and lands in the PDF's text layer. The font is loaded on the first such
text (about a second for the 16 MB file), so Latin-only documents do not pay for it. The CJK font has
one weight: bold text outside Latin-1 prints regular. A character neither font has prints as "?".

Set style and size with `set_font("Helvetica", style, size)` as usual; print text that may come from
people (names, titles, addresses) with `text_cell(...)`, or `cell(..., doc.use_font_for(text))`.
services/org/pdf.py (branded documents) builds on it.
"""
from __future__ import annotations

from typing import Any

from fpdf import FPDF
from fpdf.enums import TextEmphasis
from fpdf.fonts import TTFFont
from noto_cjk_sans_jp_regular import FONT_PATH

LATIN = "Helvetica"
CJK = "NotoSansCJK"


def is_latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


class Document(FPDF):
    """An A4 document (or `page` in mm) with one page added unless `first_page=False`; `text_cell` and
    `use_font_for` pick the font each text needs.

    `set_font` with Helvetica (or no family) sets the style and size of the text that follows, whichever
    font `use_font_for` then picks."""

    def __init__(self, orientation: str = "P", *, page: str | tuple[float, float] = "A4",
                 first_page: bool = True) -> None:
        super().__init__(orientation=orientation, unit="mm", format=page)
        self.set_auto_page_break(auto=True, margin=15)
        self._text_style: str | TextEmphasis = ""
        self._text_size: float = 10
        self._cjk_chars: frozenset[int] | None = None
        if first_page:
            self.add_page()
        self.set_font(LATIN, "", 10)

    def set_font(self, family: str | None = None, style: str | TextEmphasis = "", size: float = 0) -> None:
        if family is None or family.lower() == LATIN.lower():
            family, self._text_style, self._text_size = LATIN, style, size or self._text_size
        super().set_font(family, style, size)

    def text_cell(self, w: float, h: float, text: str, **kwargs: Any) -> None:
        """`cell` in Helvetica for Latin-1 text, else in the embedded CJK font."""
        self.cell(w, h, self.use_font_for(text), **kwargs)

    def use_font_for(self, text: str) -> str:
        """Switch to the font that can print `text`; the text to print (unprintable characters as "?")."""
        if is_latin1(text):
            super().set_font(LATIN, self._text_style, self._text_size)
            return text
        chars = self._load_cjk()
        super().set_font(CJK, "", self._text_size)
        return "".join(c if ord(c) in chars or c.isspace() else "?" for c in text)

    def _load_cjk(self) -> frozenset[int]:
        if self._cjk_chars is None:
            self.add_font(CJK, "", str(FONT_PATH))
            font = self.fonts[CJK.lower()]
            assert isinstance(font, TTFFont)
            self._cjk_chars = frozenset(font.cmap)
        return self._cjk_chars
