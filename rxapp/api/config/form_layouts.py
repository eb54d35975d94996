"""Form layouts per entity (everyone reads; CONFIGURE changes): services/config/form_layouts.py.

The layout names fields as the API's field errors do (built-in by name, custom as `custom.<key>`): a field it
requires and a create leaves empty is refused with 422 and `fields` {key: "<label> is required. <help>"}."""
from __future__ import annotations

from fastapi import APIRouter

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.config import form_layouts
from services.config.form_layouts import FormLayoutRead, FormLayoutSave
from services.core.db import db_session, transaction

router = APIRouter(prefix="/form-layouts", tags=["form layouts"], responses=AUTHENTICATED)


@router.get("", response_model=list[str], summary="The entities whose form can be laid out (their keys)")
def list_form_entities(actor: CurrentActor) -> list[str]:
    return [f.key for f in form_layouts.form_entities()]


@router.get("/{entity}", response_model=FormLayoutRead, responses=errors(404),
            summary="The form layout of an entity: the saved one or the default, every current field once")
def get_form_layout(entity: str, actor: CurrentActor) -> FormLayoutRead:
    with db_session() as s, transaction(s):
        return form_layouts.get_layout(s, actor, entity)


@router.put("/{entity}", response_model=FormLayoutRead, responses=errors(403, 404, 422),
            summary="Save the layout: sections with titles, their fields in order with required flags and help")
def save_form_layout(entity: str, body: FormLayoutSave, actor: CurrentActor) -> FormLayoutRead:
    with db_session() as s, transaction(s):
        return form_layouts.save_layout(s, actor, entity, body, now=utcnow())


@router.delete("/{entity}", response_model=FormLayoutRead, responses=errors(403, 404),
               summary="Drop the saved layout: the entity's form goes back to the default")
def reset_form_layout(entity: str, actor: CurrentActor) -> FormLayoutRead:
    with db_session() as s, transaction(s):
        return form_layouts.reset_layout(s, actor, entity, now=utcnow())
