"""The retention job of this backend worker: every hour, `services.studio.activity.purge_expired` deletes
studio activity rows and `services.org.retention.purge_expired` audit entries and notifications older than
each organization's retention (its settings page), off the event loop, for each organization in a unit of work
of its own bound to it (services/core/system_jobs.py: row-level security on PostgreSQL). Registered with
`app.register_lifespan_task`; `takt purge-activity` runs the same job once (e.g. from cron).
Several workers running it delete the same expired rows; a row is deleted once either way.
"""
from __future__ import annotations

import asyncio
import logging

from models.base import utcnow
from services.core.system_jobs import for_each_organization
from services.org import retention
from services.studio import activity

EVERY_SECONDS = 3600
log = logging.getLogger(__name__)


def run_once() -> int:
    now = utcnow()

    def purge(session, organization_id: int) -> int:
        return (activity.purge_expired(session, now=now, organization_id=organization_id)
                + sum(retention.purge_expired(session, now=now, organization_id=organization_id).values()))
    return for_each_organization(purge, name="retention purge")


async def activity_purge_task() -> None:
    while True:
        try:
            count = await asyncio.to_thread(run_once)
            if count:
                log.info("purged %d expired activity, audit and notification row(s)", count)
        except asyncio.CancelledError:
            raise
        except Exception:            # a database hiccup must not end the job
            log.exception("activity purge failed")
        await asyncio.sleep(EVERY_SECONDS)
