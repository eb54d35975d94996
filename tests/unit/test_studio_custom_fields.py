"""Custom fields on studio tasks: set with the assignment (validated, stored, in the feed), errors come back
together with the task's own, a required field is enforced, and a batch change cannot carry them."""
from __future__ import annotations

import pytest

from services.config import custom_fields
from services.config.custom_fields import CustomFieldCreate
from services.core.db import transaction
from services.core.errors import Invalid
from services.studio import activity, tasks
from services.studio.tasks import TaskUpdate
from tests.conftest import T0
from tests.factories.studio import actor, make_studio


@pytest.fixture
def studio(session, world):
    studio = make_studio(session, world)
    with transaction(session):
        custom_fields.create_definition(session, world.actor(world.admin_a), CustomFieldCreate(
            entity_type="studio_task", key="difficulty", label="Difficulty", field_type="number", min_value="1",
            max_value="5"), now=T0)
    return studio


def _update(session, user, task_id, **values):
    with transaction(session):
        return tasks.update_task(session, actor(session, user), task_id, TaskUpdate(**values), now=T0)


def test_task_custom_values_are_validated_stored_and_logged(session, studio):
    saved = _update(session, studio.pm, studio.task_id, custom={"difficulty": "3"})
    assert saved.custom == {"difficulty": "3"}
    with pytest.raises(Invalid) as refused:
        _update(session, studio.pm, studio.task_id, custom={"difficulty": "9", "colour": "red"},
                estimate_hours=-1)
    assert set(refused.value.fields) == {"custom.difficulty", "custom.colour", "estimate_hours"}
    assert tasks.get_task_read(session, actor(session, studio.pm), studio.task_id).custom == {"difficulty": "3"}
    feed = activity.feed(session, actor(session, studio.pm), "task", studio.task_id)
    assert feed[0].changes["custom"] == {"before": {}, "after": {"difficulty": "3"}}
    assert _update(session, studio.pm, studio.task_id, custom={"difficulty": ""}).custom == {}


def test_a_required_task_field_and_no_batch_custom_values(session, studio, world):
    with transaction(session):
        custom_fields.create_definition(session, world.actor(world.admin_a), CustomFieldCreate(
            entity_type="studio_task", key="shot_type", label="Shot type", field_type="text", required=True), now=T0)
    with pytest.raises(Invalid) as refused:
        _update(session, studio.pm, studio.task_id, custom={"difficulty": "2"})
    assert refused.value.fields == {"custom.shot_type": "Required."}
    assert _update(session, studio.pm, studio.task_id, custom={"shot_type": "pan"}).custom == {"shot_type": "pan"}
    with pytest.raises(Invalid), transaction(session):
        tasks.bulk_update(session, actor(session, studio.pm), [studio.task_id], TaskUpdate(custom={"difficulty": "1"}),
                          now=T0)
