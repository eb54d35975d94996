"""The demo's configuration: Acme's two custom fields and the welcome notification."""
from __future__ import annotations

from sqlmodel import select

from models.user import User
from services.config import custom_fields, notifications
from services.demo.seed import seed_demo
from services.org.auth import actor_for_user


def test_the_demo_has_custom_fields_and_a_welcome(session, now):
    seed_demo(session, now=now, production=False)
    session.commit()
    admin = actor_for_user(session, session.exec(select(User).where(User.username == "admin")).one())
    assert [d.key for d in custom_fields.definitions(session, admin, "product")] == ["drawing_number"]
    assert [d.key for d in custom_fields.definitions(session, admin, "work_order")] == ["customer_po"]
    assert [n.title for n in notifications.list_notifications(session, admin)[0]] == ["Welcome to Takt"]
    globex = actor_for_user(session, session.exec(select(User).where(User.username == "globex.admin")).one())
    assert notifications.unread_count(session, globex) == 0
