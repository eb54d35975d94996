"""The caller's own notifications and notification preferences."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED
from services.config import notifications
from services.config.notifications import NotificationRead, PreferenceRead
from services.core.db import db_session, transaction

router = APIRouter(tags=["notifications"], responses=AUTHENTICATED)


class NotificationPage(BaseModel):
    items: list[NotificationRead]
    total: int
    unread: int


class MarkedRead(BaseModel):
    marked: int


class PreferenceBody(BaseModel):
    in_app: bool
    email: bool


@router.get("/notifications", response_model=NotificationPage, summary="My notifications, newest first")
def list_notifications(actor: CurrentActor, unread_only: bool = False,
                       limit: Annotated[int, Query(ge=1, le=500)] = 50,
                       offset: Annotated[int, Query(ge=0)] = 0) -> NotificationPage:
    with db_session() as s, transaction(s):
        items, total = notifications.list_notifications(s, actor, unread_only=unread_only, limit=limit, offset=offset)
        return NotificationPage(items=items, total=total, unread=notifications.unread_count(s, actor))


@router.post("/notifications/{notification_id}/read", response_model=NotificationRead, summary="Mark one as read")
def mark_read(notification_id: int, actor: CurrentActor) -> NotificationRead:
    with db_session() as s, transaction(s):
        return notifications.mark_read(s, actor, notification_id, now=utcnow())


@router.post("/notifications/read-all", response_model=MarkedRead, summary="Mark all mine as read")
def mark_all_read(actor: CurrentActor) -> MarkedRead:
    with db_session() as s, transaction(s):
        return MarkedRead(marked=notifications.mark_all_read(s, actor, now=utcnow()))


@router.get("/notifications/preferences", response_model=list[PreferenceRead],
            summary="My choices per kind: in the app, by email")
def get_preferences(actor: CurrentActor) -> list[PreferenceRead]:
    with db_session() as s, transaction(s):
        return notifications.preferences(s, actor)


@router.put("/notifications/preferences/{kind}", response_model=PreferenceRead, summary="Set my choice for one kind")
def set_preference(kind: str, body: PreferenceBody, actor: CurrentActor) -> PreferenceRead:
    with db_session() as s, transaction(s):
        return notifications.set_preference(s, actor, kind, in_app=body.in_app, email=body.email)
