"""Studio sharing: vendors see only their partner's tasks and files, clients only shared reviews,
other organizations nothing; a slot linked later keeps its tasks' history; bank accounts masked."""
from __future__ import annotations

from datetime import timedelta

import pytest

from services.core.db import transaction
from services.core.errors import Forbidden, NotFound
from services.studio import activity, files, members, partners, reviews, tasks
from services.studio.reviews import Decision
from tests.conftest import T0
from tests.factories.org import make_user
from tests.factories.studio import actor, make_studio, png


@pytest.fixture
def studio(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_studio(session, world)


def test_vendor_sees_and_works_only_its_own_tasks(session, studio):
    vendor = actor(session, studio.vendor_user)
    assert [t.id for t in tasks.list_tasks(session, vendor)] == [studio.vendor_task_id]
    with pytest.raises(NotFound):
        tasks.get_task_read(session, vendor, studio.task_id)
    with transaction(session):
        version = reviews.submit_version(session, vendor, studio.vendor_task_id, [png()], now=T0)
    assert tasks.get_task_read(session, vendor, studio.vendor_task_id).status == "waiting_review"
    other = actor(session, studio.other_vendor_user)
    assert tasks.list_tasks(session, other) == []
    with pytest.raises(NotFound):
        files.open_file(session, other, version.files[0].id)
    name, content_type, data = files.open_file(session, vendor, version.files[0].id)
    assert content_type == "image/png" and data.startswith(b"\x89PNG")


def test_vendor_holds_no_internal_read(session, studio):
    vendor = actor(session, studio.vendor_user)
    with pytest.raises(Forbidden):
        members.list_members(session, vendor, studio.project_id)
    with pytest.raises(Forbidden):
        reviews.decide(session, vendor, studio.vendor_task_id, "qc1", Decision(decision="approve"), now=T0)


def test_client_sees_only_reviews_shared_with_it(session, studio):
    artist, lead = actor(session, studio.artist), actor(session, studio.lead)
    with transaction(session):
        version = reviews.submit_version(session, artist, studio.task_id, [png()], now=T0)
        reviews.decide(session, lead, studio.task_id, "qc1", Decision(decision="reject", comment="internal"), now=T0)
    client = actor(session, studio.client_user)
    assert reviews.client_reviews(session, client) == []
    with pytest.raises(NotFound):
        files.open_file(session, client, version.files[0].id)
    with transaction(session):
        reviews.submit_version(session, artist, studio.task_id, [png("v2.png")], now=T0)
        reviews.decide(session, lead, studio.task_id, "qc1", Decision(decision="approve", comment="for you",
                                                                      share_with_client=True), now=T0)
    shared = reviews.client_reviews(session, client)
    assert [(r.comment, r.version_number) for r in shared] == [("for you", 2)]
    with pytest.raises(Forbidden):
        tasks.list_tasks(session, client)


def test_another_organization_cannot_download(session, studio, world):
    with transaction(session):
        version = reviews.submit_version(session, actor(session, studio.artist), studio.task_id, [png()], now=T0)
    with pytest.raises(NotFound):
        files.open_file(session, world.actor(world.admin_b), version.files[0].id)
    with pytest.raises(NotFound):
        tasks.get_task_read(session, world.actor(world.admin_b), studio.task_id)


def test_a_renamed_file_is_refused(session, studio):
    fake = files.Upload(filename="x.png", content_type="image/png", data=b"MZ\x90\x00 not a png")
    with pytest.raises(Exception) as err:
        reviews.submit_version(session, actor(session, studio.artist), studio.task_id, [fake], now=T0)
    assert err.value.fields == {"files": "Content and type differ."}


def test_linking_a_slot_keeps_task_history(session, studio, world):
    admin, artist = world.actor(world.admin_a), actor(session, studio.artist)
    with transaction(session):
        tasks.log_time(session, artist, studio.task_id, T0.date(), 90, now=T0)
        reviews.submit_version(session, artist, studio.task_id, [png()], now=T0)
    slot = tasks.get_task_read(session, admin, studio.task_id).assignee_member_id
    newcomer = make_user(session, world.org_a, roles=["operator"], username="newcomer")
    with transaction(session):
        members.link_member(session, admin, slot, user_id=newcomer, person_name="New Comer", now=T0)
    task = tasks.get_task_read(session, admin, studio.task_id)
    assert (task.assignee_member_id, task.spent_minutes, task.status) == (slot, 90, "waiting_review")
    assert [v.number for v in reviews.versions(session, admin, studio.task_id)] == [1]
    assert [t.id for t in tasks.list_tasks(session, actor(session, newcomer), mine=True)] == [studio.task_id]
    assert tasks.list_tasks(session, artist, mine=True) == []
    feed = activity.feed(session, admin, "member", slot)
    assert feed[0].action == "linked" and feed[0].changes["user_id"]["after"] == newcomer


def test_bank_account_is_masked_without_finance(session, studio, world):
    finance = make_user(session, world.org_a, roles=["finance"], username="money")
    by_name = {p.name: p for p in partners.list_partners(session, actor(session, studio.pm))}
    assert by_name["Vendor Anim"].bank_account.endswith("3000") and by_name["Vendor Anim"].bank_account.startswith("*")
    plain = {p.name: p for p in partners.list_partners(session, actor(session, finance))}
    assert plain["Vendor Anim"].bank_account == "DE89370400440532013000"


def test_purge_removes_only_expired_activity(session, studio, world):
    admin = world.actor(world.admin_a)
    before = len(activity.feed(session, admin, "project", studio.project_id))
    with transaction(session):
        tasks.update_task(session, admin, studio.task_id, tasks.TaskUpdate(estimate_hours=4), now=T0 + timedelta(days=6))
    with transaction(session):
        assert activity.purge_expired(session, now=T0 + timedelta(days=7, seconds=1)) > 0
    assert activity.feed(session, admin, "project", studio.project_id) == [] and before > 0
    assert [a.action for a in activity.feed(session, admin, "task", studio.task_id)] == ["updated"]
    with transaction(session):
        activity.set_retention(session, admin, 30, now=T0)
    with transaction(session):
        assert activity.purge_expired(session, now=T0 + timedelta(days=20)) == 0
    from services.core.audit import list_audit
    assert any(e.entity == "studio_project" for e in list_audit(session, admin)[0])
