"""The ingest event model (services/shopfloor/ingest_events.py) is the parser: every field it declares is
checked by it, refused with that field's name and a message of ours, and rules across fields still name
every problem of an event the model refused. No database."""
from __future__ import annotations

from datetime import timedelta

import pytest

from services.shopfloor.ingest_events import IngestEvent, parse_events
from tests.conftest import T0

GOOD = {
    "count": {"client_id": "c-1", "machine": "CNC-01", "type": "count", "good": 3, "scrap": 1, "reason": "DIM",
              "occurred_at": (T0 - timedelta(minutes=1)).isoformat()},
    "state": {"client_id": "s-1", "machine_id": 4, "type": "state", "state": "down", "reason_code_id": 9},
    "job_start": {"client_id": "j-1", "machine": "CNC-01", "type": "job_start", "work_order": " WO-1 ", "operation": 10},
    "job_complete": {"client_id": "j-2", "machine": "CNC-01", "type": "job_complete"},
}
WRONG = {"client_id": "two words", "type": "dance", "machine": 5, "machine_id": "4", "occurred_at": 17,
         "good": "5", "scrap": True, "state": "sleeping", "reason": 3, "reason_code_id": 1.5, "work_order": " ",
         "operation": "10"}


def parse_one(raw):
    parsed, results = parse_events([raw], T0)
    return parsed, results[0]


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_a_well_formed_event_of_each_type_is_parsed_as_sent(kind):
    (event,), result = parse_one(GOOD[kind])
    assert result is None and event.type == kind and event.client_id == GOOD[kind]["client_id"]
    if kind == "count":
        assert (event.good, event.scrap, event.reason_code, event.machine_code) == (3, 1, "DIM", "CNC-01")
        assert event.at == T0 - timedelta(minutes=1)
    if kind == "job_start":
        assert (event.work_order, event.operation_sequence, event.at) == ("WO-1", 10, T0)


def test_every_field_of_the_model_has_a_wrong_value_here():
    assert set(WRONG) == set(IngestEvent.model_fields)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_a_wrong_value_is_refused_under_its_own_field_in_our_words(name):
    kind = "count" if name in ("good", "scrap") else "job_start" if name in ("work_order", "operation") else "state"
    raw = {**GOOD[kind], name: WRONG[name]}
    if name == "type":
        raw.pop("state")
    parsed, result = parse_one(raw)
    assert parsed == [] and result.status == "error"
    messages = {e.field: e.message for e in result.errors}
    assert name in messages
    assert "Input should" not in messages[name] and "valid" not in messages[name].lower()


def test_field_errors_and_rules_across_fields_are_named_together():
    _, result = parse_one({"client_id": "y y", "type": "dance"})
    assert {e.field for e in result.errors} == {"client_id", "type", "machine"}
    assert result.client_id == "y y"
    _, result = parse_one({"client_id": "c", "machine": "M", "type": "count", "good": -1, "scrap": 2})
    assert {e.field: e.message for e in result.errors} == {
        "good": "Cannot be negative.", "reason": "Scrap needs a scrap reason code."}


def test_a_batch_keeps_the_good_events_and_answers_the_others_at_their_index():
    parsed, results = parse_events([GOOD["count"], "not an object", GOOD["state"], {**GOOD["count"], "good": 0,
                                                                                     "scrap": 0}], T0)
    assert [e.index for e in parsed] == [0, 2]
    assert results[0] is None and results[2] is None
    assert results[1].client_id is None and results[1].errors[0].field == "event"
    assert results[3].errors[0].message == "Enter how many good or scrap parts to report."
