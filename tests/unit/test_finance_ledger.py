"""The ledger: balanced entries only, open periods only, each source posted once, reversal, trial balance and
general ledger figures, the journal export, roles and organizations."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.finance import PeriodStatus
from rxapp.i18n import use_language
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.messages import render
from services.finance import accounts, journal, ledger_reports, periods
from services.finance.journal import EntryCreate, LineInput

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture
def fin(world):
    return world.actor(world.admin_a)


@pytest.fixture
def chart(session, fin):
    with transaction(session):
        periods.open_year(session, fin, 2026, now=NOW)
        return {a.role: a.id for a in accounts.apply_chart_template(session, fin, now=NOW) if a.role}


def _post(session, actor, lines, *, day=date(2026, 12, 3), currency="KRW", **kw):
    with transaction(session):
        return journal.post(session, actor, EntryCreate(entry_date=day, currency=currency, memo="test",
                                                        lines=[LineInput(**x) for x in lines]), now=NOW, **kw)


def _settlement(chart, net=Decimal("1000000"), vat=Decimal("100000"), wht=Decimal("33000")):
    return [{"account_id": chart["subcontracting"], "debit": net}, {"account_id": chart["vat_input"], "debit": vat},
            {"account_id": chart["withholding_payable"], "credit": wht},
            {"account_id": chart["payable"], "credit": net + vat - wht}]


def test_a_settlement_posting_balances_and_shows_in_the_trial_balance(session, fin, chart):
    entry = _post(session, fin, _settlement(chart), source_type="settlement", source_id=7)
    assert entry.number == "JE-000001" and entry.total == Decimal("1100000") and entry.period_name == "2026-12"
    tb = ledger_reports.trial_balance(session, fin, currency="KRW")
    assert tb.total_debit == tb.total_credit == Decimal("1100000")
    by_code = {r.code: (r.debit, r.credit) for r in tb.rows}
    assert by_code["2000"] == (0, Decimal("1067000")) and by_code["2200"] == (0, Decimal("33000"))


def test_unbalanced_or_malformed_entries_are_refused_with_the_line(session, fin, chart):
    with pytest.raises(Invalid) as exc:
        _post(session, fin, [{"account_id": chart["bank"], "debit": Decimal("10")},
                             {"account_id": chart["equity"], "credit": Decimal("9")}])
    assert "lines" in exc.value.fields
    with pytest.raises(Invalid) as exc:
        _post(session, fin, [{"account_id": chart["bank"], "debit": Decimal("10.5")},
                             {"account_id": chart["equity"], "credit": Decimal("10.5"), "debit": Decimal("1")}])
    assert set(exc.value.fields) == {"lines.0", "lines.1"}     # KRW has no minor unit; a line with both sides
    assert ledger_reports.trial_balance(session, fin, currency="KRW").rows == []


def test_a_source_document_posts_once(session, fin, chart):
    _post(session, fin, _settlement(chart), source_type="settlement", source_id=7)
    with pytest.raises(Conflict):
        _post(session, fin, _settlement(chart), source_type="settlement", source_id=7)
    assert journal.posted_entry_for(session, fin, "settlement", 7).number == "JE-000001"


def test_closed_period_refuses_postings_until_reopened_and_locked_stays(session, fin, chart):
    dec = next(p for p in periods.list_periods(session, fin, year=2026) if p.name == "2026-12")
    with transaction(session):
        periods.set_period_status(session, fin, dec.id, PeriodStatus.CLOSED, now=NOW)
    with pytest.raises(Conflict):
        _post(session, fin, _settlement(chart))
    with pytest.raises(Invalid):
        _post(session, fin, _settlement(chart), day=date(2027, 1, 5))          # no period opened for 2027
    with transaction(session):
        periods.set_period_status(session, fin, dec.id, PeriodStatus.OPEN, now=NOW)
    _post(session, fin, _settlement(chart))
    with transaction(session):
        periods.set_period_status(session, fin, dec.id, PeriodStatus.CLOSED, now=NOW)
        periods.set_period_status(session, fin, dec.id, PeriodStatus.LOCKED, now=NOW)
    with pytest.raises(Conflict):
        periods.set_period_status(session, fin, dec.id, PeriodStatus.OPEN, now=NOW)


def test_reversal_mirrors_and_general_ledger_runs(session, fin, chart):
    first = _post(session, fin, _settlement(chart), day=date(2026, 11, 20))
    _post(session, fin, [{"account_id": chart["payable"], "debit": Decimal("1067000")},
                         {"account_id": chart["bank"], "credit": Decimal("1067000")}], day=date(2026, 12, 2))
    with transaction(session):
        rev = journal.reverse(session, fin, first.id, on=date(2026, 12, 5), now=NOW)
    assert rev.reverses_id == first.id and rev.memo == f"Reversal of {first.number}"
    with pytest.raises(Conflict):
        journal.reverse(session, fin, first.id, on=date(2026, 12, 6), now=NOW)
    gl = ledger_reports.general_ledger(session, fin, chart["payable"], currency="KRW", start=date(2026, 12, 1),
                                       end=date(2027, 1, 1))
    assert gl.opening == Decimal("-1067000")
    assert [line.balance for line in gl.lines] == [Decimal("0"), Decimal("1067000")]
    assert gl.closing == Decimal("1067000")
    rows = ledger_reports.journal_rows(session, fin, start=date(2026, 1, 1), end=date(2027, 1, 1))
    assert len(rows) == 4 + 2 + 4 and sum(r["debit"] for r in rows) == sum(r["credit"] for r in rows)
    assert ledger_reports.journal_csv(session, fin, start=date(2026, 1, 1), end=date(2027, 1, 1)).count(b"\r\n") == 11
    head = ledger_reports.journal_csv(session, fin, start=date(2026, 1, 1), end=date(2027, 1, 1)).split(b"\r\n")[0]
    assert head.decode("utf-8-sig").startswith("Date,Entry,Account,Account name,Debit,Credit")
    for lang, expected in (("ja", "日付,仕訳,勘定科目,勘定科目名,借方,貸方"), ("ko", "날짜,분개,계정과목,계정과목명,차변,대변")):
        with use_language(lang):                 # the ledger's Account, not the person's (アカウント, 계정)
            csv = ledger_reports.journal_csv(session, fin, start=date(2026, 1, 1), end=date(2027, 1, 1))
        assert csv.split(b"\r\n")[0].decode("utf-8-sig").startswith(expected)


def test_roles_and_organizations(session, world, fin, chart):
    entry = _post(session, fin, _settlement(chart))
    with pytest.raises(Forbidden):
        ledger_reports.trial_balance(session, world.actor(world.planner1), currency="KRW")
    other = world.actor(world.admin_b)
    with pytest.raises(NotFound):
        journal.get_entry(session, other, entry.id)
    assert ledger_reports.trial_balance(session, other, currency="KRW").rows == []
    with transaction(session):
        periods.open_year(session, other, 2026, now=NOW)
    with pytest.raises(Invalid) as exc:                        # org A's accounts do not exist for org B
        _post(session, other, _settlement(chart))
    assert set(exc.value.fields) == {"lines.0", "lines.1", "lines.2", "lines.3"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(st.integers(1, 10**9), st.integers(1, 10**9)), min_size=1, max_size=6))
def test_every_posting_balances_and_so_does_the_trial_balance(session, fin, chart, pairs):
    before = ledger_reports.trial_balance(session, fin, currency="KRW").total_debit
    for vat, net in pairs:
        lines = _settlement(chart, Decimal(net), Decimal(vat), Decimal(0))[:2]
        entry = _post(session, fin, lines + [{"account_id": chart["payable"], "credit": Decimal(net + vat)}])
        assert sum(x.debit for x in entry.lines) == sum(x.credit for x in entry.lines)
    tb = ledger_reports.trial_balance(session, fin, currency="KRW")
    assert tb.total_debit == tb.total_credit
    assert tb.total_debit - before == sum(Decimal(a + b) for a, b in pairs)


def test_ledger_refusals_carry_their_amounts_and_dates_into_japanese_and_korean(session, fin, chart):
    with pytest.raises(Invalid) as unbalanced:
        _post(session, fin, [{"account_id": chart["bank"], "debit": Decimal("12000")},
                             {"account_id": chart["equity"], "credit": Decimal("11000")}])
    problem = unbalanced.value.fields["lines"]
    assert problem == "Debits (12000) and credits (11000) must be equal."          # English as it was
    assert render(problem, "ja") == "借方（12,000）と貸方（11,000）は一致させてください。"     # amounts in the local format
    assert render(unbalanced.value.message, "ko") == "분개의 차대가 맞지 않거나 잘못된 행이 있습니다."
    with pytest.raises(Invalid) as no_period:
        _post(session, fin, _settlement(chart), day=date(2027, 1, 5))
    assert render(no_period.value.message, "ja") == "2027-01-05 を含む会計期間がありません。先に 2027 年度を開いてください。"
    dec = next(p for p in periods.list_periods(session, fin, year=2026) if p.name == "2026-12")
    with transaction(session):
        periods.set_period_status(session, fin, dec.id, PeriodStatus.CLOSED, now=NOW)
    with use_language("ko"), pytest.raises(Conflict) as closed:                       # a Korean accountant's request
        _post(session, fin, _settlement(chart))
    assert closed.value.message == "기간 2026-12은(는) 종결 상태입니다. 이 기간에는 전기할 수 없습니다."
    assert render(closed.value.message, "en") == "Period 2026-12 is closed: nothing can be posted into it."
