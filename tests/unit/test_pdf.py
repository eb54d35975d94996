"""services.core.pdf: Latin-1 text stays in Helvetica, Japanese and Korean text is set in the embedded
Noto Sans CJK font and can be read back from the PDF's text layer, in free documents, branded documents
and the trace report."""
from __future__ import annotations

from models.catalog import Product
from services.core.db import transaction
from services.core.pdf import CJK, Document
from services.org import pdf as doc
from services.trace import lots, report
from services.trace.lots import ReceiptCreate
from tests.conftest import T0
from tests.factories.documents import pdf_text_layer as page_text
from tests.factories.trace import make_trace_world


def test_japanese_and_korean_text_is_in_the_text_layer():
    pdf = Document()
    pdf.set_font("Helvetica", "B", 12)
    pdf.text_cell(0, 8, "Müller & Søn", new_x="LMARGIN", new_y="NEXT")
    pdf.text_cell(0, 8, "山田 太郎", new_x="LMARGIN", new_y="NEXT")
    pdf.text_cell(0, 8, "김민수", new_x="LMARGIN", new_y="NEXT")
    data = bytes(pdf.output())
    text = page_text(data)
    assert "Müller & Søn" in text and "山田 太郎" in text and "김민수" in text
    assert b"NotoSansCJK" in data                  # embedded, not a viewer's substitute


def test_latin_documents_do_not_embed_the_cjk_font():
    pdf = Document()
    pdf.text_cell(0, 8, "Credits - Director: Aiko Sato")
    data = bytes(pdf.output())
    assert CJK.lower() not in pdf.fonts and b"NotoSansCJK" not in data
    assert "Aiko Sato" in page_text(data)


def test_characters_no_font_has_print_as_question_marks():
    pdf = Document()
    assert pdf.use_font_for("佐藤 \U0001fae0") == "佐藤 ?"
    assert pdf.font_family == CJK.lower()
    assert pdf.use_font_for("plain") == "plain" and pdf.font_family == "helvetica"


def test_branded_documents_print_japanese_and_korean_through_the_shared_helper(session, world):
    pdf = doc.branded_document(session, world.org_a)
    doc.title(pdf, "請求書 / 청구서")
    doc.table(pdf, [("Item", 80, "L"), ("Customer", 0, "L")], [("Cut 001", "株式会社カゼ")])
    doc.label_value(pdf, "合計", "270,000")
    text = page_text(doc.output(pdf))
    for shown in ("Org A", "請求書 / 청구서", "Cut 001", "株式会社カゼ", "合計", "270,000"):
        assert shown in text


def test_a_trace_report_prints_japanese_product_and_supplier_names(session):
    tw = make_trace_world(session)
    with transaction(session):
        session.get(Product, tw.steel).name = "冷間圧延鋼板"
    lot = lots.receive(session, tw.operator, ReceiptCreate(
        plant_id=tw.world.plant1, product_id=tw.steel, quantity=10, supplier="山田製鋼", supplier_lot_ref="H-1"), now=T0)
    text = page_text(report.report_pdf(session, tw.viewer, lot.id))
    assert "冷間圧延鋼板" in text and "山田製鋼" in text and lot.number in text
