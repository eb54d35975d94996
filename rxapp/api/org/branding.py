"""The caller's organization branding (everyone reads; MANAGE_BRANDING changes)."""
from __future__ import annotations

from fastapi import APIRouter

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED
from services.core.db import db_session, transaction
from services.org import branding
from services.org.branding import BrandingRead, BrandingUpdate

router = APIRouter(prefix="/branding", tags=["branding"], responses=AUTHENTICATED)


@router.get("", response_model=BrandingRead, summary="Your organization's display name, colour and logo")
def get_branding(actor: CurrentActor) -> BrandingRead:
    with db_session() as s, transaction(s):
        return branding.get_branding(s, actor)


@router.patch("", response_model=BrandingRead, summary="Change the display name, colour or logo")
def update_branding(body: BrandingUpdate, actor: CurrentActor) -> BrandingRead:
    with db_session() as s, transaction(s):
        return branding.update_branding(s, actor, body, now=utcnow())
