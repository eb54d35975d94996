"""Admins shape workflows without code: read the active spec of an entity type, save a changed one as
the next version (CONFIGURE), list the versions, and lay the state machine out for a picture.

Saving never edits a stored version: it writes a new one and makes it active, so instances already
in flight keep their version's states and transitions. A spec whose states an admin removed is fine
for them too, for the same reason.
"""
from __future__ import annotations

import math
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import pk
from models.workflow import Workflow, WorkflowInstance
from services.config.events import WorkflowVersionSaved
from services.config.workflow_defaults import ENTITY_TYPES, default_spec
from services.config.workflow_specs import (
    ANY_STATE,
    WorkflowSpec,
    check_spec,
    spec_of,
    store_version,
)
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Invalid, NotFound
from services.core.events import record
from services.core.messages import t


class WorkflowRead(BaseModel):
    id: int
    entity_type: str
    version: int
    name: str
    is_active: bool
    created_at: datetime
    open_instances: int = 0


def entity_types() -> dict[str, str]:
    return dict(ENTITY_TYPES)


def _check_type(entity_type: str) -> None:
    if not entity_type or len(entity_type) > 32:
        raise Invalid(t("Choose an entity type."), fields={"entity_type": t("Required, at most {max_length} characters.",
                                                                          max_length=32)})


def list_workflows(session: Session, actor: Actor, *, entity_type: str | None = None) -> list[WorkflowRead]:
    require(actor, Permission.VIEW)
    query = select(Workflow).where(Workflow.organization_id == actor.organization_id)
    if entity_type:
        query = query.where(Workflow.entity_type == entity_type)
    flows = session.exec(query.order_by(Workflow.entity_type, col(Workflow.version).desc())).all()
    counts: dict[int, int] = {}
    for wid in session.exec(select(WorkflowInstance.workflow_id).where(
            WorkflowInstance.organization_id == actor.organization_id, WorkflowInstance.is_closed == False)).all():  # noqa: E712
        counts[wid] = counts.get(wid, 0) + 1
    return [WorkflowRead(id=f.id, entity_type=f.entity_type, version=f.version, name=f.name, is_active=f.is_active,
                         created_at=f.created_at, open_instances=counts.get(pk(f), 0)) for f in flows]


def get_spec(session: Session, actor: Actor, entity_type: str, *, version: int | None = None) -> WorkflowSpec:
    """The active (or a given) version's spec; the shipped default when the organization has none yet."""
    require(actor, Permission.VIEW)
    _check_type(entity_type)
    query = select(Workflow).where(Workflow.organization_id == actor.organization_id, Workflow.entity_type == entity_type)
    query = query.where(Workflow.version == version) if version else query.where(Workflow.is_active == True)  # noqa: E712
    flow = session.exec(query).first()
    if flow is None and version:
        raise NotFound(t("Version {version} of this workflow does not exist.", version=version))
    return spec_of(session, pk(flow)) if flow else default_spec(entity_type)


def save_workflow(session: Session, actor: Actor, entity_type: str, spec: WorkflowSpec, *,
                  now: datetime) -> WorkflowRead:
    require(actor, Permission.CONFIGURE)
    _check_type(entity_type)
    problems = check_spec(spec)
    if problems:
        raise Invalid(t("The workflow cannot be saved: {problems}",
                        problems=" ".join(f"{k}: {v}" for k, v in problems.items())), fields=problems)
    flow = store_version(session, actor.organization_id, entity_type, spec, user_id=actor.user_id)
    audit(session, actor, "workflow", flow.id, "version_saved",
          {"entity_type": entity_type, "version": flow.version, "states": len(spec.states),
           "transitions": len(spec.transitions)}, at=now)
    record(session, WorkflowVersionSaved(organization_id=actor.organization_id, actor_user_id=actor.user_id, at=now,
                                         entity_type=entity_type, workflow_id=pk(flow), version=flow.version))
    return WorkflowRead(id=flow.id, entity_type=entity_type, version=flow.version, name=flow.name,
                        is_active=True, created_at=flow.created_at)


def reset_to_default(session: Session, actor: Actor, entity_type: str, *, now: datetime) -> WorkflowRead:
    """Save the shipped default as the next version."""
    return save_workflow(session, actor, entity_type, default_spec(entity_type), now=now)


class GraphLayout(BaseModel):
    """States on a circle, transitions as arrows between them (for a plotly picture)."""
    nodes: list[dict]     # key, name, x, y, kind (initial | done | rejected | normal)
    edges: list[dict]     # key, name, x0, y0, x1, y1, guarded


def layout(spec: WorkflowSpec) -> GraphLayout:
    n = max(len(spec.states), 1)
    nodes, where = [], {}
    for i, s in enumerate(spec.states):
        angle = math.pi / 2 - 2 * math.pi * i / n
        x, y = round(math.cos(angle), 4), round(math.sin(angle), 4)
        where[s.key] = (x, y)
        kind = "initial" if s.is_initial else "done" if s.is_done else "rejected" if s.is_rejected else "normal"
        nodes.append({"key": s.key, "name": s.name, "x": x, "y": y, "kind": kind})
    open_states = [s.key for s in spec.states if not (s.is_done or s.is_rejected)]
    edges = []
    for tr in spec.transitions:
        sources = open_states if tr.from_state == ANY_STATE else [tr.from_state]
        for source in sources:
            if source in where and tr.to_state in where and source != tr.to_state:
                (x0, y0), (x1, y1) = where[source], where[tr.to_state]
                edges.append({"key": tr.key, "name": tr.name, "x0": x0, "y0": y0, "x1": x1, "y1": y1,
                              "guarded": bool(tr.roles or tr.conditions or tr.approval != "none")})
    return GraphLayout(nodes=nodes, edges=edges)
