"""Partners and member slots as the people pages change them: a partner's fields and contacts change,
its bank account only with finance rights (masked in the feed), names stay unique; the people a slot can
be linked to; emptying a slot keeps its tasks and time on it."""
from __future__ import annotations

import pytest

from services.core.db import transaction
from services.core.errors import Forbidden, Invalid, NotFound
from services.studio import activity, members, partners, tasks
from services.studio.partners import Contact, PartnerUpdate
from tests.conftest import T0
from tests.factories.studio import actor, make_studio


@pytest.fixture
def studio(session, world):
    return make_studio(session, world)


def _update(session, user, partner_id, **values):
    with transaction(session):
        return partners.update_partner(session, actor(session, user), partner_id, PartnerUpdate(**values), now=T0)


def test_a_partner_changes_and_its_bank_account_needs_finance(session, studio, world):
    changed = _update(session, studio.pm, studio.vendor_id, business_number="123-45-67890", name2="ベンダー",
                      contacts=[Contact(name="Kim", email="kim@vendor.example"), Contact(name=" ")])
    assert (changed.business_number, changed.name2) == ("123-45-67890", "ベンダー")
    assert [c.name for c in changed.contacts] == ["Kim"] and changed.bank_account.startswith("*")
    with pytest.raises(Forbidden):
        _update(session, studio.pm, studio.vendor_id, bank_account="GB33BUKB20201555555555")
    with pytest.raises(Invalid) as refused:
        _update(session, studio.pm, studio.vendor_id, name="Client TV")
    assert refused.value.fields == {"name": "A partner of this name exists."}
    with pytest.raises(Invalid):
        _update(session, studio.pm, studio.vendor_id, name=" ")
    admin = world.admin_a
    assert _update(session, admin, studio.vendor_id, bank_account="GB33BUKB20201555555555").bank_account == \
        "GB33BUKB20201555555555"
    feed = activity.feed(session, actor(session, admin), "partner", studio.vendor_id)
    assert feed[0].action == "updated" and feed[0].changes["bank_account"]["after"].endswith("5555")
    assert "GB33" not in str(feed[0].changes)
    with pytest.raises(NotFound):
        _update(session, world.admin_b, studio.vendor_id, name="Mine")
    with pytest.raises(Forbidden):
        _update(session, studio.artist, studio.vendor_id, name="Artist's")


def test_linkable_people_and_emptying_a_slot_keeps_its_tasks(session, studio, world):
    pm = actor(session, studio.pm)
    labels = [u.label for u in members.linkable_users(session, pm)]
    assert "artist" in labels and "admin.b" not in labels
    with pytest.raises(Forbidden):
        members.linkable_users(session, actor(session, studio.artist))
    with transaction(session):
        tasks.log_time(session, actor(session, studio.artist), studio.task_id, T0.date(), 60, now=T0)
    slot = tasks.get_task_read(session, pm, studio.task_id).assignee_member_id
    with transaction(session):
        emptied = members.link_member(session, pm, slot, user_id=None, partner_id=None, person_name="", now=T0)
    assert (emptied.user_id, emptied.partner_id, emptied.person_name) == (None, None, "")
    task = tasks.get_task_read(session, pm, studio.task_id)
    assert (task.assignee_member_id, task.spent_minutes) == (slot, 60)
    assert activity.feed(session, pm, "member", slot)[0].changes["user_id"]["after"] is None


def test_partner_accounts_and_who_may_become_one(session, studio, world):
    from tests.factories.org import make_user
    pm = actor(session, studio.pm)
    linked = {a.username: (a.partner_id, a.kind) for a in partners.accounts(session, pm)}
    assert linked["vendor.user"] == (studio.vendor_id, "vendor") and linked["client.user"] == (studio.client_id, "client")
    assert partners.account_candidates(session, pm) == []
    make_user(session, world.org_a, roles=["vendor"], username="new.vendor")
    make_user(session, world.org_b, roles=["vendor"], username="elsewhere")
    assert [(c.username, c.kind) for c in partners.account_candidates(session, pm)] == [("new.vendor", "vendor")]
    with pytest.raises(Forbidden):
        partners.accounts(session, actor(session, studio.artist))
