"""The escalation clock of this backend worker: every minute, `services.config.workflow.escalate_due` and
`services.maintenance.run_due` (long stops, due preventive plans, SLA deadlines) run off the event loop,
for each organization in a unit of work of its own bound to it (services/core/system_jobs.py: row-level
security on PostgreSQL). Registered with `app.register_lifespan_task`.

With several workers each runs it; the instances it escalates are locked and marked in the same
transaction (SELECT ... FOR UPDATE on PostgreSQL, one writer at a time on SQLite), so an instance
is escalated once. `takt escalate` runs the same job once from the command line (e.g. from cron).
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from models.base import utcnow
from services import maintenance
from services.config import workflow
from services.core.system_jobs import for_each_organization

EVERY_SECONDS = 60
log = logging.getLogger(__name__)


def run_once(now: datetime | None = None) -> tuple[int, int]:
    """One run at `now` (default: the clock): (workflow items escalated, maintenance tickets and notices)."""
    now = now or utcnow()
    escalated = for_each_organization(lambda s, org: workflow.escalate_due(s, now=now, organization_id=org),
                                      name="workflow escalation")
    maintained = for_each_organization(lambda s, org: maintenance.run_due(s, now=now, organization_id=org),
                                       name="maintenance job")
    return escalated, maintained


async def escalation_task() -> None:
    while True:
        try:
            escalated, maintained = await asyncio.to_thread(run_once)
            if escalated or maintained:
                log.info("escalated %d overdue workflow item(s); maintenance: %d ticket(s) and notice(s)",
                         escalated, maintained)
        except asyncio.CancelledError:
            raise
        except Exception:            # a database hiccup must not end the clock
            log.exception("escalation run failed")
        await asyncio.sleep(EVERY_SECONDS)
