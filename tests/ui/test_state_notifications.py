"""The notification centre and the shell's unread badge through their handlers; work order custom
fields in the work order detail and list (filter, export); each reader reads a notification in their
tab's language."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlmodel import Session

from models.base import utcnow
from models.user import User
from rxapp.i18n import use_language
from rxapp.i18n_client import serve_in_tab_language
from rxapp.state.config.notifications import NotificationBadgeState, NotificationsState
from rxapp.state.production.work_orders import WorkOrderDetailState, WorkOrdersState
from services.config import custom_fields, notifications
from services.config.custom_fields import CustomFieldCreate
from services.core.db import transaction
from services.core.messages import t as message
from services.org.auth import actor_for_user
from services.org.languages import set_my_language
from tests.factories.production import make_line, make_work_order
from tests.ui.conftest import download_bytes, redirects, run, signed_in, toasts


def notify(engine, **kw):
    """`notifications.notify` in its own unit of work, at the wall-clock time unless `now` is given."""
    with Session(engine, expire_on_commit=False) as s, transaction(s):
        return notifications.notify(s, **{"now": utcnow(), **kw})


async def test_the_centre_lists_marks_read_and_opens_links(engine, world, now):
    for i, link in enumerate(["", "/work-orders"]):
        notify(engine, organization_id=world.org_a, title=f"Note {i}", body="Body", link=link, kind="assignment",
               user_ids=[world.operator1], now=now + timedelta(minutes=i))
    notify(engine, organization_id=world.org_a, title="Not mine", user_ids=[world.planner1])
    badge = await signed_in(engine, NotificationBadgeState, "op.one")
    await run(badge.refresh(), badge)
    assert badge.unread == 2
    state = await badge.get_state(NotificationsState)
    await run(state.enter(), state)
    assert [(n.title, n.is_read) for n in state.items] == [("Note 1", False), ("Note 0", False)]
    assert {p.kind: (p.in_app, p.email) for p in state.prefs}["assignment"] == (True, True)

    events = await run(state.open_item(state.items[0].id), state)
    assert redirects(events) == ["/work-orders"] and badge.unread == 1
    await run(state.set_unread_only(True), state)
    assert [n.title for n in state.items] == ["Note 0"]
    events = await run(state.mark_all_read(), state)
    assert toasts(events, "success") == ["Marked as read: 1"] and state.items == [] and badge.unread == 0

    await run(state.set_preference("assignment", "email", False), state)
    assert {p.kind: (p.in_app, p.email) for p in state.prefs}["assignment"] == (True, False)
    with Session(engine) as s:
        operator = actor_for_user(s, s.get(User, world.operator1))
        assert {p.kind: p.email for p in notifications.preferences(s, operator)}["assignment"] is False


async def test_another_persons_notification_cannot_be_marked(engine, world):
    notify(engine, organization_id=world.org_a, title="Planner's", user_ids=[world.planner1])
    with Session(engine) as s:
        planner = actor_for_user(s, s.get(User, world.planner1))
        note_id = notifications.list_notifications(s, planner)[0][0].id
    state = await signed_in(engine, NotificationsState, "op.one")
    events = await run(state.mark_read(note_id), state)
    assert toasts(events, "error") == ["Notification not found."]


async def test_work_order_custom_fields_in_detail_list_and_export(engine, session, world, now):
    with transaction(session):
        admin = world.actor(world.admin_a)
        custom_fields.create_definition(session, admin, CustomFieldCreate(
            entity_type="work_order", key="batch_size", label="Batch size", field_type="number", min_value="1",
            required=True), now=now)
    line = make_line(session, world.org_a, world.plant1, world.dept1)
    first, _ = make_work_order(session, world.org_a, world.plant1, line)
    second, _ = make_work_order(session, world.org_a, world.plant1, line)
    detail = await signed_in(engine, WorkOrderDetailState, "planner.one")
    await run(detail.show(first), detail)
    assert [(i.key, i.value) for i in detail.custom_inputs] == [("batch_size", "")]
    events = await run(detail.save_custom({"custom.batch_size": "0"}), detail)
    assert detail.custom_errors == {"custom.batch_size": "Must be at least 1."} and toasts(events, "error")
    await run(detail.save_custom({"custom.batch_size": "25"}), detail)
    assert detail.custom_errors == {} and detail.custom_inputs[0].value == "25"

    listing = await detail.get_state(WorkOrdersState)
    await run(listing.enter(), listing)
    assert [f.key for f in listing.custom_filter_fields] == ["batch_size"]
    await run(listing.set_custom_filter_key("batch_size"), listing)
    await run(listing.set_custom_filter_value("25"), listing)
    assert [r.id for r in listing.rows] == [first]
    rows = list(csv.DictReader(io.StringIO(download_bytes(await run(listing.export("csv"), listing)).decode("utf-8-sig"))))
    assert [(r["Work order"], r["Batch size"]) for r in rows] == [(listing.rows[0].number, "25")]
    assert second not in [r.id for r in listing.rows]


async def test_each_reader_reads_a_notification_in_their_tabs_language(engine, world, now):
    with Session(engine) as s, transaction(s):
        set_my_language(s, world.actor(world.operator1), "ja", now=now)
        set_my_language(s, world.actor(world.planner1), "ko", now=now)
    with use_language("en"):                                   # written by an English-speaking person
        notify(engine, organization_id=world.org_a, kind="alert", user_ids=[world.operator1, world.planner1],
               title=message("{number}: SLA still breached", number="MT-000003"), now=now)
    for username, expected in (("op.one", "MT-000003：SLA 違反が続いています"),
                               ("planner.one", "MT-000003: SLA 위반이 계속되고 있습니다")):
        state = await signed_in(engine, NotificationsState, username)
        with use_language(None):
            await serve_in_tab_language(state)                 # what the event middleware does before each event
            await run(state.enter(), state)
        assert [n.title for n in state.items] == [expected]
