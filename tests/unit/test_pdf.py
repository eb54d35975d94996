"""services.core.pdf: Latin-1 text stays in Helvetica, Japanese and Korean text is set in the embedded
Noto Sans CJK font and can be read back from the PDF's text layer."""
from __future__ import annotations

import pypdfium2 as pdfium

from services.core.pdf import CJK, Document


def page_text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def test_japanese_and_korean_text_is_in_the_text_layer():
    doc = Document()
    doc.style("B", 12)
    doc.text_cell(0, 8, "Müller & Søn", new_x="LMARGIN", new_y="NEXT")
    doc.text_cell(0, 8, "山田 太郎", new_x="LMARGIN", new_y="NEXT")
    doc.text_cell(0, 8, "김민수", new_x="LMARGIN", new_y="NEXT")
    data = bytes(doc.output())
    text = page_text(data)
    assert "Müller & Søn" in text and "山田 太郎" in text and "김민수" in text
    assert b"NotoSansCJK" in data                  # embedded, not a viewer's substitute


def test_latin_documents_do_not_embed_the_cjk_font():
    doc = Document()
    doc.text_cell(0, 8, "Credits - Director: Aiko Sato")
    data = bytes(doc.output())
    assert CJK.lower() not in doc.fonts and b"NotoSansCJK" not in data
    assert "Aiko Sato" in page_text(data)


def test_characters_no_font_has_print_as_question_marks():
    doc = Document()
    assert doc.use_font_for("佐藤 \U0001fae0") == "佐藤 ?"
    assert doc.font_family == CJK.lower()
    assert doc.use_font_for("plain") == "plain" and doc.font_family == "helvetica"
