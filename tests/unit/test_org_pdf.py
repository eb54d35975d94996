"""The shared branded PDF: the organization's name and colour on every document, text through one font decision."""
from decimal import Decimal

from models.base import utcnow
from services.core.db import transaction
from services.org import pdf as doc
from services.org.branding import BrandingUpdate, update_branding
from tests.factories.documents import pdf_text


def test_branded_document_carries_name_colour_and_table(session, world):
    with transaction(session):
        update_branding(session, world.actor(world.admin_a), BrandingUpdate(display_name="Studio Kaze",
                                                                            primary_color="#ff8800"), now=utcnow())
    pdf = doc.branded_document(session, world.org_a)
    pdf.set_compression(False)
    doc.title(pdf, "Purchase order PO-000001")
    doc.table(pdf, [("Item", 80, "L"), ("Net", 0, "R")], [("Cut (001)", doc.money(Decimal("1234567.5")))])
    doc.label_value(pdf, "Total", doc.money(Decimal("270000")), bold=True)
    data = doc.output(pdf)
    text = pdf_text(data)
    assert text.splitlines() == ["Studio Kaze", "Purchase order PO-000001", "Item", "Net", "Cut (001)",
                                 "1,234,567.50", "Total", "270,000"]
    assert b"1 0.5333 0 rg" in data                  # the brand colour fills the band


def test_text_outside_the_font_becomes_question_marks_and_bad_colours_fall_back():
    assert doc.text("Café 東京") == "Café ??"
    assert doc.rgb("#12345") == doc.rgb("#2563eb") == (37, 99, 235)
