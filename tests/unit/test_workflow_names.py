"""The names Takt ships in its default workflows read in the reader's language (services/config/workflow_names):
an NCR's, a document revision's and a purchase order's state and transition names and refused conditions, the
PO finance route with its amount; an organization's own names stay as the organization wrote them."""
from __future__ import annotations

from decimal import Decimal

import pytest

from services.config import workflow, workflow_admin
from services.config.workflow_names import shipped_text
from services.core.db import transaction
from services.core.languages import use_language
from services.finance import po_approval
from services.finance.po_approval import LimitChange
from services.quality import ncr as ncrs
from services.quality.ncr import NcrCreate
from tests.conftest import T0
from tests.factories.doc_control import make_document, make_shop, write_revision
from tests.factories.finance import NOW, make_buying, make_po


def test_shipped_names_and_templates_are_translated_and_others_kept():
    with use_language("ja"):
        assert (shipped_text("Draft"), shipped_text("In review"), shipped_text("Obsolete")) == ("下書き", "レビュー中", "廃止")
        assert shipped_text("Reported") == "報告済み"                        # the workflow's meaning, not the column's
        assert shipped_text("Approval by finance (up to 5000000 KRW)") == "経理承認（5,000,000 KRW まで）"
        assert shipped_text("Above 1234.5 EUR: a manager approves.") == "1,234.5 EUR を超える発注はマネージャーが承認します。"
        assert shipped_text("Approval by finance (up to lots of KRW)") == "Approval by finance (up to lots of KRW)"
        assert shipped_text("Awaiting Hans") == "Awaiting Hans"
    with use_language("ko"):
        assert (shipped_text("Draft"), shipped_text("Not an order in USD.")) == ("초안", "USD 통화의 발주가 아닙니다.")
    assert shipped_text("Approval by finance (up to 5000000 KRW)") == "Approval by finance (up to 5000000 KRW)"


def _raise(session, actor, plant_id):
    with transaction(session):
        return ncrs.create_ncr(session, actor, NcrCreate(plant_id=plant_id, title="Burr on flange"), now=T0)


def test_an_ncr_reads_its_default_names_in_japanese_and_a_renamed_state_as_written(session, world):
    admin = world.actor(world.admin_a)
    first = _raise(session, admin, world.plant1)
    with use_language("ja"):
        read = workflow.instance(session, admin, "ncr", first.id)
        assert read.state_name == "オープン"
        investigate = next(o for o in workflow.available_transitions(session, admin, "ncr", first.id)
                           if o.key == "investigate")
        assert (investigate.name, investigate.to_state_name) == ("原因調査を開始", "原因調査中")
        assert investigate.reasons == ["先に封じ込めの内容を記入してください。"]
        assert ncrs.get_ncr(session, admin, first.id).status_name == "オープン"
    spec = workflow_admin.get_spec(session, admin, "ncr")
    spec.states[0].name = "Eingang"
    spec.transitions[0].name = "Draft"                                  # a shipped word stays a shipped word
    with transaction(session):
        workflow_admin.save_workflow(session, admin, "ncr", spec, now=T0)
    second = _raise(session, admin, world.plant1)
    with use_language("ja"):
        assert workflow.instance(session, admin, "ncr", second.id).state_name == "Eingang"
        assert ncrs.get_ncr(session, admin, second.id).status_name == "Eingang"
        assert workflow.available_transitions(session, admin, "ncr", second.id)[0].name == "下書き"
        assert workflow.instance(session, admin, "ncr", first.id).state_name == "オープン"   # on its version


@pytest.fixture
def shop(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_shop(session, world)


def test_a_document_revision_reads_its_default_names_in_korean(session, shop):
    engineer = shop.actor(shop.engineer)
    rev = write_revision(session, engineer, make_document(session, engineer, "routing_step", shop.cut_step_id))
    with use_language("ko"):
        assert workflow.instance(session, engineer, "document_revision", rev).state_name == "초안"
        submit = workflow.available_transitions(session, engineer, "document_revision", rev)[0]
        assert submit.to_state_name == "검토 중"
    with use_language("ja"):
        assert workflow.instance(session, engineer, "document_revision", rev).state_name == "下書き"
    assert workflow.instance(session, engineer, "document_revision", rev).state_name == "Draft"


def test_a_po_reads_its_finance_route_and_refused_conditions_in_japanese(session, world):
    buying = make_buying(session, world)
    po = make_po(session, buying, unit_price=Decimal("3000000"))        # adjusted 5,400,000 KRW: above the limit
    with transaction(session):                                          # on the workflow, not yet submitted
        workflow.start(session, buying.fin, "purchase_order", po.id, now=NOW)
    with use_language("ja"):
        options = {o.key: o for o in workflow.available_transitions(session, buying.fin, "purchase_order", po.id)}
        krw, usd = options["approve_krw"], options["approve_usd"]
        assert krw.name == "経理承認（5,000,000 KRW まで）" and krw.to_state_name == "承認済み"
        assert krw.reasons == ["5,000,000 KRW を超える発注はマネージャーが承認します。"]
        assert usd.reasons[0] == "USD 建ての発注ではありません。"
        assert options["approve_manager"].name == "マネージャー承認"
        limits = po_approval.approval_limits(session, buying.admin)
        assert limits[0].name == "経理承認（5,000,000 KRW まで）"
    with transaction(session):
        po_approval.set_approval_limit(session, buying.admin, LimitChange(currency="KRW", limit=Decimal("6000000.5")),
                                       now=NOW)
    second = make_po(session, buying, unit_price=Decimal("3000000"), task_ids=[None])   # on the new version
    with use_language("ko"):
        with transaction(session):
            state = po_approval.submit_po(session, buying.fin, second.id, now=NOW)
        assert state.pending_route == "재무 승인 (6,000,000.5 KRW까지)"
    assert po_approval.approval_of(session, buying.fin, second.id).pending_route == (
        "Approval by finance (up to 6000000.5 KRW)")
