"""Two settlement requests for the same approved tasks at the same moment, on PostgreSQL (two threads, two
sessions): the second waits for the first's lock on the order, then finds the work settled and is refused with a
clear Conflict; exactly one settlement, one posting and one line per task exist."""
import threading

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from models.finance import JournalEntry
from models.purchasing import Settlement, SettlementLine
from models.studio_work import StudioTask
from services.core.db import transaction
from services.core.errors import Conflict
from services.finance import settlements
from services.studio import breakdown, tasks
from tests.factories.finance import NOW, approved_po, make_buying

SETTLED_ON = NOW.date()


def _three_approved_tasks(session, buying) -> list[int]:
    studio, admin = buying.studio, buying.admin
    ids = [studio.vendor_task_id]
    with transaction(session):
        for code in ("C002", "C003"):
            cut = breakdown.create_cut(session, admin, studio.project_id, breakdown.CutCreate(
                code=code, episode_id=studio.episode_id, frame_in=1, frame_out=24), now=NOW)
            task = next(t for t in tasks.list_tasks(session, admin, project_id=studio.project_id)
                        if t.cut_id == cut.id and t.step_key == "in_between")
            tasks.update_task(session, admin, task.id, tasks.TaskUpdate(vendor_partner_id=studio.vendor_id), now=NOW)
            ids.append(task.id)
    return ids


def test_two_concurrent_settlements_of_the_same_tasks_one_lands(request, session, engine, world):
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks and concurrent sessions are PostgreSQL's")
    # the probe watches the other sessions' waits: pg_stat_activity shows them to the superuser (under
    # TAKT_TEST_PG_AS_APP the settlements run as the restricted role, which sees no other session's wait)
    observer = request.getfixturevalue("pg_engine")
    buying = make_buying(session, world)
    task_ids = _three_approved_tasks(session, buying)
    po = approved_po(session, buying, task_ids=task_ids)
    with transaction(session):
        for task in session.exec(select(StudioTask).where(StudioTask.id.in_(task_ids))).all():
            task.approved_at = NOW
            session.add(task)

    first_settled, results = threading.Event(), {}

    def first():
        with Session(engine, expire_on_commit=False) as s:
            try:
                with transaction(s):
                    results["first"] = settlements.settle(s, buying.fin, po.id, settled_on=SETTLED_ON, now=NOW)
                    first_settled.set()
                    _wait_for_a_lock_waiter(observer)        # the second request is now blocked behind this one
            except Exception as error:                       # noqa: BLE001 - asserted below
                results["first"] = error
                first_settled.set()

    def second():
        first_settled.wait(60)
        with Session(engine, expire_on_commit=False) as s:
            try:
                with transaction(s):
                    results["second"] = settlements.settle(s, buying.fin2, po.id, settled_on=SETTLED_ON, now=NOW)
            except Exception as error:                       # noqa: BLE001 - asserted below
                results["second"] = error

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    assert isinstance(results["first"], settlements.SettlementRead), results
    assert sorted(results["first"].task_ids) == sorted(task_ids)
    assert isinstance(results["second"], Conflict), results
    assert "settled" in results["second"].message
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Settlement)).one() == 1
        assert s.exec(select(func.count()).select_from(SettlementLine)).one() == 3
        assert s.exec(select(func.count()).select_from(JournalEntry)
                      .where(JournalEntry.source_type == "settlement")).one() == 1


def _wait_for_a_lock_waiter(engine) -> None:
    """Return once another backend of this database waits for a lock (the second settlement on the PO's row)."""
    probe = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                 "AND wait_event_type = 'Lock'")
    for _ in range(600):
        with engine.connect() as conn:
            if conn.execute(probe).scalar():
                return
        threading.Event().wait(0.1)
    raise AssertionError("the second settlement never waited for the first")
