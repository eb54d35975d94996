"""Projects and project templates.

Invariants: project numbers are PRJ-000001.. per organization; a project's steps are copied from its
template at creation (keys unique per project, positions 0..n-1, weights > 0) and can be edited
later; progress = sum of step weights of approved tasks / sum of step weights of all tasks (0 with
no tasks). STUDIO_MANAGE writes, VIEW reads; custom fields of entity type "studio_project".
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlmodel import Session, case, col, func, select

from models.base import pk
from models.studio import StudioPartner, StudioProject, StudioStep, StudioTemplate
from models.studio_work import StudioTask
from services.config import custom_fields, type_lists
from services.core.access import Actor, Permission
from services.core.display_names import display_name, second_name
from services.core.messages import t
from services.core.numbering import next_number
from services.core.search import matches
from services.core.validation import CODE_RE
from services.studio.common import (
    PROJECT_TYPES,
    announce,
    apply,
    check,
    get_project,
    require_manager,
    require_reader,
    text,
)
from services.studio.events import ProjectCreated, ProjectStepAdded, ProjectUpdated, TemplateCreated

STATUSES = ("planning", "active", "on_hold", "done", "cancelled")
custom_fields.register_entity("studio_project", "Studio projects", model=StudioProject,
                              permission=Permission.STUDIO_MANAGE)


class StepSpec(BaseModel):
    key: str
    name: str
    weight: Decimal = Decimal("1")
    entity_kind: str = "cut"


DEFAULT_TEMPLATES: dict[str, tuple[list[str], list[StepSpec]]] = {
    "TV series (2D)": (["cut", "asset"], [StepSpec(key=k, name=n, weight=Decimal(w)) for k, n, w in (
        ("layout", "Layout", "1"), ("key_animation", "Key animation", "3"), ("in_between", "In-between", "2"),
        ("paint", "Paint", "1"), ("background", "Background", "1"), ("compositing", "Compositing", "1"),
        ("editing", "Editing", "0.5"), ("sound", "Sound", "0.5"))]),
    "Film (3D)": (["cut", "asset"], [
        *(StepSpec(key=k, name=n, weight=Decimal(w), entity_kind="asset") for k, n, w in (
            ("modeling", "Modeling", "2"), ("rigging", "Rigging", "1"), ("texturing", "Texturing", "1"))),
        *(StepSpec(key=k, name=n, weight=Decimal(w)) for k, n, w in (
            ("layout", "Layout", "1"), ("animation", "Animation", "3"), ("lighting", "Lighting", "1"),
            ("compositing", "Compositing", "1")))]),
}


class TemplateRead(BaseModel):
    id: int
    name: str
    entity_kinds: list[str]
    steps: list[StepSpec]


class TemplateCreate(BaseModel):
    name: str
    entity_kinds: list[str] = Field(default_factory=lambda: ["cut", "asset"])
    steps: list[StepSpec]


class ProjectCreate(BaseModel):
    name: str
    name2: str = ""                         # the title in a second language (services/core/display_names.py)
    name2_language: str | None = None       # en, ja or ko; None: what name2's script says
    type_value_id: int | None = None
    template_id: int | None = None
    client_partner_id: int | None = None
    budget: Decimal | None = None
    currency: str = "EUR"
    start_date: date | None = None
    deadline: date | None = None
    status: str = "planning"
    custom: dict | None = None


class ProjectUpdate(BaseModel):
    name: str | None = None
    name2: str | None = None
    name2_language: str | None = None
    type_value_id: int | None = None
    client_partner_id: int | None = None
    budget: Decimal | None = None
    start_date: date | None = None
    deadline: date | None = None
    status: str | None = None
    custom: dict | None = None


class StepRead(BaseModel):
    id: int
    key: str
    name: str
    position: int
    weight: Decimal
    entity_kind: str


class ProjectRead(BaseModel):
    id: int
    number: str
    name: str
    name2: str
    name2_language: str | None = None
    display_name: str = ""                  # the title in the viewer's language
    type_value_id: int | None
    type_label: str = ""
    template_id: int | None
    client_partner_id: int | None
    client_name: str = ""
    budget: Decimal | None
    currency: str
    start_date: date | None
    deadline: date | None
    status: str
    progress: float = 0.0
    custom: dict = Field(default_factory=dict)


# ---- templates -----------------------------------------------------------------------------------

def ensure_default_templates(session: Session, organization_id: int) -> None:
    have = set(session.exec(select(StudioTemplate.name).where(StudioTemplate.organization_id == organization_id)).all())
    for name, (kinds, steps) in DEFAULT_TEMPLATES.items():
        if name not in have:
            session.add(StudioTemplate(organization_id=organization_id, name=name, entity_kinds=kinds,
                                       steps=[s.model_dump(mode="json") for s in steps]))
    session.flush()


def list_templates(session: Session, actor: Actor) -> list[TemplateRead]:
    require_reader(actor)
    ensure_default_templates(session, actor.organization_id)
    rows = session.exec(select(StudioTemplate).where(StudioTemplate.organization_id == actor.organization_id)
                        .order_by(StudioTemplate.name)).all()
    return [TemplateRead(id=tpl.id, name=tpl.name, entity_kinds=tpl.entity_kinds, steps=tpl.steps) for tpl in rows]


def _step_problems(steps: list[StepSpec], problems: dict[str, str]) -> None:
    keys = [s.key for s in steps]
    if not steps:
        problems["steps"] = t("Name at least one step.")
    for i, s in enumerate(steps):
        if not CODE_RE.match(s.key or "") or len(s.key) > 32 or keys.count(s.key) > 1:
            problems[f"steps.{i}.key"] = t("Up to 32 letters, digits, '.', '-' or '_', unique.")
        if not s.name.strip() or len(s.name) > 120:
            problems[f"steps.{i}.name"] = t("Required, at most {limit} characters.", limit=120)
        if s.weight <= 0:
            problems[f"steps.{i}.weight"] = t("Greater than 0.")
        if s.entity_kind not in ("cut", "asset"):
            problems[f"steps.{i}.entity_kind"] = t("cut or asset.")


def create_template(session: Session, actor: Actor, data: TemplateCreate, *, now: datetime) -> TemplateRead:
    require_manager(actor)
    problems: dict[str, str] = {}
    name = text(data.name, "name", problems, max_len=120, required=True)
    _step_problems(data.steps, problems)
    if session.exec(select(StudioTemplate.id).where(StudioTemplate.organization_id == actor.organization_id,
                                                    StudioTemplate.name == name)).first():
        problems["name"] = t("A template of this name exists.")
    check(problems)
    row = StudioTemplate(organization_id=actor.organization_id, name=name, entity_kinds=data.entity_kinds,
                         steps=[s.model_dump(mode="json") for s in data.steps], created_at=now, updated_at=now,
                         created_by=actor.user_id, updated_by=actor.user_id)
    session.add(row)
    session.flush()
    announce(session, actor, TemplateCreated, pk(row), {"name": {"before": None, "after": name}},
             project_id=None, now=now)
    return TemplateRead(id=row.id, name=row.name, entity_kinds=row.entity_kinds, steps=row.steps)


# ---- projects ------------------------------------------------------------------------------------

def _fields_problems(session: Session, actor: Actor, data, problems: dict[str, str]) -> None:
    if data.status is not None and data.status not in STATUSES:
        problems["status"] = t("One of: {choices}.", choices=", ".join(STATUSES))
    if data.budget is not None and data.budget < 0:
        problems["budget"] = t("Not negative.")
    if data.type_value_id is not None and (p := type_lists.value_problem(session, actor, PROJECT_TYPES,
                                                                             data.type_value_id)):
        problems["type_value_id"] = p
    if data.client_partner_id is not None:
        partner = session.get(StudioPartner, data.client_partner_id)
        if partner is None or partner.organization_id != actor.organization_id:
            problems["client_partner_id"] = t("Unknown partner.")
    start = getattr(data, "start_date", None)
    if start and data.deadline and data.deadline < start:
        problems["deadline"] = t("On or after the start.")


def create_project(session: Session, actor: Actor, data: ProjectCreate, *, now: datetime) -> ProjectRead:
    require_manager(actor)
    type_lists.ensure_defaults(session, actor.organization_id)
    problems: dict[str, str] = {}
    name = text(data.name, "name", problems, max_len=200, required=True)
    name2, name2_language = second_name(data.name2, data.name2_language, problems)
    _fields_problems(session, actor, data, problems)
    template = None
    if data.template_id is not None:
        template = session.get(StudioTemplate, data.template_id)
        if template is None or template.organization_id != actor.organization_id:
            problems["template_id"] = t("Unknown template.")
    custom = custom_fields.validate(session, actor, "studio_project", data.custom, problems=problems)
    check(problems)
    project = StudioProject(
        organization_id=actor.organization_id, number=next_number(session, actor.organization_id, "PRJ"),
        name=name, name2=name2, name2_language=name2_language, type_value_id=data.type_value_id, template_id=data.template_id,
        client_partner_id=data.client_partner_id, budget=data.budget, currency=(data.currency or "EUR").upper()[:3],
        start_date=data.start_date, deadline=data.deadline, status=data.status, custom=custom,
        created_at=now, updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
    session.add(project)
    session.flush()
    for i, step in enumerate(template.steps if template else []):
        spec = StepSpec.model_validate(step)
        session.add(StudioStep(organization_id=actor.organization_id, project_id=pk(project), key=spec.key,
                               name=spec.name, position=i, weight=spec.weight, entity_kind=spec.entity_kind))
    session.flush()
    announce(session, actor, ProjectCreated, pk(project),
             {"number": {"before": None, "after": project.number}, "name": {"before": None, "after": name},
              "name2": {"before": None, "after": name2}, "name2_language": {"before": None, "after": name2_language}},
             project_id=project.id, now=now)
    return project_read(session, actor, project)


def update_project(session: Session, actor: Actor, project_id: int, data: ProjectUpdate, *, now: datetime) -> ProjectRead:
    require_manager(actor)
    project = get_project(session, actor, project_id, for_update=True)
    problems: dict[str, str] = {}
    values = data.model_dump(exclude_unset=True)
    values.pop("custom", None)
    if "name" in values:
        values["name"] = text(values["name"], "name", problems, max_len=200, required=True)
    if "name2" in values or "name2_language" in values:
        values["name2"], values["name2_language"] = second_name(
            values.get("name2"), values.get("name2_language"), problems, current=(project.name2, project.name2_language))
    _fields_problems(session, actor, data, problems)
    start, deadline = values.get("start_date", project.start_date), values.get("deadline", project.deadline)
    if start and deadline and deadline < start:
        problems["deadline"] = t("On or after the start.")
    custom = project.custom
    if data.custom is not None:
        custom = custom_fields.validate(session, actor, "studio_project", data.custom, current=project.custom,
                                        problems=problems)
    check(problems)
    changes = apply(project, values)
    if custom != project.custom:
        changes["custom"] = {"before": project.custom, "after": custom}
        project.custom = custom
    if changes:
        project.updated_at, project.updated_by = now, actor.user_id
        session.add(project)
        announce(session, actor, ProjectUpdated, pk(project), changes, project_id=project.id, now=now)
    return project_read(session, actor, project)


def progress(session: Session, project_ids: list[int]) -> dict[int, float]:
    """Weighted share of approved tasks per project (0..1)."""
    if not project_ids:
        return {}
    weight = StudioStep.weight
    rows = session.exec(select(StudioTask.project_id, func.sum(weight),
                               func.sum(case((StudioTask.status == "approved", weight), else_=0)))
                        .join(StudioStep, col(StudioStep.id) == StudioTask.step_id)
                        .where(col(StudioTask.project_id).in_(project_ids)).group_by(col(StudioTask.project_id))).all()
    return {pid: float(done or 0) / float(total) if total else 0.0 for pid, total, done in rows}


def project_read(session: Session, actor: Actor, project: StudioProject, *, share: float | None = None) -> ProjectRead:
    labels = type_lists.labels(session, actor, PROJECT_TYPES) if project.type_value_id else {}
    client = session.get(StudioPartner, project.client_partner_id) if project.client_partner_id else None
    read = ProjectRead.model_validate(project, from_attributes=True)
    read.type_label = labels.get(project.type_value_id, "") if project.type_value_id is not None else ""
    read.display_name = display_name(project)
    read.client_name = display_name(client) if client else ""
    read.progress = share if share is not None else progress(session, [pk(project)]).get(pk(project), 0.0)
    return read


def list_projects(session: Session, actor: Actor, *, status: str | None = None, search: str = "") -> list[ProjectRead]:
    require_reader(actor)
    query = select(StudioProject).where(StudioProject.organization_id == actor.organization_id)
    if status:
        query = query.where(StudioProject.status == status)
    if search.strip():
        query = query.where(matches(search, StudioProject.name, StudioProject.number, StudioProject.name2))
    rows = session.exec(query.order_by(StudioProject.number)).all()
    shares = progress(session, [pk(p) for p in rows])
    return [project_read(session, actor, p, share=shares.get(pk(p), 0.0)) for p in rows]


def get_project_read(session: Session, actor: Actor, project_id: int) -> ProjectRead:
    require_reader(actor)
    return project_read(session, actor, get_project(session, actor, project_id))


def steps(session: Session, actor: Actor, project_id: int) -> list[StepRead]:
    require_reader(actor)
    get_project(session, actor, project_id)
    rows = session.exec(select(StudioStep).where(StudioStep.project_id == project_id)
                        .order_by(col(StudioStep.position))).all()
    return [StepRead.model_validate(s, from_attributes=True) for s in rows]


def add_step(session: Session, actor: Actor, project_id: int, spec: StepSpec, *, now: datetime) -> StepRead:
    require_manager(actor)
    get_project(session, actor, project_id, for_update=True)
    existing = session.exec(select(StudioStep).where(StudioStep.project_id == project_id)).all()
    problems: dict[str, str] = {}
    _step_problems([spec], problems)
    if any(s.key == spec.key for s in existing):
        problems["key"] = t("This project has a step with this key.")
    check({k.replace("steps.0.", ""): v for k, v in problems.items()})
    row = StudioStep(organization_id=actor.organization_id, project_id=project_id, key=spec.key, name=spec.name,
                     position=len(existing), weight=spec.weight, entity_kind=spec.entity_kind)
    session.add(row)
    session.flush()
    announce(session, actor, ProjectStepAdded, project_id, {"step": {"before": None, "after": spec.key}},
             project_id=project_id, now=now)
    return StepRead.model_validate(row, from_attributes=True)
