"""The caller's organization settings (everyone reads; CONFIGURE changes) and their history: services/org/settings.py."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED
from services.core.db import db_session, transaction
from services.org import settings
from services.org.settings import SettingsChange, SettingsRead, SettingsUpdate

router = APIRouter(prefix="/settings", tags=["settings"], responses=AUTHENTICATED)


@router.get("", response_model=SettingsRead, summary="Time zone and week start defaults, language, currency, number "
            "format, units, numbering patterns per document type, retention periods, the log-in policy (session "
            "lengths, password rules)")
def get_settings(actor: CurrentActor) -> SettingsRead:
    with db_session() as s, transaction(s):
        return settings.get_settings(s, actor)


@router.patch("", response_model=SettingsRead, summary="Change settings (only the fields sent; session lengths: idle "
              "15-1440 minutes, at most 1-2160 hours, idle within it; shortest password 8-64 characters)")
def update_settings(body: SettingsUpdate, actor: CurrentActor) -> SettingsRead:
    with db_session() as s, transaction(s):
        return settings.update_settings(s, actor, body, now=utcnow())


@router.get("/history", response_model=list[SettingsChange], summary="Who changed which setting, when, from what to what")
def settings_history(actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[SettingsChange]:
    with db_session() as s, transaction(s):
        return settings.settings_history(s, actor, limit=limit)
