"""The studio's typed events (services/studio/events.py): every `studio.*` name its services record has one
registered class that survives a fan-out, and no studio module builds a DomainEvent by hand."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.core import event_fanout as fanout
from services.core.events import EVENT_TYPES
from services.studio import events
from services.studio.events import REVIEWED, StudioEvent, TaskBulkUpdated, TaskReviewed

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PACKAGE = Path(events.__file__).parent
ENVELOPE = {"organization_id": 1, "actor_user_id": 2, "at": AT}
CLASSES = [cls for name in events.__all__ if isinstance(cls := getattr(events, name), type) and cls.NAME]


def _sample(cls):
    if issubclass(cls, TaskReviewed):
        stage, decision = next(key for key, reviewed in REVIEWED.items() if reviewed is cls)
        return cls(**ENVELOPE, entity_id=3, project_id=4, version=2, stage=stage, decision=decision)
    if cls is TaskBulkUpdated:
        return cls(**ENVELOPE, project_id=4, tasks=12)
    extra = {"version": 2} if cls is events.TaskVersionSubmitted else {}
    return cls(**ENVELOPE, entity_id=3, project_id=None if cls.entity() in ("partner", "template") else 4, **extra)


def test_every_class_is_registered_under_a_studio_name():
    assert len(CLASSES) == 33                     # ProjectEpisodeUpdated (a renamed episode) is the 33rd
    for cls in CLASSES:
        assert EVENT_TYPES[cls.NAME] is cls and cls.NAME.startswith("studio.")
        assert issubclass(cls, StudioEvent) or cls is TaskBulkUpdated


def test_a_review_event_is_named_for_its_stage_and_decision():
    assert {cls.action() for cls in REVIEWED.values()} == {"qc1_approved", "qc1_rejected", "qc2_approved",
                                                            "qc2_rejected"}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.NAME)
def test_the_far_side_of_a_fan_out_gets_the_same_typed_event(cls):
    event = _sample(cls)
    (_, (received,)) = fanout.decode(fanout.encode([event], origin="a"))
    assert type(received) is cls and received.to_dict() == event.to_dict()
    assert "project_id" in event.payload


def test_the_payloads_keep_their_keys():
    assert _sample(events.TaskQc2Rejected).payload == {"entity_id": 3, "project_id": 4, "version": 2, "stage": "qc2",
                                                       "decision": "reject"}
    assert _sample(TaskBulkUpdated).payload == {"project_id": 4, "tasks": 12}


def test_no_studio_module_builds_an_event_by_hand():
    for path in PACKAGE.glob("*.py"):
        source = path.read_text()
        assert not re.search(r"\bDomainEvent\(", source), path.name
        for recorded in re.findall(r"record\(session, (\w+)\(", source):
            assert recorded in events.__all__ or (path.name, recorded) == ("common.py", "event"), path.name
        for announced in re.findall(r"announce\(session, actor, ([^,]+),", source):
            # breakdown._save announces the event class its caller (update_cut, update_asset) passes in
            assert (announced in events.__all__ or announced.startswith("REVIEWED[")
                    or (path.name, announced) == ("breakdown.py", "event")), (path.name, announced)
        for saved in re.findall(r"_save\(session, actor, \w+, \w+, [^,]+, \"\w+\", (\w+),", source):
            assert saved in events.__all__, (path.name, saved)
