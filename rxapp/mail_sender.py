"""The background email sender of a backend worker (registered with `app.register_lifespan_task`).

It delivers the email outbox (services/config/mail_outbox.py) when a notification queues mail
(`email.queued`, from this worker or, through the event fan-out, from another) and at least every
`TICK` seconds, which is what brings retries round when they fall due. Without TAKT_SMTP_HOST it
does not start and mail waits in the outbox (`takt send-mail` delivers it from cron as well).
Several workers may run it: claims skip rows another sender holds.
"""
from __future__ import annotations

import asyncio
import logging

from models.base import utcnow
from services.config import mail_outbox
from services.core.events import bus

log = logging.getLogger(__name__)
TICK = 30.0


async def mail_sender_task() -> None:
    settings = mail_outbox.SmtpSettings.from_env()
    if settings is None:
        log.info("email sender off: TAKT_SMTP_HOST is not set (mail waits in the outbox)")
        return
    log.info("email sender started (%s:%s, tls %s)", settings.host, settings.port, settings.tls)
    feed = bus.subscribe("email.queued")
    waiting: asyncio.Future | None = None
    try:
        while True:
            try:
                while (await asyncio.to_thread(mail_outbox.deliver_all_due, settings, now=utcnow())).attempted:
                    pass
            except Exception:                    # the database is away: try again at the next tick
                log.exception("email outbox pass failed")
            waiting = waiting or asyncio.ensure_future(feed.__anext__())
            done, _ = await asyncio.wait({waiting}, timeout=TICK)   # never cancels the feed's read
            if done:
                waiting = None
    finally:
        if waiting is not None:
            waiting.cancel()
        feed.close()
