"""Notifications: recipients by user, role and plant; preferences; the feed; email outbox rows;
tenancy; messages read in each reader's language and emails written in each recipient's."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.base import utcnow
from models.config import EmailOutbox, Notification
from models.org_settings import OrganizationSettings
from models.user import User
from services.config import notifications
from services.core.db import transaction
from services.core.errors import Forbidden, NotFound
from services.core.languages import use_language
from services.core.messages import t
from tests.factories.org import make_user


def notify(session, **kw):
    """`notifications.notify` in its own unit of work, at the wall-clock time unless `now` is given."""
    with transaction(session):
        return notifications.notify(session, **{"now": utcnow(), **kw})


def test_roles_reach_the_people_of_that_plant_and_admins(session, world, captured_events):
    op_plant2 = make_user(session, world.org_a, roles=["operator"], plant_ids=[world.plant2])
    make_user(session, world.org_b, roles=["operator"], plant_ids=[world.plant_b])
    sent = notify(session, organization_id=world.org_a, title="Line 1 down", roles=["operator", "admin"],
                  plant_id=world.plant1, kind="alert", link="/andon")
    assert sent == sorted([world.admin_a, world.operator1])
    assert op_plant2 not in sent
    everywhere = notify(session, organization_id=world.org_a, title="All operators", roles=["operator"])
    assert everywhere == sorted([world.operator1, op_plant2])
    created = [e for e in captured_events if e.name == "notification.created"]
    assert {e.payload["user_id"] for e in created[:2]} == {world.admin_a, world.operator1}
    assert all(e.organization_id == world.org_a for e in created)


def test_user_ids_of_other_organizations_or_deactivated_users_are_dropped(session, world):
    session.get(User, world.planner1).is_active = False
    session.commit()
    sent = notify(session, organization_id=world.org_a, title="Hi",
                  user_ids=[world.operator1, world.admin_b, world.planner1, world.operator1])
    assert sent == [world.operator1]


def test_the_feed_counts_unread_and_marks_read(session, world, now):
    for i in range(3):
        notify(session, organization_id=world.org_a, title=f"Note {i}", user_ids=[world.operator1],
               now=now + timedelta(minutes=i))
    operator = world.actor(world.operator1)
    items, total = notifications.list_notifications(session, operator)
    assert total == 3 and [n.title for n in items] == ["Note 2", "Note 1", "Note 0"]
    assert notifications.unread_count(session, operator) == 3
    with transaction(session):
        notifications.mark_read(session, operator, items[0].id, now=now)
    assert notifications.unread_count(session, operator) == 2
    with transaction(session):
        assert notifications.mark_all_read(session, operator, now=now) == 2
    assert notifications.unread_count(session, operator) == 0
    assert notifications.list_notifications(session, operator, unread_only=True) == ([], 0)


def test_preferences_choose_in_app_and_email_per_kind(session, world):
    session.get(User, world.operator1).email = "op.one@example.com"
    session.get(User, world.planner1).email = "planner@example.com"
    session.commit()
    operator = world.actor(world.operator1)
    defaults = {p.kind: (p.in_app, p.email) for p in notifications.preferences(session, operator)}
    assert defaults["alert"] == (True, True) and defaults["info"] == (True, False)
    with transaction(session):
        notifications.set_preference(session, operator, "alert", in_app=False, email=True)
    notify(session, organization_id=world.org_a, title="SPC rule 1", kind="alert", body="Point beyond 3 sigma",
           link="/spc/7", user_ids=[world.operator1, world.planner1])
    assert notifications.unread_count(session, operator) == 0
    assert notifications.unread_count(session, world.actor(world.planner1)) == 1
    mails = session.exec(select(EmailOutbox).order_by(EmailOutbox.to_address)).all()
    assert [(m.to_address, m.subject, m.status) for m in mails] == [
        ("op.one@example.com", "SPC rule 1", "pending"), ("planner@example.com", "SPC rule 1", "pending")]
    assert mails[0].body.startswith("Point beyond 3 sigma") and "/spc/7" in mails[0].body
    notify(session, organization_id=world.org_a, title="FYI", kind="info", user_ids=[world.planner1])
    assert len(session.exec(select(EmailOutbox)).all()) == 2       # info is not emailed by default


def test_people_only_see_their_own_notifications(session, world):
    notify(session, organization_id=world.org_a, title="Mine", user_ids=[world.operator1])
    note = notifications.list_notifications(session, world.actor(world.operator1))[0][0]
    for other in (world.planner1, world.admin_a, world.admin_b):
        with pytest.raises(NotFound):
            notifications.mark_read(session, world.actor(other), note.id, now=utcnow())
        assert notifications.list_notifications(session, world.actor(other)) == ([], 0)


def test_tokens_have_no_notification_feed(session, world):
    from services.core.access import Actor, Permission
    token = Actor(user_id=None, organization_id=world.org_a, api_token_id=1,
                  token_permissions=frozenset({Permission.VIEW}))
    with pytest.raises(Forbidden):
        notifications.unread_count(session, token)


def test_an_unknown_role_or_kind_is_refused(session, world):
    from services.core.errors import Invalid
    with pytest.raises(Invalid):
        notifications.notify(session, organization_id=world.org_a, title="x", roles=["wizard"], now=utcnow())
    with pytest.raises(Invalid):
        notifications.notify(session, organization_id=world.org_a, title="x", kind="Not A Kind", user_ids=[1], now=utcnow())


def _speaks(session, user_id: int, language: str | None, email: str | None = None) -> None:
    user = session.get(User, user_id)
    user.language, user.email = language, email
    session.add(user)
    session.commit()


def test_a_message_reads_in_each_readers_language_whoever_wrote_it(session, world, now):
    ja_reader = make_user(session, world.org_a, roles=["operator"], plant_ids=[world.plant1], username="ja.reader")
    ko_reader = make_user(session, world.org_a, roles=["operator"], plant_ids=[world.plant1], username="ko.reader")
    _speaks(session, ja_reader, "ja", "ja.reader@example.com")
    _speaks(session, ko_reader, "ko", "ko.reader@example.com")
    with use_language("en"):                          # an English-speaking person raises it
        notify(session, organization_id=world.org_a, kind="alert", user_ids=[ja_reader, ko_reader], now=now,
               title=t("{number}: SLA still breached", number="MT-000007"),
               body=t("A product with code {code} exists.", code="FG-1"))
    stored = session.exec(select(Notification).where(Notification.user_id == ja_reader)).one()
    assert (stored.title, stored.body) == ("MT-000007: SLA still breached", "A product with code FG-1 exists.")
    assert stored.title_message == {"t": "{number}: SLA still breached", "p": {"number": "MT-000007"}}
    with use_language("ja"):
        note = notifications.list_notifications(session, world.actor(ja_reader))[0][0]
    assert (note.title, note.body) == ("MT-000007：SLA 違反が続いています", "コード FG-1 の製品はすでに存在します。")
    with use_language("ko"):
        note = notifications.list_notifications(session, world.actor(ko_reader))[0][0]
        assert notifications.mark_read(session, world.actor(ko_reader), note.id, now=now).title == note.title
    assert (note.title, note.body) == ("MT-000007: SLA 위반이 계속되고 있습니다", "코드가 FG-1인 제품이 이미 있습니다.")
    with use_language("en"):
        assert notifications.list_notifications(session, world.actor(ja_reader))[0][0].title == stored.title
    mails = {m.to_address: m for m in session.exec(select(EmailOutbox)).all()}
    assert mails["ja.reader@example.com"].subject == "MT-000007：SLA 違反が続いています"
    assert mails["ja.reader@example.com"].body == "コード FG-1 の製品はすでに存在します。"
    assert mails["ko.reader@example.com"].subject == "MT-000007: SLA 위반이 계속되고 있습니다"


def test_an_email_follows_the_organizations_language_for_people_without_their_own(session, world, now):
    _speaks(session, world.operator1, None, "op.one@example.com")
    with transaction(session):
        session.add(OrganizationSettings(organization_id=world.org_a, language="ko"))
    with use_language("ja"):                          # whoever acts, the recipient's language writes the email
        notify(session, organization_id=world.org_a, kind="alert", user_ids=[world.operator1], now=now,
               title=t("{number}: SLA still breached", number="MT-000008"))
    assert session.exec(select(EmailOutbox.subject)).one() == "MT-000008: SLA 위반이 계속되고 있습니다"


def test_plain_text_and_rows_written_before_messages_read_as_they_are(session, world, now):
    notify(session, organization_id=world.org_a, title="Line 1 down", body="Call the lead", user_ids=[world.operator1])
    with transaction(session):                     # a row written in Japanese before messages were stored
        session.add(Notification(organization_id=world.org_a, user_id=world.operator1, title="旧い通知", body="本文",
                                 created_at=now - timedelta(days=1)))
        session.add(Notification(organization_id=world.org_a, user_id=world.operator1, title="Broken",
                                 title_message={"p": {}}, created_at=now - timedelta(days=2)))
    with use_language("ko"):
        items, _total = notifications.list_notifications(session, world.actor(world.operator1))
    assert [(n.title, n.body) for n in items] == [("Line 1 down", "Call the lead"), ("旧い通知", "本文"), ("Broken", "")]
    assert session.exec(select(Notification).where(Notification.title == "Line 1 down")).one().title_message is None


def test_an_empty_title_is_the_word_notification_in_the_readers_language(session, world, now):
    notify(session, organization_id=world.org_a, title="  ", user_ids=[world.operator1])
    with use_language("ja"):
        assert notifications.list_notifications(session, world.actor(world.operator1))[0][0].title == "通知"
    assert notifications.list_notifications(session, world.actor(world.operator1))[0][0].title == "Notification"
