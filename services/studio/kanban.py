"""The kanban of one step: a column per state of the studio task workflow, a card per task of the step in
a project (optionally one episode, one assignee slot), and moving a card into another column.

Invariants: the columns are the states of the organization's active "studio_task" workflow, in its
order (admins may add states); a card's `targets` are the states one transition away from its own,
whoever looks (the shared live board shows the same cards to everyone); a move is exactly one workflow
transition and goes through the use case that owns it: "start" is `tasks.start_task`, a QC approval or
rejection is `reviews.decide` (a rejection needs a comment), sending for review needs a version with
files and is refused here with that reason; any other transition (e.g. taking a task into QC1) is
checked by the workflow engine (roles, conditions) and announced as `studio.task.moved`. A refused
move raises with a message people can act on and changes nothing.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session

from models.base import pk
from models.studio import StudioStep
from models.studio_work import StudioTask
from models.workflow import WorkflowState, WorkflowTransition
from services.config.workflow_instances import active_workflow, find_instance, leaving, states_of, transitions_of
from services.core.access import Actor
from services.core.errors import Conflict, Invalid, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
from services.studio import reviews, tasks
from services.studio.common import announce, get_project, is_portal
from services.studio.events import TaskMoved
from services.studio.tasks import ENTITY, TaskRead

SUBMIT_MOVES = ("submit", "resubmit")
DECISIONS = {"qc1_approve": ("qc1", "approve"), "qc1_reject": ("qc1", "reject"),
             "qc2_approve": ("qc2", "approve"), "qc2_reject": ("qc2", "reject")}


class KanbanCard(BaseModel):
    task: TaskRead
    targets: list[str]               # states one transition away (the moves the card offers)


class KanbanColumn(BaseModel):
    status: str
    name: str
    cards: list[KanbanCard]


class KanbanRead(BaseModel):
    project_id: int
    step_id: int
    step_name: str
    columns: list[KanbanColumn]


def _flow(session: Session, organization_id: int) -> tuple[dict[str, WorkflowState], list[WorkflowTransition]]:
    flow_id = pk(active_workflow(session, organization_id, ENTITY))
    return states_of(session, flow_id), transitions_of(session, flow_id)


def _targets(status: str, states: dict[str, WorkflowState], moves: list[WorkflowTransition]) -> list[str]:
    return [s for s in dict.fromkeys(move.to_state for move in leaving(status, states, moves)) if s != status]


def get_step(session: Session, actor: Actor, project_id: int, step_id: int) -> StudioStep:
    """The step of the project, when the actor may read the project (a vendor: its own cards only)."""
    if not is_portal(actor):
        get_project(session, actor, project_id)
    step = get_scoped(session, actor, StudioStep, step_id, t("Step"))
    if step.project_id != project_id:
        raise NotFound(t("Step not found."))
    return step


def board(session: Session, actor: Actor, project_id: int, step_id: int, *, episode_id: int | None = None,
          assignee_member_id: int | None = None) -> KanbanRead:
    """One step's tasks in columns by status (every workflow state present, possibly empty)."""
    step = get_step(session, actor, project_id, step_id)
    states, moves = _flow(session, actor.organization_id)
    columns = {key: KanbanColumn(status=key, name=s.name, cards=[]) for key, s in states.items()}
    rows = tasks.list_tasks(session, actor, project_id=project_id, step_id=step_id, episode_id=episode_id,
                            assignee_member_id=assignee_member_id, limit=5000)
    for task in rows:
        column = columns.get(task.status)
        if column is None:               # a state of an older workflow version: shown, under its own key
            column = columns[task.status] = KanbanColumn(status=task.status, name=task.status, cards=[])
        column.cards.append(KanbanCard(task=task, targets=_targets(task.status, states, moves)))
    return KanbanRead(project_id=project_id, step_id=step_id, step_name=step.name, columns=list(columns.values()))


def _transition_to(session: Session, actor: Actor, task: StudioTask, to_status: str) -> WorkflowTransition:
    """The one transition from the task's state into `to_status` (on the task's own workflow version)."""
    try:
        flow_id = find_instance(session, actor, ENTITY, pk(task)).workflow_id
    except NotFound:
        flow_id = pk(active_workflow(session, actor.organization_id, ENTITY))
    states, moves = states_of(session, flow_id), transitions_of(session, flow_id)
    if to_status not in states:
        raise Invalid(fields={"to_status": t("Not a state of the studio task workflow.")})
    current = states.get(task.status)
    found = next((move for move in leaving(task.status, states, moves) if move.to_state == to_status), None)
    if found is None:
        here = current.name if current else task.status
        raise Conflict(t("A task cannot go from '{here}' to '{there}' in one move.", here=here,
                         there=states[to_status].name))
    return found


def move_card(session: Session, actor: Actor, task_id: int, to_status: str, *, comment: str = "",
              now: datetime) -> TaskRead:
    """Move a card into the column `to_status` (see the module's invariants for which use case runs)."""
    task = tasks.get_task(session, actor, task_id, for_update=True)
    if task.status == to_status:
        return tasks.task_read(session, task)
    found = _transition_to(session, actor, task, to_status)
    if found.key in SUBMIT_MOVES:
        raise Conflict(t("Submit a version with its files on the task page to send it for review."))
    if found.key in DECISIONS:
        stage, decision = DECISIONS[found.key]
        if decision == "reject" and not comment.strip():
            raise Invalid(t("Say what to rework."), fields={"comment": t("Required for a rejection.")})
        reviews.decide(session, actor, task_id, stage, reviews.Decision(decision=decision, comment=comment), now=now)
        return tasks.get_task_read(session, actor, task_id)
    if found.key == "start":
        return tasks.start_task(session, actor, task_id, now=now)
    tasks.require_worker(session, actor, task)
    before = task.status
    tasks.move(session, actor, task, found.key, comment=comment, now=now)
    announce(session, actor, TaskMoved, pk(task), {"status": {"before": before, "after": task.status}},
             project_id=task.project_id, now=now)
    return tasks.task_read(session, task)
