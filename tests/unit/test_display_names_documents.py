"""Documents print names in the reader's language: a Japanese reader's packing list shows the product's Japanese
name (the text layer, in the embedded CJK font), a purchase order and a statement the vendor's and the project's
name in the reader's language with the other in brackets, studio credits the credited names of the reader's
language first, and labels and the lot trace report the product's Japanese name."""
from __future__ import annotations

import pytest

from models.catalog import Product
from models.studio import StudioPartner
from services.core.db import transaction
from services.core.display_names import both_names
from services.core.languages import use_language
from services.finance import purchasing_documents
from services.studio import members
from services.trace import labels, report, shipment_pdf
from tests.conftest import T0
from tests.factories.documents import pdf_text_layer
from tests.factories.finance import approved_po, make_buying
from tests.factories.shipments import make_output, new_shipment, pack, receive
from tests.factories.studio import actor, make_studio
from tests.factories.trace import make_order, make_trace_world


def test_a_japanese_readers_packing_list_shows_the_products_japanese_name(session):
    tw = make_trace_world(session)
    with transaction(session):
        bracket = session.get(Product, tw.bracket)
        bracket.name2, bracket.name2_language = "取付ブラケット", "ja"
        session.add(bracket)
    steel = receive(session, tw, tw.steel, 100, "H-1")
    brackets = make_output(session, tw, [(steel.id, 10)], tw.bracket, 5)
    (line_id,) = make_order(session, tw, tw.customers[0], [(tw.bracket, 5)])
    shipment = new_shipment(session, tw, [line_id])
    pack(session, tw, shipment.id, lot_id=brackets.id)
    with use_language("ja"):
        japanese = pdf_text_layer(shipment_pdf.packing_list_pdf(session, tw.viewer, shipment.id))
        trace = pdf_text_layer(report.report_pdf(session, tw.viewer, brackets.id))
        label = labels.label_for(session, tw.viewer, "LOT", brackets.id)
        sheet = pdf_text_layer(labels.sheet_pdf(session, tw.viewer, [("LOT", brackets.id)]))
    with use_language("en"):
        english = pdf_text_layer(shipment_pdf.packing_list_pdf(session, tw.viewer, shipment.id))
    assert "取付ブラケット" in japanese, japanese
    assert "取付ブラケット" not in english and bracket.name in english
    assert "取付ブラケット" in trace, trace
    assert "取付ブラケット" in label.subtitle and "取付ブラケット" in sheet, sheet


@pytest.fixture
def buying(session, world):
    return make_buying(session, world)


def test_a_purchase_order_names_the_vendor_and_project_in_the_readers_language(session, buying):
    with transaction(session):
        vendor = session.get(StudioPartner, buying.studio.vendor_id)
        vendor.name2, vendor.name2_language = "벤더 애니", "ko"
        session.add(vendor)
    po = approved_po(session, buying)
    with use_language("ko"):
        korean = pdf_text_layer(purchasing_documents.po_pdf(session, buying.fin, po.id))
    with use_language("en"):
        english = pdf_text_layer(purchasing_documents.po_pdf(session, buying.fin, po.id))
    assert f"협력업체: 벤더 애니 ({vendor.name})" in korean, korean      # the PO sheet prints in the reader's language
    assert f"Vendor: {vendor.name} (벤더 애니)" in english, english
    assert both_names(vendor, "ja") == f"{vendor.name} (벤더 애니)"


def test_studio_credits_print_the_readers_names_first(session, world):
    studio = make_studio(session, world)                 # the project "Star Seeds", 星の種
    pm = actor(session, studio.pm)
    with transaction(session):
        members.create_member(session, pm, studio.project_id, members.MemberCreate(
            role_title="Colour", department="Art", person_name="Park Jisoo", person_name2="박지수"), now=T0)
    with use_language("ja"):
        japanese = pdf_text_layer(members.credits_pdf(session, pm, studio.project_id))
    with use_language("ko"):
        korean = pdf_text_layer(members.credits_pdf(session, pm, studio.project_id))
    assert japanese.index("星の種") < japanese.index("Star Seeds"), japanese
    assert korean.index("Star Seeds") < korean.index("星の種"), korean
    assert korean.index("박지수") < korean.index("Park Jisoo"), korean
    assert japanese.index("Park Jisoo") < japanese.index("박지수"), japanese
