"""The caller's organization and its names in two languages (everyone reads; CONFIGURE renames):
services/org/organizations.py."""
from __future__ import annotations

from fastapi import APIRouter

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED
from services.core.db import db_session, transaction
from services.org import organizations
from services.org.organizations import OrganizationRead, OrganizationUpdate

router = APIRouter(prefix="/organization", tags=["organization"], responses=AUTHENTICATED)


@router.get("", response_model=OrganizationRead, summary="Your organization, with its name in the request's language")
def get_organization(actor: CurrentActor) -> OrganizationRead:
    with db_session() as s, transaction(s):
        return organizations.get_organization(s, actor)


@router.patch("", response_model=OrganizationRead, summary="Rename your organization, in either language")
def update_organization(body: OrganizationUpdate, actor: CurrentActor) -> OrganizationRead:
    with db_session() as s, transaction(s):
        return organizations.update_organization(s, actor, body, now=utcnow())
