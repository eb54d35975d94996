"""API tokens for machine gateways, scanning stations and wall displays (admins: MANAGE_API_TOKENS)."""
from __future__ import annotations

from fastapi import APIRouter, status

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED
from services.core.db import db_session, transaction
from services.org import api_tokens
from services.org.api_tokens import ApiTokenCreate, ApiTokenCreated, ApiTokenRead

router = APIRouter(prefix="/api-tokens", tags=["api tokens"], responses=AUTHENTICATED)


@router.get("", response_model=list[ApiTokenRead], summary="List API tokens")
def list_api_tokens(actor: CurrentActor, include_revoked: bool = True) -> list[ApiTokenRead]:
    with db_session() as s, transaction(s):
        return api_tokens.list_api_tokens(s, actor, include_revoked=include_revoked)


@router.post("", response_model=ApiTokenCreated, status_code=status.HTTP_201_CREATED,
             summary="Create an API token for one plant (the raw token is shown only in this response)")
def create_api_token(body: ApiTokenCreate, actor: CurrentActor) -> ApiTokenCreated:
    with db_session() as s, transaction(s):
        return api_tokens.create_api_token(s, actor, body, now=utcnow())


@router.get("/{token_id}", response_model=ApiTokenRead, summary="Get an API token (without its secret)")
def get_api_token(token_id: int, actor: CurrentActor) -> ApiTokenRead:
    with db_session() as s, transaction(s):
        return api_tokens.get_api_token(s, actor, token_id)


@router.post("/{token_id}/revoke", response_model=ApiTokenRead, summary="Revoke an API token (it stops working at once)")
def revoke_api_token(token_id: int, actor: CurrentActor) -> ApiTokenRead:
    with db_session() as s, transaction(s):
        return api_tokens.revoke_api_token(s, actor, token_id, now=utcnow())
