"""Health: a real round trip to the database, no authentication."""
from __future__ import annotations

from fastapi import APIRouter

from rxapp.api.schemas import errors
from services.core import health
from services.core.db import db_session, transaction
from services.core.health import HealthRead

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthRead, summary="Is the API up and its database reachable?",
            responses=errors(503))
def get_health() -> HealthRead:
    with db_session() as s, transaction(s):
        return health.check_database(s)
