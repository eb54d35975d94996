"""The andon board over REST, for wall displays that are not browsers (LED boards, signage players):
GET /andon (a display token names its plant) or /andon?plant_id= (a person with VIEW_DASHBOARDS).
The same read as the /andon page (services/kpi/andon.py); another organization's plant is 404."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.kpi import andon
from services.kpi.andon import AndonBoard

router = APIRouter(tags=["andon"], responses=AUTHENTICATED)


@router.get("/andon", response_model=AndonBoard, summary="The plant's andon board: a tile per machine",
            responses=errors(403, 404, 422))
def get_board(actor: CurrentActor,
              plant_id: Annotated[int | None, Query(description="The plant (a display token's own by default)")] = None,
              ) -> AndonBoard:
    with db_session() as s, transaction(s):
        return andon.board(s, actor, plant_id, now=utcnow())
