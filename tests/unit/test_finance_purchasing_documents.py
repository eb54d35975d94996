"""The purchase order PDF, the settlement statement (PDF and Excel) and the batch payment file: the stored figures
with every tax line's rule and rounding, read back from the documents; who may have them; the file's layout."""
import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlmodel import select

from models.audit import AuditEntry
from models.studio import StudioPartner
from models.studio_work import StudioTask
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid, NotFound
from services.core.languages import use_language
from services.core.messages import render
from services.finance import payment_file, purchasing_documents, settlements
from services.finance.payment_file import PaymentRequest
from tests.factories.documents import pdf_text, pdf_text_layer
from tests.factories.finance import NOW, approved_po, make_buying, make_po

# 150,000 x 1.20 x 1.50 = 270,000; VAT 10 % = 27,000; income tax 3 % = 8,100, local tax 10 % of it = 810;
# net payable 270,000 + 27,000 - 8,910 = 288,090
NET = "288,090"


@pytest.fixture
def buying(session, world):
    return make_buying(session, world)


def _settled(session, buying):
    po = approved_po(session, buying)
    with transaction(session):
        session.get(StudioTask, buying.studio.vendor_task_id).approved_at = NOW
    with transaction(session):
        return po, settlements.settle(session, buying.fin, po.id, settled_on=date(2026, 12, 10), now=NOW)


def test_po_pdf_shows_lines_taxes_with_their_rounding_and_the_net(session, buying):
    po = approved_po(session, buying)
    text = pdf_text(purchasing_documents.po_pdf(session, buying.fin, po.id)).splitlines()
    assert f"Purchase order {po.number}" in text and "Vendor: Vendor Anim" in text and "Work: In-between" in text
    assert text[text.index("Line 1"):][:6] == ["Line 1", "1", "150,000", "1.2 x 1.5", "150,000", "270,000"]
    assert text[text.index("Net payable (KRW)") + 1] == NET
    taxes = [t for t in text if t.startswith(("+ ", "- "))]
    assert len(taxes) == 3 and all("trunc" in t.lower() for t in taxes), taxes       # VAT, income and local tax
    assert text[text.index(taxes[1]) + 1] == "8,100" and text[text.index(taxes[2]) + 1] == "810"
    vendor = buying.studio.world.actor(buying.studio.vendor_user)
    assert "Vendor: Vendor Anim" in pdf_text(purchasing_documents.po_pdf(session, vendor, po.id))
    with pytest.raises(NotFound):
        purchasing_documents.po_pdf(session, buying.studio.world.actor(buying.studio.other_vendor_user), po.id)
    draft = make_po(session, buying, task_ids=[None])
    with pytest.raises(NotFound):                                     # a draft is not the vendor's to read
        purchasing_documents.po_pdf(session, vendor, draft.id)


def test_a_po_pdf_for_a_japanese_reader_is_in_japanese(session, buying):
    """Title, labels, the table's headings, the status, the date in Japanese format and the rounding in words; the
    vendor's name and the figures as written."""
    po = approved_po(session, buying)
    with use_language("ja"):
        layer = pdf_text_layer(purchasing_documents.po_pdf(session, buying.fin, po.id))
    text = " ".join(layer.split())
    for expected in (f"発注書 {po.number}", "発注先: Vendor Anim", "作業内容: In-between",
                     "発注日: 2026/12/01 ステータス: 承認済み", "明細", "数量", "単価", "難易度 × 緊急度", "基本額",
                     "調整後 = 基本額 × 難易度係数 × 緊急度係数 (KRW)", "差引支払額 (KRW)", "未満を切り捨て", NET):
        assert expected in text, (expected, text)
    assert "Purchase order" not in text and "Net payable" not in text and "truncated" not in text


def test_settlement_statement_as_pdf_and_excel(session, buying):
    po, st = _settled(session, buying)
    text = pdf_text(purchasing_documents.settlement_pdf(session, buying.fin, st.id)).splitlines()
    assert f"Settlement statement {st.number}" in text and f"Purchase order: {po.number} (In-between)" in text
    assert any(t.endswith("Line 1") for t in text) and "Settled on: 2026-12-10    Payment: not paid yet" in text
    assert text[text.index("Net payable (KRW)") + 1] == NET
    sheet = openpyxl.load_workbook(io.BytesIO(purchasing_documents.settlement_xlsx(session, buying.fin, st.id))).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Work done", "Task", "Qty", "Amount (KRW)"]
    assert rows[1][0] == "Line 1" and rows[1][2:] == [1, 270000]
    assert [r[3] for r in rows[2:]] == [270000, 27000, -8100, -810, 288090]
    assert rows[-1][0] == "Net payable"
    with pytest.raises(Forbidden):
        purchasing_documents.settlement_pdf(session, buying.studio.world.actor(buying.studio.pm), st.id)


def test_payment_file_layout_refusals_and_audit(session, buying):
    _po, st = _settled(session, buying)
    with transaction(session):
        data = payment_file.payment_file(session, buying.fin, PaymentRequest(value_date=date(2026, 12, 15)), now=NOW)
    assert data.startswith(b"\xef\xbb\xbf")                            # UTF-8 with a byte-order mark
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == payment_file.COLUMNS
    assert rows[1:] == [["1", "2026-12-15", "Org A", "Vendor Anim", "DE89370400440532013000", "", "KRW", "288090",
                         st.number, f"PO-000001 {st.number} 2026-12-10"]]
    audit = session.exec(select(AuditEntry).where(AuditEntry.entity == "payment_file")).one()
    assert audit.changes["totals"] == {"KRW": "288090"}
    with transaction(session):
        settlements.mark_paid(session, buying.fin, st.id, date(2026, 12, 15), now=NOW)
    with pytest.raises(Invalid) as nothing:
        payment_file.payment_file(session, buying.fin, PaymentRequest(value_date=date(2026, 12, 16)), now=NOW)
    assert "no unpaid settlement" in nothing.value.message
    assert render(nothing.value.message, "ja") == "支払う未払の精算がありません。"
    assert render(nothing.value.fields["settlement_ids"], "ko") == "지급할 항목이 없습니다."
    with pytest.raises(Invalid) as paid:
        payment_file.payment_file(session, buying.fin, PaymentRequest(settlement_ids=[st.id, 999],
                                                                      value_date=date(2026, 12, 16)), now=NOW)
    assert paid.value.fields == {"settlement_ids.1": "No such settlement.", st.number: "Paid on 2026-12-15."}
    assert render(paid.value.fields[st.number], "ja") == "2026/12/15 に支払済みです。"      # the date as Japanese write it
    assert render(paid.value.fields[st.number], "ko") == "2026. 12. 15.에 지급되었습니다."
    with pytest.raises(Forbidden):
        payment_file.transfers(session, buying.studio.world.actor(buying.studio.pm),
                               PaymentRequest(value_date=date(2026, 12, 16)))


def test_a_vendor_without_a_bank_account_stops_the_file(session, buying):
    _settled(session, buying)
    with transaction(session):
        session.get(StudioPartner, buying.studio.vendor_id).bank_account = "  "
    with pytest.raises(Invalid) as refused:
        payment_file.transfers(session, buying.fin, PaymentRequest(value_date=date(2026, 12, 15)))
    assert list(refused.value.fields.values()) == ["Vendor Anim has no bank account recorded."]
    assert [render(v, "ja") for v in refused.value.fields.values()] == ["Vendor Anim の銀行口座が登録されていません。"]
    assert render(refused.value.message, "ko").startswith("지급 파일을 만들 수 없습니다: ")
