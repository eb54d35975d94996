"""Plants the caller may work in, and their departments (changes: MANAGE_PLANTS)."""
from __future__ import annotations

from fastapi import APIRouter, status

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.org import plants
from services.org.plants import (
    DepartmentCreate,
    DepartmentRead,
    DepartmentUpdate,
    PlantCreate,
    PlantRead,
    PlantUpdate,
)

router = APIRouter(tags=["plants"], responses=AUTHENTICATED)


@router.get("/plants", response_model=list[PlantRead], summary="List the plants you may work in")
def list_plants(actor: CurrentActor, include_inactive: bool = False) -> list[PlantRead]:
    with db_session() as s, transaction(s):
        return plants.list_plants(s, actor, include_inactive=include_inactive)


@router.post("/plants", response_model=PlantRead, status_code=status.HTTP_201_CREATED, summary="Create a plant",
             responses=errors(409))
def create_plant(body: PlantCreate, actor: CurrentActor) -> PlantRead:
    with db_session() as s, transaction(s):
        return plants.create_plant(s, actor, body, now=utcnow())


@router.get("/plants/{plant_id}", response_model=PlantRead, summary="Get a plant")
def get_plant(plant_id: int, actor: CurrentActor) -> PlantRead:
    with db_session() as s, transaction(s):
        return plants.get_plant(s, actor, plant_id)


@router.patch("/plants/{plant_id}", response_model=PlantRead, summary="Rename, move time zone, (de)activate a plant")
def update_plant(plant_id: int, body: PlantUpdate, actor: CurrentActor) -> PlantRead:
    with db_session() as s, transaction(s):
        return plants.update_plant(s, actor, plant_id, body, now=utcnow())


@router.get("/plants/{plant_id}/departments", response_model=list[DepartmentRead], summary="List a plant's departments")
def list_departments(plant_id: int, actor: CurrentActor, include_inactive: bool = False) -> list[DepartmentRead]:
    with db_session() as s, transaction(s):
        return plants.list_departments(s, actor, plant_id, include_inactive=include_inactive)


@router.post("/departments", response_model=DepartmentRead, status_code=status.HTTP_201_CREATED,
             summary="Create a department in a plant", responses=errors(409))
def create_department(body: DepartmentCreate, actor: CurrentActor) -> DepartmentRead:
    with db_session() as s, transaction(s):
        return plants.create_department(s, actor, body, now=utcnow())


@router.patch("/departments/{department_id}", response_model=DepartmentRead,
              summary="Rename or (de)activate a department")
def update_department(department_id: int, body: DepartmentUpdate, actor: CurrentActor) -> DepartmentRead:
    with db_session() as s, transaction(s):
        return plants.update_department(s, actor, department_id, body, now=utcnow())
