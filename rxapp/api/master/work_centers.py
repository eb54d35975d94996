"""Work centers, machines and machines' per-product cycle times (reading: VIEW at the plant;
changes: MANAGE_PLANTS or PLAN at the plant)."""
from __future__ import annotations

from fastapi import APIRouter, status

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import (
    EXPORTABLE,
    NO_CONTENT,
    Format,
    Status,
    active_flag,
    listing,
    no_content,
)
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.master import work_centers as wcs
from services.master.work_centers import (
    MACHINE_COLUMNS,
    WORK_CENTER_COLUMNS,
    MachineCreate,
    MachineRateInput,
    MachineRateRead,
    MachineRead,
    MachineUpdate,
    WorkCenterCreate,
    WorkCenterRead,
    WorkCenterUpdate,
)

router = APIRouter(tags=["work centers and machines"], responses=AUTHENTICATED)


@router.get("/work-centers", response_model=list[WorkCenterRead], responses=EXPORTABLE,
            summary="List work centers of your plants (search code or name; export)")
def list_work_centers(actor: CurrentActor, plant_id: int | None = None, search: str | None = None,
                      status: Status = "active", format: Format = "json"):
    with db_session() as s, transaction(s):
        rows = wcs.list_work_centers(s, actor, plant_id=plant_id, search=search, active=active_flag(status))
    return listing(rows, WORK_CENTER_COLUMNS, format, "work-centers")


@router.post("/work-centers", response_model=WorkCenterRead, status_code=status.HTTP_201_CREATED,
             summary="Create a work center in a plant and department", responses=errors(409))
def create_work_center(body: WorkCenterCreate, actor: CurrentActor) -> WorkCenterRead:
    with db_session() as s, transaction(s):
        return wcs.create_work_center(s, actor, body, now=utcnow())


@router.get("/work-centers/{work_center_id}", response_model=WorkCenterRead, summary="Get a work center")
def get_work_center(work_center_id: int, actor: CurrentActor) -> WorkCenterRead:
    with db_session() as s, transaction(s):
        return wcs.get_work_center(s, actor, work_center_id)


@router.patch("/work-centers/{work_center_id}", response_model=WorkCenterRead, summary="Change a work center",
              responses=errors(409))
def update_work_center(work_center_id: int, body: WorkCenterUpdate, actor: CurrentActor) -> WorkCenterRead:
    with db_session() as s, transaction(s):
        return wcs.update_work_center(s, actor, work_center_id, body, now=utcnow())


@router.post("/work-centers/{work_center_id}/deactivate", response_model=WorkCenterRead,
             summary="Deactivate a work center (its machines first)", responses=errors(409))
def deactivate_work_center(work_center_id: int, actor: CurrentActor) -> WorkCenterRead:
    with db_session() as s, transaction(s):
        return wcs.set_work_center_active(s, actor, work_center_id, False, now=utcnow())


@router.post("/work-centers/{work_center_id}/reactivate", response_model=WorkCenterRead,
             summary="Reactivate a work center")
def reactivate_work_center(work_center_id: int, actor: CurrentActor) -> WorkCenterRead:
    with db_session() as s, transaction(s):
        return wcs.set_work_center_active(s, actor, work_center_id, True, now=utcnow())


@router.get("/machines", response_model=list[MachineRead], responses=EXPORTABLE,
            summary="List machines of your plants (filter by plant, work center, department; search; export)")
def list_machines(actor: CurrentActor, plant_id: int | None = None, work_center_id: int | None = None,
                  department_id: int | None = None, search: str | None = None, status: Status = "active",
                  format: Format = "json"):
    with db_session() as s, transaction(s):
        rows = wcs.list_machines(s, actor, plant_id=plant_id, work_center_id=work_center_id,
                                 department_id=department_id, search=search, active=active_flag(status))
    return listing(rows, MACHINE_COLUMNS, format, "machines")


@router.post("/machines", response_model=MachineRead, status_code=status.HTTP_201_CREATED,
             summary="Create a machine in a work center", responses=errors(409))
def create_machine(body: MachineCreate, actor: CurrentActor) -> MachineRead:
    with db_session() as s, transaction(s):
        return wcs.create_machine(s, actor, body, now=utcnow())


@router.get("/machines/{machine_id}", response_model=MachineRead, summary="Get a machine")
def get_machine(machine_id: int, actor: CurrentActor) -> MachineRead:
    with db_session() as s, transaction(s):
        return wcs.get_machine(s, actor, machine_id)


@router.patch("/machines/{machine_id}", response_model=MachineRead,
              summary="Rename or move a machine within its plant", responses=errors(409))
def update_machine(machine_id: int, body: MachineUpdate, actor: CurrentActor) -> MachineRead:
    with db_session() as s, transaction(s):
        return wcs.update_machine(s, actor, machine_id, body, now=utcnow())


@router.post("/machines/{machine_id}/deactivate", response_model=MachineRead, summary="Deactivate a machine")
def deactivate_machine(machine_id: int, actor: CurrentActor) -> MachineRead:
    with db_session() as s, transaction(s):
        return wcs.set_machine_active(s, actor, machine_id, False, now=utcnow())


@router.post("/machines/{machine_id}/reactivate", response_model=MachineRead, summary="Reactivate a machine",
             responses=errors(409))
def reactivate_machine(machine_id: int, actor: CurrentActor) -> MachineRead:
    with db_session() as s, transaction(s):
        return wcs.set_machine_active(s, actor, machine_id, True, now=utcnow())


@router.get("/machines/{machine_id}/rates", response_model=list[MachineRateRead],
            summary="The machine's own ideal cycle times per product")
def list_rates(machine_id: int, actor: CurrentActor) -> list[MachineRateRead]:
    with db_session() as s, transaction(s):
        return wcs.list_machine_rates(s, actor, machine_id)


@router.post("/machines/{machine_id}/rates", response_model=MachineRateRead,
             summary="Set the machine's ideal cycle time for a product (creates or replaces)")
def set_rate(machine_id: int, body: MachineRateInput, actor: CurrentActor) -> MachineRateRead:
    with db_session() as s, transaction(s):
        return wcs.set_machine_rate(s, actor, machine_id, body, now=utcnow())


@router.delete("/machine-rates/{rate_id}", summary="Remove a cycle-time override", **NO_CONTENT)
def remove_rate(rate_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        wcs.remove_machine_rate(s, actor, rate_id, now=utcnow())
    return no_content()
