"""Configuration: type lists and their values, custom field definitions and values (reading: anyone
in the organization; changes: CONFIGURE, custom values: the entity's own write permission).

Lists of entities with custom fields filter by them with query parameters `custom.<key>=value`
(see `custom_filters`)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import NO_CONTENT, no_content
from rxapp.api.schemas import AUTHENTICATED, errors
from services.config import custom_fields, type_lists
from services.config.custom_fields import (
    CustomFieldCreate,
    CustomFieldRead,
    CustomFieldUpdate,
)
from services.config.type_lists import (
    TypeListCreate,
    TypeListRead,
    TypeListUpdate,
    TypeListValueRead,
    ValueCreate,
    ValueUpdate,
)
from services.core.db import db_session, transaction

router = APIRouter(tags=["configuration"], responses=AUTHENTICATED)

CUSTOM_PREFIX = "custom."


def custom_filters(request: Request) -> dict[str, str]:
    """{field key: wanted value} from query parameters named `custom.<key>`."""
    return {name[len(CUSTOM_PREFIX):]: value for name, value in request.query_params.items()
            if name.startswith(CUSTOM_PREFIX) and value.strip()}


# ----- type lists ----------------------------------------------------------------------------

@router.get("/type-lists", response_model=list[TypeListRead], summary="The organization's type lists")
def list_type_lists(actor: CurrentActor) -> list[TypeListRead]:
    with db_session() as s, transaction(s):
        return type_lists.lists(s, actor)


@router.post("/type-lists", response_model=TypeListRead, status_code=status.HTTP_201_CREATED,
             summary="Create a type list", responses=errors(409))
def create_type_list(body: TypeListCreate, actor: CurrentActor) -> TypeListRead:
    with db_session() as s, transaction(s):
        return type_lists.create_list(s, actor, body, now=utcnow())


@router.patch("/type-lists/{list_key}", response_model=TypeListRead, summary="Rename a type list")
def update_type_list(list_key: str, body: TypeListUpdate, actor: CurrentActor) -> TypeListRead:
    with db_session() as s, transaction(s):
        return type_lists.update_list(s, actor, list_key, body, now=utcnow())


@router.delete("/type-lists/{list_key}", summary="Delete a custom type list none of whose values is in use (else 409)",
               responses=errors(409), **NO_CONTENT)
def delete_type_list(list_key: str, actor: CurrentActor):
    with db_session() as s, transaction(s):
        type_lists.delete_list(s, actor, list_key, now=utcnow())
    return no_content()


@router.get("/type-lists/{list_key}/values", response_model=list[TypeListValueRead],
            summary="A list's values in pick-list order (retired ones with include_retired=true)")
def list_values(list_key: str, actor: CurrentActor, include_retired: bool = False) -> list[TypeListValueRead]:
    with db_session() as s, transaction(s):
        return type_lists.values(s, actor, list_key, include_retired=include_retired)


@router.post("/type-lists/{list_key}/values", response_model=TypeListValueRead, status_code=status.HTTP_201_CREATED,
             summary="Add a value", responses=errors(409))
def create_value(list_key: str, body: ValueCreate, actor: CurrentActor) -> TypeListValueRead:
    with db_session() as s, transaction(s):
        return type_lists.create_value(s, actor, list_key, body, now=utcnow())


@router.patch("/type-lists/{list_key}/values/{value_id}", response_model=TypeListValueRead,
              summary="Change a value's code, label or position", responses=errors(409))
def update_value(list_key: str, value_id: int, body: ValueUpdate, actor: CurrentActor) -> TypeListValueRead:
    with db_session() as s, transaction(s):
        return type_lists.update_value(s, actor, list_key, value_id, body, now=utcnow())


@router.post("/type-lists/{list_key}/values/{value_id}/retire", response_model=TypeListValueRead,
             summary="Retire a value (kept in history, refused on new input)")
def retire_value(list_key: str, value_id: int, actor: CurrentActor) -> TypeListValueRead:
    with db_session() as s, transaction(s):
        return type_lists.set_value_active(s, actor, list_key, value_id, False, now=utcnow())


@router.post("/type-lists/{list_key}/values/{value_id}/reactivate", response_model=TypeListValueRead,
             summary="Bring a retired value back")
def reactivate_value(list_key: str, value_id: int, actor: CurrentActor) -> TypeListValueRead:
    with db_session() as s, transaction(s):
        return type_lists.set_value_active(s, actor, list_key, value_id, True, now=utcnow())


@router.delete("/type-lists/{list_key}/values/{value_id}", summary="Delete a value nobody used (else 409: retire it)",
               responses=errors(409), **NO_CONTENT)
def delete_value(list_key: str, value_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        type_lists.delete_value(s, actor, list_key, value_id, now=utcnow())
    return no_content()


# ----- custom fields -------------------------------------------------------------------------

@router.get("/custom-fields", response_model=list[CustomFieldRead],
            summary="Custom field definitions of one entity type (retired ones with include_retired=true)")
def list_definitions(entity_type: str, actor: CurrentActor, include_retired: bool = False) -> list[CustomFieldRead]:
    with db_session() as s, transaction(s):
        return custom_fields.definitions(s, actor, entity_type, include_retired=include_retired)


@router.post("/custom-fields", response_model=CustomFieldRead, status_code=status.HTTP_201_CREATED,
             summary="Define a custom field", responses=errors(409))
def create_definition(body: CustomFieldCreate, actor: CurrentActor) -> CustomFieldRead:
    with db_session() as s, transaction(s):
        return custom_fields.create_definition(s, actor, body, now=utcnow())


@router.patch("/custom-fields/{definition_id}", response_model=CustomFieldRead, summary="Change a custom field")
def update_definition(definition_id: int, body: CustomFieldUpdate, actor: CurrentActor) -> CustomFieldRead:
    with db_session() as s, transaction(s):
        return custom_fields.update_definition(s, actor, definition_id, body, now=utcnow())


@router.post("/custom-fields/{definition_id}/retire", response_model=CustomFieldRead, summary="Retire a custom field")
def retire_definition(definition_id: int, actor: CurrentActor) -> CustomFieldRead:
    with db_session() as s, transaction(s):
        return custom_fields.set_definition_active(s, actor, definition_id, False, now=utcnow())


@router.post("/custom-fields/{definition_id}/reactivate", response_model=CustomFieldRead,
             summary="Bring a retired custom field back")
def reactivate_definition(definition_id: int, actor: CurrentActor) -> CustomFieldRead:
    with db_session() as s, transaction(s):
        return custom_fields.set_definition_active(s, actor, definition_id, True, now=utcnow())


@router.delete("/custom-fields/{definition_id}", summary="Delete a custom field no entity holds a value for (else 409)",
               responses=errors(409), **NO_CONTENT)
def delete_definition(definition_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        custom_fields.delete_definition(s, actor, definition_id, now=utcnow())
    return no_content()


@router.get("/custom-fields/values/{entity_type}/{entity_id}", response_model=dict[str, Any],
            summary="One entity's custom field values")
def get_values(entity_type: str, entity_id: int, actor: CurrentActor) -> dict[str, Any]:
    with db_session() as s, transaction(s):
        return custom_fields.get_values(s, actor, entity_type, entity_id)


@router.patch("/custom-fields/values/{entity_type}/{entity_id}", response_model=dict[str, Any], responses=errors(422),
              summary="Set some custom field values of one entity (null or \"\" clears one)")
def set_values(entity_type: str, entity_id: int, body: dict[str, Any], actor: CurrentActor) -> dict[str, Any]:
    with db_session() as s, transaction(s):
        return custom_fields.set_values(s, actor, entity_type, entity_id, body, now=utcnow())
