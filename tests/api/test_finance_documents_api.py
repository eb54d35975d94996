"""Purchasing documents over real HTTP: the PO as PDF, the settlement statement as PDF and Excel, the batch
payment file as CSV; a manager gets none of them."""
from __future__ import annotations

from datetime import date

from models.studio_work import StudioTask
from services.core.db import transaction
from services.finance import settlements
from services.org import settings
from services.org.settings import SettingsUpdate
from tests.api.conftest import assert_error
from tests.factories.documents import pdf_text
from tests.factories.finance import NOW, approved_po, make_buying


def test_purchasing_documents_over_http(client, world, as_user, session):
    buying = make_buying(session, world)
    po = approved_po(session, buying)
    with transaction(session):
        session.get(StudioTask, buying.studio.vendor_task_id).approved_at = NOW
    with transaction(session):
        st = settlements.settle(session, buying.fin, po.id, settled_on=date(2026, 12, 10), now=NOW)
    fin, manager = as_user("fin.one"), as_user("prod.manager")
    pdf = client.get(f"/finance/purchase-orders/{po.id}/pdf", headers=fin)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    statement = client.get(f"/finance/settlements/{st.id}/statement.pdf", headers=fin)
    assert statement.status_code == 200 and statement.content.startswith(b"%PDF")
    sheet = client.get(f"/finance/settlements/{st.id}/statement.xlsx", headers=fin)
    assert sheet.status_code == 200 and sheet.content.startswith(b"PK")
    payments = client.post("/finance/payment-file", json={"value_date": "2026-12-15"}, headers=fin)
    assert payments.status_code == 200 and payments.headers["content-type"].startswith("text/csv")
    assert st.number in payments.text and 'filename="payments-2026-12-15.csv"' in payments.headers["content-disposition"]
    assert_error(client.get(f"/finance/settlements/{st.id}/statement.pdf", headers=manager), 403, "forbidden")
    assert_error(client.post("/finance/payment-file", json={"value_date": "2026-12-15"}, headers=manager),
                 403, "forbidden")
    assert_error(client.post("/finance/payment-file", json={"value_date": "2026-12-15", "settlement_ids": [9999]},
                             headers=fin), 422, "invalid", **{"settlement_ids.0": "No such settlement."})


def test_pdfs_over_http_write_numbers_in_the_organizations_number_format(client, world, as_user, session):
    buying = make_buying(session, world)
    po = approved_po(session, buying)                       # 150,000 x 1.20 x 1.50 = 270,000
    fin = as_user("fin.one")
    before = pdf_text(client.get(f"/finance/purchase-orders/{po.id}/pdf", headers=fin).content)
    assert "270,000" in before and "270.000" not in before
    with transaction(session):
        settings.update_settings(session, buying.admin, SettingsUpdate(number_format="1.234,56"), now=NOW)
    after = client.get(f"/finance/purchase-orders/{po.id}/pdf", headers=fin)
    assert after.status_code == 200, after.text
    text = pdf_text(after.content)
    assert "270.000" in text and "270,000" not in text
    assert "288.090" in text and "288,090" not in text      # the net payable too
    with transaction(session):
        settings.update_settings(session, buying.admin, SettingsUpdate(number_format="1 234,56"), now=NOW)
    assert "270\xa0000" in pdf_text(client.get(f"/finance/purchase-orders/{po.id}/pdf", headers=fin).content)  # no-break space
