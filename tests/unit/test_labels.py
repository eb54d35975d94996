"""Labels: the payload parses strictly, every printed code decodes (zxing-cpp) to the same payload, and
objects are found only inside the actor's organization and plants."""
from __future__ import annotations

import base64
import io

import pypdfium2 as pdfium
import pytest
import resvg_py
import zxingcpp
from PIL import Image
from sqlmodel import func, select

from models.audit import AuditEntry
from models.scans import Scan
from services.core.db import transaction
from services.core.errors import Invalid, NotFound
from services.org import branding
from services.org.branding import BrandingUpdate
from services.trace import labels
from services.trace.labels import LabelError, LabelKind, LabelPayload, LabelTarget
from tests.conftest import T0
from tests.factories.production import make_line, make_work_order

SAMPLE = LabelTarget(LabelKind.LOT, 1, "LOT-000123", "acme", 1, "Lot LOT-000123", "ST-20 Steel bar 20 mm · 40 kg")


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


# --- payload -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(LabelKind))
def test_encode_and_parse_are_inverse(kind):
    text = labels.encode(kind, "acme", "BER/CNC-01" if kind in (LabelKind.MAC, LabelKind.LOC) else "X-000017")
    assert text.startswith(f"TAKT1|{kind.value}|acme|")
    assert labels.parse(text).text() == text


def test_parse_forgives_a_scanners_line_end_and_case_of_prefix_and_kind():
    assert labels.parse("takt1|lot|acme|LOT-000001\r\n") == LabelPayload(LabelKind.LOT, "acme", "LOT-000001")


@pytest.mark.parametrize("raw, reason, words", [
    ("", "malformed", "Nothing was scanned"),
    ("   ", "malformed", "Nothing was scanned"),
    ("4006381333931", "malformed", "not a Takt label"),
    ("TAKT:MACHINE:M1", "malformed", "not a Takt label"),
    ("TAKT1|LOT|acme", "malformed", "damaged or incomplete"),
    ("TAKT1|LOT|acme|LOT-1|extra", "malformed", "damaged or incomplete"),
    ("TAKT1|PAL|acme|P-1", "unknown_kind", "Unknown label kind"),
    ("TAKT1||acme|P-1", "unknown_kind", "Unknown label kind"),
    ("TAKT1|LOT|Acme Inc|LOT-1", "malformed", "company part is damaged"),
    ("TAKT1|LOT|acme|", "malformed", "number is damaged or empty"),
    ("TAKT1|LOT|acme|LOT 1", "malformed", "number is damaged or empty"),
    ("TAKT1|LOT|acme|LÖT-1", "malformed", "number is damaged or empty"),
    ("TAKT1|LOT|acme|" + "9" * 81, "malformed", "number is damaged or empty"),
])
def test_parse_refuses_bad_payloads_with_clear_words(raw, reason, words):
    with pytest.raises(LabelError) as caught:
        labels.parse(raw)
    assert caught.value.reason == reason
    assert words in caught.value.message
    assert isinstance(caught.value, Invalid)


def test_parse_refuses_a_label_of_another_organization():
    with pytest.raises(LabelError) as caught:
        labels.parse("TAKT1|LOT|globex|LOT-000001", org_slug="acme")
    assert caught.value.reason == "foreign_org"
    assert "another company (globex)" in caught.value.message


def test_encode_refuses_what_could_not_be_scanned_back():
    for kind, slug, code in (("LOT", "acme", "a|b"), ("PAL", "acme", "P1"), ("LOT", "ACME", "L1"), ("LOT", "acme", "")):
        with pytest.raises(LabelError):
            labels.encode(kind, slug, code)


# --- rendering: decode with a real decoder -----------------------------------------------------------------

@pytest.mark.parametrize("symbology, fmt", [("code128", zxingcpp.BarcodeFormat.Code128),
                                             ("qr", zxingcpp.BarcodeFormat.QRCode)])
def test_png_label_decodes_to_its_payload(symbology, fmt):
    png = labels.render_png(SAMPLE, symbology)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [(r.text, r.format) for r in results] == [(SAMPLE.payload, fmt)]


@pytest.mark.parametrize("symbology", ["code128", "qr"])
def test_svg_label_decodes_to_its_payload_and_carries_the_human_text(symbology):
    svg = labels.render_svg(SAMPLE, symbology)
    assert "LOT-000123" in svg and "Steel bar" in svg
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, dpi=300))
    assert decoded(Image.open(io.BytesIO(png))) == [SAMPLE.payload]


@pytest.mark.parametrize("symbology", ["code128", "qr"])
@pytest.mark.parametrize("layout", list(labels.SHEET_LAYOUTS))
def test_pdf_sheet_places_every_label_and_each_decodes(symbology, layout):
    sheet = labels.SHEET_LAYOUTS[layout]
    items = [LabelTarget(LabelKind.SER, i, f"SN-{i:05d}", "acme", 1, f"Serial SN-{i:05d}", "Pump")
             for i in range(sheet.per_page + 1)]
    doc = pdfium.PdfDocument(labels.render_sheet_pdf(items, symbology, layout=layout))
    try:
        assert len(doc) == 2
        page = doc[0].render(scale=600 / 72).to_pil()
        px = page.width / sheet.page_w
        found = []
        for slot in range(min(sheet.per_page, 6)):          # a few places of the first sheet are enough
            col, row = slot % sheet.cols, slot // sheet.cols
            x = (sheet.left + col * (sheet.label_w + sheet.gap_x)) * px
            y = (sheet.top + row * (sheet.label_h + sheet.gap_y)) * px
            found += decoded(page.crop((round(x), round(y), round(x + sheet.label_w * px),
                                        round(y + sheet.label_h * px))))
        assert found == [items[slot].payload for slot in range(min(sheet.per_page, 6))]
        assert "SN-00000" in doc[0].get_textpage().get_text_range()
    finally:
        doc.close()


def test_pdf_sheet_can_skip_used_places():
    doc = pdfium.PdfDocument(labels.render_sheet_pdf([SAMPLE] * 3, "qr", layout="a4-3x8", skip=22))
    try:
        assert len(doc) == 2      # places 23 and 24 of the first sheet, then one on a new sheet
    finally:
        doc.close()


@pytest.mark.parametrize("kwargs, field", [({"layout": "letter-9x9"}, "layout"), ({"skip": 24}, "skip")])
def test_pdf_sheet_refuses_unknown_layouts_and_skips(kwargs, field):
    with pytest.raises(Invalid) as caught:
        labels.render_sheet_pdf([SAMPLE], "qr", **kwargs)
    assert field in caught.value.fields


def test_long_text_is_cut_to_fit_the_label():
    long = LabelTarget(LabelKind.WO, 1, "WO-000001", "acme", 1, "Work order WO-000001", "x" * 300)
    assert "x" * 300 not in labels.render_svg(long, "qr")
    assert "…" in labels.render_svg(long, "qr")


# --- objects behind labels ----------------------------------------------------------------------------

@pytest.fixture
def floor(world, session):
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    wo_id, _ = make_work_order(session, world.org_a, world.plant1, line)
    return line, wo_id


def test_label_for_a_work_order_and_a_machine(world, session, floor):
    line, wo_id = floor
    admin = world.actor(world.admin_a)
    wo = labels.label_for(session, admin, "WO", wo_id)
    assert wo.payload.startswith("TAKT1|WO|org-a|WO-") and wo.title.startswith("Work order ")
    machine = labels.label_for(session, admin, LabelKind.MAC, line.machine_ids[0])
    assert machine.payload.startswith("TAKT1|MAC|org-a|P1/")
    assert labels.resolve(session, admin, machine.payload).id == line.machine_ids[0]
    assert labels.resolve(session, admin, wo.payload + "\n").id == wo_id


def test_resolve_refuses_unknown_foreign_and_wrong_kind_labels_and_writes_nothing(world, session, floor):
    _, wo_id = floor
    operator = world.actor(world.operator1)
    before = (session.exec(select(func.count()).select_from(AuditEntry)).one(),
              session.exec(select(func.count()).select_from(Scan)).one())
    with pytest.raises(NotFound, match="Unknown label: no work order WO-999999 in your plants"):
        labels.resolve(session, operator, "TAKT1|WO|org-a|WO-999999")
    with pytest.raises(LabelError, match="another company"):
        labels.resolve(session, operator, "TAKT1|WO|org-b|WO-000001")
    wo_payload = labels.label_for(session, operator, "WO", wo_id).payload
    with pytest.raises(LabelError, match="work order label: scan a lot or serial number label"):
        labels.resolve(session, operator, wo_payload, kinds=(LabelKind.LOT, LabelKind.SER))
    assert (session.exec(select(func.count()).select_from(AuditEntry)).one(),
            session.exec(select(func.count()).select_from(Scan)).one()) == before


def test_objects_of_another_organization_or_plant_have_no_label(world, session, floor):
    line, wo_id = floor
    admin_b = world.actor(world.admin_b)
    with pytest.raises(NotFound):
        labels.label_for(session, admin_b, "WO", wo_id)
    with pytest.raises(NotFound):
        labels.label_for(session, admin_b, "MAC", line.machine_ids[0])
    payload = labels.label_for(session, world.actor(world.admin_a), "WO", wo_id).payload
    with pytest.raises(LabelError):                   # org B scans org A's label: a foreign label
        labels.resolve(session, admin_b, payload)
    from tests.factories.org import make_user
    other_plant = make_user(session, world.org_a, roles=["operator"], plant_ids=[world.plant2])
    with pytest.raises(NotFound):
        labels.label_for(session, world.actor(other_plant), "WO", wo_id)
    with pytest.raises(NotFound, match="Unknown label"):
        labels.resolve(session, world.actor(other_plant), payload)


def test_labels_for_many_keeps_order_and_bounds(world, session, floor):
    line, wo_id = floor
    admin = world.actor(world.admin_a)
    got = labels.labels_for(session, admin, [("MAC", line.machine_ids[1]), ("WO", wo_id), ("MAC", line.machine_ids[0])])
    assert [t.id for t in got] == [line.machine_ids[1], wo_id, line.machine_ids[0]]
    with pytest.raises(Invalid):
        labels.labels_for(session, admin, [])
    with pytest.raises(Invalid):
        labels.labels_for(session, admin, [("WO", wo_id)] * 1001)


def test_the_zxing_wasm_in_assets_is_the_one_the_locked_scanner_loads():
    from pathlib import Path

    from rxapp.components.camera_scanner import ZXING_WASM_VERSION
    root = Path(__file__).resolve().parents[2]
    assert f'"zxing-wasm@{ZXING_WASM_VERSION}"' in (root / "reflex.lock" / "bun.lock").read_text()
    assert (root / "assets" / "zxing_reader.wasm").read_bytes()[:4] == b"\0asm"


def test_japanese_and_korean_product_names_print_on_sheets_and_pngs():
    def target(subtitle):
        return LabelTarget(LabelKind.LOT, 1, "LOT-000123", "acme", 1, "Lot LOT-000123", subtitle)

    doc = pdfium.PdfDocument(labels.render_sheet_pdf([target("冷間圧延鋼板 20 kg"), target("냉간압연 강판")], "qr"))
    try:
        text = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    assert "冷間圧延鋼板" in text and "냉간압연 강판" in text
    # glyphs, not one missing-glyph box per character: two names of the same length draw differently
    assert labels.render_png(target("冷間圧延")) != labels.render_png(target("山田製鋼"))


def _png_logo() -> str:
    out = io.BytesIO()
    Image.new("RGB", (60, 24), (170, 51, 0)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.mark.parametrize("layout", ["a4-3x8", "thermal-100x50"])
def test_a_label_sheet_carries_the_organizations_branding_and_still_decodes(world, session, floor, layout):
    """Issue 18: label sheets are branded like the packing list: the organization's name, the sender's plant, its
    logo, its colour, above each label's barcode (which still scans)."""
    line, wo_id = floor
    admin = world.actor(world.admin_a)
    with transaction(session):
        branding.update_branding(session, admin, BrandingUpdate(display_name="Nordwerk Präzision", primary_color="#aa3300",
                                                                logo_svg=_png_logo()), now=T0)
    items = [("WO", wo_id), (LabelKind.MAC, line.machine_ids[0])]
    pdf = labels.sheet_pdf(session, admin, items, "code128", layout=layout)
    plain = labels.render_sheet_pdf(labels.labels_for(session, admin, items), "code128", layout=layout)
    assert pdf.count(b"/Subtype /Image") >= 1 and plain.count(b"/Subtype /Image") == 0
    doc = pdfium.PdfDocument(pdf)
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in doc)
        found = [r.text for page in doc for r in zxingcpp.read_barcodes(page.render(scale=600 / 72).to_pil())]
    finally:
        doc.close()
    assert text.count("Nordwerk Präzision") == 2 and text.count("Plant (P1)") == 2
    assert found == [labels.label_for(session, admin, kind, i).payload for kind, i in items]


def test_a_japanese_organization_name_prints_on_its_label_sheet(world, session, floor):
    line, _ = floor
    admin = world.actor(world.admin_a)
    with transaction(session):
        branding.update_branding(session, admin, BrandingUpdate(display_name="北辰精機株式会社"), now=T0)
    doc = pdfium.PdfDocument(labels.sheet_pdf(session, admin, [(LabelKind.MAC, line.machine_ids[0])], "qr"))
    try:
        assert "北辰精機株式会社" in doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
