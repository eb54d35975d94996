"""Who am I: the person or API token behind the bearer header."""
from __future__ import annotations

from fastapi import APIRouter

from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import errors
from services.core.db import db_session, transaction
from services.org import identity
from services.org.identity import IdentityRead

router = APIRouter(tags=["me"])


@router.get("/me", response_model=IdentityRead, summary="The caller: user or API token, organization, roles, plants",
            responses=errors(401))
def me(actor: CurrentActor) -> IdentityRead:
    with db_session() as s, transaction(s):
        return identity.describe_actor(s, actor)
