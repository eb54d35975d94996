"""Loading a workflow's states and transitions and an entity's instance, and recording its steps.

An instance is found only within the actor's organization and visible plants (NotFound otherwise);
the active version is the shipped default, stored as version 1, until an admin saves another.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from models.base import pk
from models.workflow import Workflow, WorkflowInstance, WorkflowState, WorkflowStep, WorkflowTransition
from services.config.workflow_defaults import default_spec
from services.config.workflow_specs import ANY_STATE, store_version
from services.core.access import Actor, require_plant_visible
from services.core.errors import NotFound
from services.core.messages import t


def active_workflow(session: Session, organization_id: int, entity_type: str) -> Workflow:
    """The version new instances start on; the shipped default becomes version 1 on first use."""
    flow = session.exec(select(Workflow).where(
        Workflow.organization_id == organization_id, Workflow.entity_type == entity_type,
        Workflow.is_active == True)).first()  # noqa: E712
    return flow or store_version(session, organization_id, entity_type, default_spec(entity_type))


def states_of(session: Session, workflow_id: int) -> dict[str, WorkflowState]:
    rows = session.exec(select(WorkflowState).where(WorkflowState.workflow_id == workflow_id)
                        .order_by(col(WorkflowState.position))).all()
    return {s.key: s for s in rows}


def transitions_of(session: Session, workflow_id: int) -> list[WorkflowTransition]:
    return list(session.exec(select(WorkflowTransition).where(WorkflowTransition.workflow_id == workflow_id)
                             .order_by(col(WorkflowTransition.position))).all())


def leaving(state: str, states: dict[str, WorkflowState],
            transitions: list[WorkflowTransition]) -> list[WorkflowTransition]:
    """The transitions out of `state`: its own, and the "any state" ones while it is neither done nor rejected."""
    current = states.get(state)
    is_open = current is not None and not (current.is_done or current.is_rejected)
    return [tr for tr in transitions if tr.from_state == state or (tr.from_state == ANY_STATE and is_open)]


def find_instance(session: Session, actor: Actor, entity_type: str, entity_id: int, *, lock: bool = False) -> WorkflowInstance:
    query = select(WorkflowInstance).where(WorkflowInstance.organization_id == actor.organization_id,
                                           WorkflowInstance.entity_type == entity_type,
                                           WorkflowInstance.entity_id == entity_id)
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(t("This item has no workflow."))
    require_plant_visible(actor, row.plant_id, t("Workflow"))
    return row


def pending_of(session: Session, inst: WorkflowInstance) -> WorkflowTransition | None:
    if not inst.pending_transition:
        return None
    return next((tr for tr in transitions_of(session, inst.workflow_id) if tr.key == inst.pending_transition), None)


def due_time(state: WorkflowState, now: datetime) -> datetime | None:
    return now + timedelta(minutes=state.due_minutes) if state.due_minutes else None


def add_step(session: Session, inst: WorkflowInstance, user_id: int | None, kind: str, now: datetime, **values) -> None:
    values["data"] = _jsonable(values.get("data") or {})
    session.add(WorkflowStep(organization_id=inst.organization_id, instance_id=pk(inst), at=now, user_id=user_id,
                             kind=kind, round=inst.pending_round, **values))
    session.flush()


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {str(k): v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v)
            for k, v in data.items()}
