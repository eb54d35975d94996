"""How many backend worker processes one app node runs, and which event fan-out they use.

`TAKT_WORKERS` sets the count. Unset: the number of cores when Redis holds Reflex's state
(`REFLEX_REDIS_URL`), else 1. Several workers need Redis: without it Reflex keeps each tab's state in
the memory and on the disk of one process, so a tab's next event, answered by another worker, would
not find it; `TAKT_WORKERS` above 1 without Redis is refused. rxconfig.py hands the count to granian
(`GRANIAN_WORKERS`, which `reflex run --env prod` reads); deploy/takt-node passes it to granian itself.

`freeze_startup_heap()` runs once in each worker when it starts serving (a lifespan task of rxapp/rxapp.py):
the Reflex app's pages, components and state classes are millions of objects that live as long as the
worker, and the cyclic garbage collector walked them all in every full collection (6.7 million objects, one
collection of seconds of CPU under load, measured in a node serving operator actions); frozen, the
collector leaves them out.

`event_backend()` is the fan-out of domain events between workers and nodes
(services/core/event_fanout.py): `TAKT_EVENT_BACKEND` when set, else "redis" when Redis is configured
(several workers, or several nodes of one worker each, see each other's events), else "local".
"""
from __future__ import annotations

import gc
import logging
import os
from collections.abc import Mapping

log = logging.getLogger(__name__)


class WorkersConfigError(ValueError):
    """TAKT_WORKERS is not usable as set."""


def redis_configured(env: Mapping[str, str] | None = None) -> bool:
    """Reflex keeps its state in Redis (REFLEX_REDIS_URL set)."""
    env = os.environ if env is None else env
    return bool(env.get("REFLEX_REDIS_URL", "").strip())


def worker_count(env: Mapping[str, str] | None = None, cores: int | None = None) -> int:
    """The backend worker processes of this node (see the module docstring)."""
    env = os.environ if env is None else env
    with_redis = redis_configured(env)
    raw = env.get("TAKT_WORKERS", "").strip()
    if not raw:
        return max(1, cores or os.cpu_count() or 1) if with_redis else 1
    try:
        count = int(raw)
    except ValueError:
        raise WorkersConfigError(f"TAKT_WORKERS must be a whole number of processes, got {raw!r}") from None
    if count < 1:
        raise WorkersConfigError(f"TAKT_WORKERS must be at least 1, got {count}")
    if count > 1 and not with_redis:
        raise WorkersConfigError(f"TAKT_WORKERS={count} needs REFLEX_REDIS_URL: without Redis, Reflex keeps each "
                                 "tab's state inside one process, so only one worker can serve it")
    return count


def event_backend(env: Mapping[str, str] | None = None) -> str:
    """TAKT_EVENT_BACKEND when set, else "redis" when Redis is configured, else "local"."""
    env = os.environ if env is None else env
    chosen = env.get("TAKT_EVENT_BACKEND", "").strip()
    if chosen:
        return chosen
    return "redis" if redis_configured(env) else "local"


def freeze_startup_heap() -> int:
    """Collect the start-up garbage, then move every object alive now (the app built at start) out of the
    garbage collector's generations (`gc.freeze`), so later collections walk only what requests create.
    Returns how many objects were frozen."""
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.info("start-up heap frozen: %d objects left out of garbage collection", frozen)
    return frozen
