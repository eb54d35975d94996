"""The retention job of this backend worker: every hour, `services.studio.activity.purge_expired` deletes
studio activity rows and `services.org.retention.purge_expired` audit entries and notifications older than
each organization's retention (its settings page), in a unit of work of its own (off the event loop). Registered with
`app.register_lifespan_task`; `takt purge-activity` runs the same job once (e.g. from cron).
Several workers running it delete the same expired rows; a row is deleted once either way.
"""
from __future__ import annotations

import asyncio
import logging

from models.base import utcnow
from services.core.db import db_session, transaction
from services.org import retention
from services.studio import activity

EVERY_SECONDS = 3600
log = logging.getLogger(__name__)


def run_once() -> int:
    with db_session() as session, transaction(session):
        now = utcnow()
        return activity.purge_expired(session, now=now) + sum(retention.purge_expired(session, now=now).values())


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
