"""Vendor purchase orders and settlements: adjusted = base x difficulty x urgency, VAT and withholding of an
individual vendor, approval by someone else, the vendor's acknowledgement, settlement of QC2-approved tasks only,
never the same task twice, postings that balance, isolation."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.finance import Rounding, TaxKind
from models.purchasing import PoStatus
from models.studio import StudioPartner
from models.studio_work import StudioTask
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.messages import render
from services.finance import accounts, ledger_reports, periods, po_approval, purchasing, settlements, tax_rules
from services.finance.purchasing import PoCreate, PoLineInput, adjusted_amount
from services.finance.tax_rules import ComponentInput, TaxRuleCreate, TierInput
from tests.factories.org import make_user
from tests.factories.studio import make_studio

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture
def shop(session, world):
    studio = make_studio(session, world)
    fin = world.actor(make_user(session, world.org_a, roles=["finance"], username="fin.one"))
    approver = world.actor(world.admin_a)
    with transaction(session):
        periods.open_year(session, approver, 2026, now=NOW)
        accounts.apply_chart_template(session, approver, now=NOW)
        for rule in (TaxRuleCreate(code="KR-VAT-10", name="VAT", jurisdiction="KR", kind=TaxKind.VAT, currency="KRW",
                                   effective_from=date(2020, 1, 1),
                                   components=[ComponentInput(name="VAT", tiers=[TierInput(rate=Decimal("0.1"))],
                                                              rounding=Rounding.TRUNCATE)]),
                     TaxRuleCreate(code="KR-WHT-3.3", name="WHT", jurisdiction="KR", kind=TaxKind.WITHHOLDING,
                                   currency="KRW", effective_from=date(2020, 1, 1), components=[
                                       ComponentInput(name="Income tax", tiers=[TierInput(rate=Decimal("0.03"))],
                                                      rounding=Rounding.TRUNCATE, unit=Decimal(10)),
                                       ComponentInput(name="Local income tax", base="Income tax",
                                                      tiers=[TierInput(rate=Decimal("0.1"))], rounding=Rounding.TRUNCATE,
                                                      unit=Decimal(10))])):
            tax_rules.create_tax_rule(session, approver, rule, now=NOW)
    vendor = session.get(StudioPartner, studio.vendor_id)
    vendor.is_individual = True
    session.commit()
    return studio, fin, approver


def _po(session, fin, studio, **kw):
    data = PoCreate(vendor_partner_id=studio.vendor_id, project_id=studio.project_id, process_type="In-between",
                    currency="KRW", vat_rule_code="", withholding_rule_code="KR-WHT-3.3", order_date=date(2026, 12, 1),
                    lines=[PoLineInput(description="C001 in-between", quantity=1, unit_price=Decimal("150000"),
                                       difficulty_rate=Decimal("1.20"), urgency_rate=Decimal("1.50"),
                                       task_id=studio.vendor_task_id)])
    with transaction(session):
        return purchasing.create_po(session, fin, data.model_copy(update=kw), now=NOW)


def test_po_figures_approval_and_acknowledgement(session, shop):
    studio, fin, approver = shop
    po = _po(session, fin, studio)
    # 150,000 x 1.20 x 1.50 = 270,000; withholding 8,100 + 810; net 261,090
    assert (po.base, po.adjusted, po.withholding.total, po.net_payable) == (
        Decimal("150000"), Decimal("270000"), Decimal("8910"), Decimal("261090"))
    assert [c.amount for c in po.withholding.components] == [Decimal("8100"), Decimal("810")]
    with transaction(session):
        po_approval.submit_po(session, fin, po.id, now=NOW)
    with pytest.raises(Forbidden) as writer:
        po_approval.approve_po(session, fin, po.id, now=NOW)                 # not the writer
    assert render(writer.value.message, "ja") == "発注書は作成者以外の人が承認します。"
    assert render(writer.value.message, "ko") == "발주서는 작성자가 아닌 다른 사람이 승인합니다."
    vendor = studio.world.actor(studio.vendor_user)
    with pytest.raises(NotFound):
        purchasing.read_po(session, vendor, po.id)                           # drafts are not shared
    with transaction(session):
        po_approval.approve_po(session, approver, po.id, now=NOW)
    with transaction(session):
        acked = purchasing.acknowledge_po(session, vendor, po.id, now=NOW)
    assert acked.status == PoStatus.ACKNOWLEDGED
    with pytest.raises(Conflict) as submitted:
        po_approval.submit_po(session, fin, po.id, now=NOW)                  # no longer a draft
    assert submitted.value.message == f"{po.number} is acknowledged: only a draft is submitted."
    assert render(submitted.value.message, "ja") == f"{po.number} は受領確認済みです。申請できるのは下書きだけです。"
    assert render(submitted.value.message, "ko") == f"{po.number}은(는) 확인됨 상태입니다. 초안만 제출할 수 있습니다."
    with pytest.raises(NotFound):
        purchasing.read_po(session, studio.world.actor(studio.other_vendor_user), po.id)
    with pytest.raises(Conflict):
        _po(session, fin, studio)                                            # the task is ordered already


def test_individual_vendor_needs_withholding_and_tasks_must_be_the_vendors(session, shop):
    studio, fin, _ = shop
    with pytest.raises(Invalid) as exc:
        _po(session, fin, studio, withholding_rule_code="")
    assert "withholding_rule_code" in exc.value.fields
    assert render(exc.value.fields["withholding_rule_code"], "ja") == "Vendor Anim は個人です。源泉徴収ルールを選んでください。"
    assert render(exc.value.fields["withholding_rule_code"], "ko") == "Vendor Anim은(는) 개인입니다. 원천징수 규칙을 선택하세요."
    assert render(exc.value.message, "ko") == "이 내용으로는 발주서를 만들 수 없습니다."
    other_line = PoLineInput(description="key", quantity=1, unit_price=Decimal(1), task_id=studio.task_id)
    with pytest.raises(Invalid) as exc:
        _po(session, fin, studio, lines=[other_line])
    assert exc.value.fields["lines.0"] == "This task is not given to this vendor."
    assert render(exc.value.fields["lines.0"], "ja") == "このタスクはこの発注先に割り当てられていません。"


def test_settlement_only_of_approved_work_once_and_balanced(session, shop):
    studio, fin, approver = shop
    po = _po(session, fin, studio)
    with transaction(session):
        po_approval.submit_po(session, fin, po.id, now=NOW)
    with transaction(session):
        po_approval.approve_po(session, approver, po.id, now=NOW)
    with pytest.raises(Conflict):
        settlements.settle(session, fin, po.id, settled_on=date(2026, 12, 10), now=NOW)   # nothing passed QC2
    session.get(StudioTask, studio.vendor_task_id).approved_at = NOW
    session.commit()
    with transaction(session):
        st_ = settlements.settle(session, fin, po.id, settled_on=date(2026, 12, 10), now=NOW)
    assert (st_.adjusted, st_.withholding, st_.net_payable, st_.task_ids) == (
        Decimal("270000"), Decimal("8910"), Decimal("261090"), [studio.vendor_task_id])
    with pytest.raises(Conflict):
        settlements.settle(session, fin, po.id, settled_on=date(2026, 12, 11), now=NOW)
    with transaction(session):
        paid = settlements.mark_paid(session, fin, st_.id, date(2026, 12, 20), now=NOW)
    assert paid.paid_on == date(2026, 12, 20)
    with pytest.raises(Conflict) as twice:
        settlements.mark_paid(session, fin, st_.id, date(2026, 12, 21), now=NOW)
    assert twice.value.message == f"{st_.number} was paid on 2026-12-20."
    assert render(twice.value.message, "ja") == f"{st_.number} は 2026/12/20 に支払済みです。"   # the date as Japanese write it
    assert render(twice.value.message, "ko") == f"{st_.number}은(는) 2026. 12. 20.에 지급되었습니다."
    tb = {r.code: (r.debit, r.credit) for r in ledger_reports.trial_balance(session, fin, currency="KRW").rows}
    assert tb == {"5000": (Decimal("270000"), 0), "2200": (0, Decimal("8910")), "1000": (0, Decimal("261090")),
                  "2000": (0, 0)}                                     # payable: settled, then paid
    with pytest.raises(NotFound):
        settlements.read_settlement(session, studio.world.actor(studio.world.admin_b), st_.id)


@settings(max_examples=200, deadline=None)
@given(base=st.decimals(min_value=0, max_value=10**9, places=2), difficulty=st.decimals(min_value="0.5", max_value=3, places=2),
       urgency=st.decimals(min_value="0.5", max_value=3, places=2), currency=st.sampled_from(["KRW", "JPY", "EUR"]))
def test_adjusted_amount_matches_an_independent_computation(base, difficulty, urgency, currency):
    exact = base * difficulty * urgency
    step = Decimal(1) if currency in ("KRW", "JPY") else Decimal("0.01")
    from decimal import ROUND_HALF_UP
    assert adjusted_amount(base, difficulty, urgency, currency) == exact.quantize(step, rounding=ROUND_HALF_UP)
