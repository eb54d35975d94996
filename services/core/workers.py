"""How many backend worker processes one app node runs, and which event fan-out they use.

`TAKT_WORKERS` sets the count. Unset: the number of cores when Redis holds Reflex's state
(`REFLEX_REDIS_URL`), else 1. Several workers need Redis: without it Reflex keeps each tab's state in
the memory and on the disk of one process, so a tab's next event, answered by another worker, would
not find it; `TAKT_WORKERS` above 1 without Redis is refused. rxconfig.py hands the count to granian
(`GRANIAN_WORKERS`, which `reflex run --env prod` reads); deploy/takt-node passes it to granian itself.

`event_backend()` is the fan-out of domain events between workers and nodes
(services/core/event_fanout.py): `TAKT_EVENT_BACKEND` when set, else "redis" when Redis is configured
(several workers, or several nodes of one worker each, see each other's events), else "local".
"""
from __future__ import annotations

import os
from collections.abc import Mapping


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
