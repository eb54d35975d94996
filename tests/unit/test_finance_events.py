"""Finance's typed events (services/finance/events.py): each name it records has one registered class that
survives a fan-out, and no finance module builds a DomainEvent by hand."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.core import event_fanout as fanout
from services.core.events import EVENT_TYPES, DomainEvent
from services.finance import events

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PACKAGE = Path(events.__file__).parent
SAMPLES = [
    events.TaxRuleCreated(organization_id=1, actor_user_id=2, at=AT, tax_rule_id=3),
    events.JournalEntryPosted(organization_id=1, actor_user_id=2, at=AT, journal_entry_id=3, source_type="invoice",
                              source_id=4),
    events.JournalEntryPosted(organization_id=1, actor_user_id=2, at=AT, journal_entry_id=5),
    events.InvoiceIssued(organization_id=1, actor_user_id=2, at=AT, invoice_id=3),
    events.PaymentReceived(organization_id=1, actor_user_id=2, at=AT, payment_id=3),
    events.PurchaseOrderCreated(organization_id=1, actor_user_id=2, at=AT, purchase_order_id=3),
    events.PurchaseOrderApproved(organization_id=1, actor_user_id=2, at=AT, purchase_order_id=3),
    events.PurchaseOrderReceived(organization_id=1, actor_user_id=2, at=AT, purchase_order_id=3, receipt_id=4),
    events.SettlementPaid(organization_id=1, actor_user_id=2, at=AT, settlement_id=3),
    events.BudgetSet(organization_id=1, actor_user_id=2, at=AT, budget_id=3, project_id=4),
    events.SettlementCreated(organization_id=1, actor_user_id=2, at=AT, settlement_id=3, purchase_order_id=4),
]


def test_every_class_is_registered_under_its_name_and_sampled():
    classes = {getattr(events, name) for name in events.__all__}
    assert {type(e) for e in SAMPLES} == classes
    assert all(EVENT_TYPES[cls.NAME] is cls for cls in classes)


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.name)
def test_the_far_side_of_a_fan_out_gets_the_same_typed_event(event):
    (_, (received,)) = fanout.decode(fanout.encode([event], origin="a"))
    assert type(received) is type(event) and received.to_dict() == event.to_dict()
    assert DomainEvent.from_dict(event.to_dict()).payload == event.payload


def test_the_payloads_keep_their_keys():
    assert SAMPLES[1].payload == {"journal_entry_id": 3, "source_type": "invoice", "source_id": 4}
    assert SAMPLES[-1].payload == {"settlement_id": 3, "purchase_order_id": 4}


def test_no_finance_module_builds_an_event_by_hand():
    for path in PACKAGE.glob("*.py"):
        source = path.read_text()
        assert not re.search(r"\bDomainEvent\(", source), path.name
        for recorded in re.findall(r"record\(session, (\w+)\(", source):
            assert recorded in events.__all__, (path.name, recorded)
