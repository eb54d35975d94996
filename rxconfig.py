"""Reflex configuration for Takt.

The database comes from DATABASE_URL (services/core/db.py reads the same variable); Redis, when
REFLEX_REDIS_URL is set, holds Reflex's state so several workers can serve one app. TAKT_WORKERS backend
worker processes (default: the cores with Redis, else 1; services/core/workers.py) are handed to granian,
which `reflex run --env prod` starts, as GRANIAN_WORKERS.
"""
import os

import reflex as rx

from services.core.db import database_url
from services.core.workers import worker_count

PORT = int(os.environ.get("TAKT_PORT", "3000"))
# Browsers' origins allowed to call the backend cross-site: TAKT_CORS_ORIGINS (comma-separated), none when
# unset (same-origin only). Reflex's own CORS layer wraps every backend route, /api/v1 included, and
# allows every origin with credentials unless told otherwise.


def cors_origins_from_env() -> list[str]:
    raw = os.environ.get("TAKT_CORS_ORIGINS", "")
    return [o.strip().rstrip("/") for o in raw.split(",") if o.strip() and o.strip() != "*"]


CORS_ORIGINS = tuple(cors_origins_from_env())
os.environ["GRANIAN_WORKERS"] = str(worker_count())

config = rx.Config(
    app_name="rxapp",
    db_url=database_url(),
    frontend_port=PORT,
    backend_port=int(os.environ.get("TAKT_BACKEND_PORT", str(PORT + 1 if os.environ.get("TAKT_DEV") else PORT))),
    cors_allowed_origins=CORS_ORIGINS,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=[rx.plugins.SitemapPlugin],
    # The accent is rxapp/state/theme.py's BASE_ACCENT; the organization's colour overrides it at run time.
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(
        appearance="light", accent_color="indigo", gray_color="slate", radius="medium", has_background=True))],
)
