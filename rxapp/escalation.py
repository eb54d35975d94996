"""The escalation clock of this backend worker: every minute, `services.config.workflow.escalate_due` and
`services.maintenance.run_due` (long stops, due preventive plans, SLA deadlines) run in a unit of work of
their own (off the event loop). Registered with `app.register_lifespan_task`.

With several workers each runs it; the instances it escalates are locked and marked in the same
transaction (SELECT ... FOR UPDATE on PostgreSQL, one writer at a time on SQLite), so an instance
is escalated once. `takt escalate` runs the same job once from the command line (e.g. from cron).
"""
from __future__ import annotations

import asyncio
import logging

from models.base import utcnow
from services import maintenance
from services.config import workflow
from services.core.db import db_session, transaction

EVERY_SECONDS = 60
log = logging.getLogger(__name__)


def run_once() -> int:
    now = utcnow()
    with db_session() as session, transaction(session):
        count = workflow.escalate_due(session, now=now)
    with db_session() as session, transaction(session):
        return count + maintenance.run_due(session, now=now)


async def escalation_task() -> None:
    while True:
        try:
            count = await asyncio.to_thread(run_once)
            if count:
                log.info("escalated %d overdue workflow item(s)", count)
        except asyncio.CancelledError:
            raise
        except Exception:            # a database hiccup must not end the clock
            log.exception("escalation run failed")
        await asyncio.sleep(EVERY_SECONDS)
