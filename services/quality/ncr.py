"""Non-conformance reports, run on the workflow engine (entity type "ncr"), and the reads of their CAPA
actions (services/quality/capa.py adds and completes them).

Invariants:
- an NCR belongs to one plant of the actor's organization and is numbered per organization
  (NCR-000001); reading needs VIEW at its plant, raising and changing it needs QUALITY there;
- its `status` is its workflow state: moves go only through `transition_ncr` / the approval calls,
  whose guards come from the organization's NCR workflow (shipped default: closing needs a
  root-cause category, a root-cause text and every CAPA action done);
- a closed (done or rejected) NCR is read-only until a transition reopens it;
- the root-cause category is an active value of the `root_cause_categories` type list; custom
  fields are validated by services/config/custom_fields.py;
- a CAPA action has an owner (an active user of the organization) and a due date; the owner or
  quality staff mark it done; owners are notified when given an action.
Every change is audited and announced (`ncr.*` events; workflow moves as `workflow.*`).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, func, or_, select

from models.base import pk
from models.catalog import Product
from models.ncr import CapaAction, Ncr, NcrLink, NcrSeverity
from models.organization import Department
from models.user import User
from models.workflow import WorkflowInstance, WorkflowState
from services.config import (
    custom_field_values,
    custom_field_views,
    custom_fields,
    form_layouts,
    notifications,
    type_lists,
    workflow,
    workflow_hooks,
)
from services.config.form_layouts import BuiltinField
from services.config.workflow_hooks import Entered
from services.config.workflow_names import shipped_text
from services.core import numbering
from services.core.access import Actor, Permission, can_any, require
from services.core.errors import Conflict, Invalid
from services.core.messages import t
from services.core.paging import keyset_page
from services.core.scoping import get_scoped
from services.core.validation import check
from services.master.common import (
    announce,
    apply_changes,
    like_pattern,
    stamp,
    stamp_new,
    text_problem,
    visible_plant,
)
from services.quality.ncr_models import CapaRead, LinkRead, NcrCreate, NcrDetail, NcrRead, NcrUpdate

ENTITY = "ncr"
ROOT_CAUSES = type_lists.ROOT_CAUSE_CATEGORIES
NCR_PATH = "/quality/ncr?id="          # the detail page (rxapp/routes.py NCR)


# ---- the engine's view of an NCR -----------------------------------------------------------------

def _fields(session: Session, ncr_id: int) -> dict[str, Any]:
    ncr = session.get(Ncr, ncr_id)
    if ncr is None:
        return {}
    total, open_ = _action_counts(session, [ncr_id]).get(ncr_id, (0, 0))
    values = {k: getattr(ncr, k) for k in ("title", "description", "product_id", "lot_reference", "quantity",
                                           "owner_user_id", "department_id", "containment", "root_cause")}
    values.update(severity=ncr.severity.value, root_cause_category=ncr.root_cause_category_id,
                  actions=total, open_actions=open_)
    values.update({f"custom.{k}": v for k, v in (ncr.custom or {}).items()})
    return values


def _watchers(session: Session, ncr_id: int) -> list[int]:
    ncr = session.get(Ncr, ncr_id)
    return [u for u in (ncr.created_by, ncr.owner_user_id) if u] if ncr else []


def _on_state(session: Session, ncr_id: int, entered: Entered) -> None:
    """Mirror the workflow state; `closed_at` is when the instance entered its done/rejected state."""
    ncr = session.get_one(Ncr, ncr_id)
    ncr.status, ncr.is_closed = entered.state, entered.closed
    ncr.closed_at = entered.at if entered.closed else None
    session.add(ncr)


workflow_hooks.register_entity(ENTITY, fields=_fields, on_state=_on_state,
                         label=lambda s, i: (s.get(Ncr, i).number if s.get(Ncr, i) else f"NCR #{i}"),
                         link=lambda i: f"{NCR_PATH}{i}", watchers=lambda s, i: _watchers(s, i))
custom_fields.register_entity(ENTITY, "NCRs", model=Ncr, permission=Permission.QUALITY)
# The NCR form's built-in fields for its layout (services/config/form_layouts.py): required as create_ncr demands;
# the layout's required fields hold for create_ncr and update_ncr alike.
form_layouts.register_form(ENTITY, "NCRs", [
    BuiltinField("plant_id", "Plant", True), BuiltinField("title", "Title", True),
    BuiltinField("severity", "Severity", True), BuiltinField("description", "Description"),
    BuiltinField("lot_reference", "Lot"), BuiltinField("quantity", "Quantity"),
    BuiltinField("containment", "Containment")])
LAID_OUT = ("title", "severity", "description", "lot_reference", "quantity", "containment")
type_lists.register_column(ROOT_CAUSES, Ncr.root_cause_category_id)


# ---- reads ---------------------------------------------------------------------------------------

def _action_counts(session: Session, ncr_ids: list[int]) -> dict[int, tuple[int, int]]:
    if not ncr_ids:
        return {}
    rows = session.exec(select(CapaAction.ncr_id, CapaAction.is_done).where(col(CapaAction.ncr_id).in_(ncr_ids))).all()
    counts: dict[int, tuple[int, int]] = {}
    for ncr_id, done in rows:
        total, open_ = counts.get(ncr_id, (0, 0))
        counts[ncr_id] = (total + 1, open_ + (0 if done else 1))
    return counts


def _reads(session: Session, actor: Actor, rows: list[Ncr]) -> list[NcrRead]:
    ids = [pk(r) for r in rows]
    counts = _action_counts(session, ids)
    products = {p.id: p.code for p in session.exec(select(Product).where(
        col(Product.id).in_({r.product_id for r in rows if r.product_id} or {-1}))).all()}
    users = _names(session, {r.owner_user_id for r in rows})
    causes = type_lists.labels(session, actor, ROOT_CAUSES) if any(r.root_cause_category_id for r in rows) else {}
    state_names = _state_names(session, actor, ids)
    out = []
    for r in rows:
        total, open_ = counts.get(pk(r), (0, 0))
        out.append(NcrRead.model_validate({
            **r.model_dump(), "severity": r.severity.value, "product_code": products.get(r.product_id),
            "owner_name": users.get(r.owner_user_id),
            "root_cause_category": causes.get(r.root_cause_category_id) if r.root_cause_category_id else None,
            "status_name": state_names.get(pk(r), r.status), "open_actions": open_, "actions": total,
            "can_edit": actor.can(Permission.QUALITY, plant_id=r.plant_id) and not r.is_closed}))
    return out


def _state_names(session: Session, actor: Actor, ncr_ids: list[int]) -> dict[int, str]:
    rows = session.exec(select(WorkflowInstance.entity_id, WorkflowState.name).join(
        WorkflowState, (col(WorkflowState.workflow_id) == WorkflowInstance.workflow_id)
        & (col(WorkflowState.key) == WorkflowInstance.state)).where(
        WorkflowInstance.organization_id == actor.organization_id, WorkflowInstance.entity_type == ENTITY,
        col(WorkflowInstance.entity_id).in_(ncr_ids or [-1]))).all()
    return {entity_id: shipped_text(name) for entity_id, name in rows}


def _names(session: Session, user_ids: set[int | None]) -> dict[int | None, str]:
    ids = {u for u in user_ids if u}
    if not ids:
        return {}
    return {u.id: u.full_name or u.username for u in session.exec(select(User).where(col(User.id).in_(ids))).all()}


def people(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """Active users of the organization as (id, name): who can own an NCR or a CAPA action."""
    require(actor, Permission.VIEW)
    rows = session.exec(select(User).where(User.organization_id == actor.organization_id, User.is_active == True)  # noqa: E712
                        .order_by(User.username)).all()
    return [(pk(u), u.full_name or u.username) for u in rows]


def list_ncrs(session: Session, actor: Actor, *, plant_id: int | None = None, status: str | None = None,
              closed: bool | None = None, severity: str | None = None, search: str = "",
              custom: dict[str, Any] | None = None, limit: int = 500) -> list[NcrRead]:
    """`closed`: True lists only closed (done or rejected) NCRs, False only open ones, None both."""
    return ncrs_page(session, actor, plant_id=plant_id, status=status, closed=closed, severity=severity, search=search,
                     custom=custom, limit=limit).items


class NcrPage(BaseModel):
    items: list[NcrRead]
    total: int | None                   # None unless counted
    next_after: int | None = None       # the cursor of the next page; None on the last one


def ncrs_page(session: Session, actor: Actor, *, plant_id: int | None = None, status: str | None = None,
              closed: bool | None = None, severity: str | None = None, search: str = "",
              custom: dict[str, Any] | None = None, limit: int = 500, after: int | None = None,
              count: bool = False) -> NcrPage:
    """The NCRs `list_ncrs` lists, newest first, in keyset pages (services/core/paging.py)."""
    require(actor, Permission.VIEW)
    plants = [plant_id] if plant_id is not None else list(actor.plant_ids)
    query = select(Ncr).where(Ncr.organization_id == actor.organization_id,
                              col(Ncr.plant_id).in_([p for p in plants if p in actor.plant_ids] or [-1]))
    if actor.department_ids is not None:
        query = query.where(col(Ncr.department_id).in_(actor.department_ids or {-1}))
    if status:
        query = query.where(Ncr.status == status)
    if closed is not None:
        query = query.where(Ncr.is_closed == closed)
    if severity:
        query = query.where(Ncr.severity == severity)
    if search.strip():
        pattern = like_pattern(search)
        query = query.where(or_(func.lower(Ncr.number).like(pattern, escape="\\"),
                                func.lower(Ncr.title).like(pattern, escape="\\"),
                                func.lower(Ncr.lot_reference).like(pattern, escape="\\")))
    query = _custom_filters(session, actor, query, custom or {})
    rows, total, next_after = keyset_page(session, query, col(Ncr.id), after=after, limit=limit, offset=0, count=count,
                                          max_page=5000)
    return NcrPage(items=_reads(session, actor, rows), total=total, next_after=next_after)


def _custom_filters(session: Session, actor: Actor, query, custom: dict[str, Any]):
    defs = {d.key: d for d in custom_fields.definitions(session, actor, ENTITY, include_retired=True)}
    for key, value in custom.items():
        if value in (None, ""):
            continue
        if key not in defs:
            raise Invalid(t("Unknown custom field."), fields={f"custom.{key}": t("Unknown field.")})
        query = query.where(custom_field_values.filter_clause(session, ENTITY, Ncr, key, value, defs[key].field_type))
    return query


def get_ncr(session: Session, actor: Actor, ncr_id: int) -> NcrRead:
    require(actor, Permission.VIEW)
    return _reads(session, actor, [get_scoped(session, actor, Ncr, ncr_id, t("NCR"))])[0]


def ncr_detail(session: Session, actor: Actor, ncr_id: int, *, today: date) -> NcrDetail:
    """`today` decides which CAPA actions are overdue."""
    ncr = get_ncr(session, actor, ncr_id)
    instance = workflow.instance(session, actor, ENTITY, ncr_id)
    transitions = (workflow.available_transitions(session, actor, ENTITY, ncr_id)
                   if may_change(actor, ncr.plant_id) else [])
    done = set(session.exec(select(WorkflowState.key).where(WorkflowState.workflow_id == instance.workflow_id,
                                                           WorkflowState.is_done == True)).all())  # noqa: E712
    return NcrDetail(ncr=ncr, actions=list_actions(session, actor, ncr_id, today=today),
                     links=[LinkRead.model_validate(link, from_attributes=True) for link in session.exec(
                         select(NcrLink).where(NcrLink.ncr_id == ncr_id).order_by(col(NcrLink.id))).all()],
                     workflow=instance, transitions=transitions,
                     history=workflow.history(session, actor, ENTITY, ncr_id),
                     can_approve=workflow.can_approve(session, actor, ENTITY, ncr_id),
                     can_close=any(tr.allowed and tr.to_state in done for tr in transitions))


def list_actions(session: Session, actor: Actor, ncr_id: int, *, today: date) -> list[CapaRead]:
    require(actor, Permission.VIEW)
    ncr = get_scoped(session, actor, Ncr, ncr_id, t("NCR"))
    rows = session.exec(select(CapaAction).where(CapaAction.ncr_id == ncr_id).order_by(col(CapaAction.due_date), col(CapaAction.id))).all()
    return [a.model_copy(update={"can_complete": not (a.is_done or ncr.is_closed)
                                 and may_complete_action(actor, a.owner_user_id, ncr.plant_id)})
            for a in capa_reads(session, list(rows), today=today)]


def capa_reads(session: Session, rows: list[CapaAction], *, today: date) -> list[CapaRead]:
    """The actions as read, with their owner's name; `today` decides which are overdue."""
    names = _names(session, {r.owner_user_id for r in rows})
    return [CapaRead(id=r.id, ncr_id=r.ncr_id, kind=r.kind.value, description=r.description,
                     owner_user_id=r.owner_user_id, owner_name=names.get(r.owner_user_id), due_date=r.due_date,
                     is_done=r.is_done, done_at=r.done_at, done_note=r.done_note,
                     is_overdue=not r.is_done and r.due_date < today) for r in rows]


# ---- writes --------------------------------------------------------------------------------------

def may_change(actor: Actor, plant_id: int | None = None) -> bool:
    """Whether the actor may raise, change and move NCRs at `plant_id` (None: at one of their plants): QUALITY,
    what create_ncr, writable_ncr and transition_ncr require; the read models' flags come from here."""
    return can_any(actor, Permission.QUALITY, plant_id=plant_id)


def may_raise(actor: Actor) -> bool:
    """Whether the actor may raise an NCR at one of their plants (create_ncr's rule)."""
    return may_change(actor)


def may_complete_action(actor: Actor, owner_user_id: int, plant_id: int) -> bool:
    """A CAPA action is marked done by its owner or by quality staff at its NCR's plant (capa.complete_action)."""
    return actor.user_id == owner_user_id or may_change(actor, plant_id)


def create_ncr(session: Session, actor: Actor, data: NcrCreate, *, now: datetime) -> NcrRead:
    visible_plant(session, actor, data.plant_id)
    require(actor, Permission.QUALITY, plant_id=data.plant_id)
    problems: dict[str, str] = {}
    values = _clean(session, actor, data.model_dump(exclude={"custom", "plant_id", "detected_at"}), problems,
                    plant_id=data.plant_id, creating=True)
    if data.detected_at is not None and (data.detected_at.tzinfo is None or data.detected_at > now):
        problems["detected_at"] = t("A time with zone, not in the future.")
    builtin = {"plant_id": data.plant_id, **{k: values.get(k) for k in LAID_OUT}}
    custom = custom_fields.validate(session, actor, ENTITY, data.custom or {}, problems=problems, builtin=builtin)
    ncr = Ncr(organization_id=actor.organization_id, plant_id=data.plant_id,
              number=numbering.next_number(session, actor.organization_id, "NCR"),
              detected_at=data.detected_at or now, custom=custom, **values)
    session.add(stamp_new(ncr, actor, now))
    session.flush()
    workflow.start(session, actor, ENTITY, pk(ncr), plant_id=ncr.plant_id, department_id=ncr.department_id, now=now)
    announce(session, actor, ENTITY, ncr.id, "create", {"number": ncr.number, "severity": ncr.severity.value,
                                                         "title": ncr.title}, now=now, plant_id=ncr.plant_id)
    notifications.notify_people(session, organization_id=actor.organization_id, title=t("{number} raised: {title}",
                                                                                        number=ncr.number, title=ncr.title),
                           body=t("Severity {severity}.", severity=ncr.severity.value), link=f"{NCR_PATH}{ncr.id}",
                           kind="alert", roles=("quality",), user_ids=(ncr.owner_user_id,),
                           plant_id=ncr.plant_id, entity_type=ENTITY, entity_id=ncr.id, now=now,
                           exclude_user_id=actor.user_id)
    return get_ncr(session, actor, pk(ncr))


def update_ncr(session: Session, actor: Actor, ncr_id: int, data: NcrUpdate, *, now: datetime) -> NcrRead:
    ncr = writable_ncr(session, actor, ncr_id)
    problems: dict[str, str] = {}
    values = _clean(session, actor, data.model_dump(exclude={"custom"}, exclude_unset=True), problems,
                    plant_id=ncr.plant_id, creating=False)
    # the organization's layout of the NCR form holds for a change as for the raise: what it requires stays filled
    builtin = {"plant_id": ncr.plant_id, **{k: values[k] if k in values else getattr(ncr, k) for k in LAID_OUT}}
    if data.custom is not None:
        values["custom"] = custom_fields.validate(session, actor, ENTITY, data.custom, current=ncr.custom or {},
                                                  problems=problems, builtin=builtin)
    else:
        laid_out = {**builtin, **{f"custom.{k}": v for k, v in (ncr.custom or {}).items()}}
        problems.update({k: m for k, m in form_layouts.required_problems(session, actor, ENTITY, laid_out).items()
                         if k not in problems})
        check(problems)
    clear = {k: v for k, v in values.items() if v is None and k in data.model_fields_set}
    changes = apply_changes(ncr, values)
    for key in clear:
        if getattr(ncr, key) is not None:
            changes[key] = {"before": getattr(ncr, key), "after": None}
            setattr(ncr, key, None)
    if changes:
        session.add(stamp(ncr, actor, now))
        announce(session, actor, ENTITY, ncr.id, "update", changes, now=now, plant_id=ncr.plant_id)
        if "owner_user_id" in changes and ncr.owner_user_id:
            notifications.notify_people(session, organization_id=actor.organization_id, title=t("{number} is yours",
                                                                                                number=ncr.number),
                                   body=ncr.title, link=f"{NCR_PATH}{ncr.id}", kind="assignment",
                                   user_ids=(ncr.owner_user_id,), plant_id=ncr.plant_id, entity_type=ENTITY,
                                   exclude_user_id=actor.user_id,
                                   entity_id=ncr.id, now=now)
    return get_ncr(session, actor, pk(ncr))


def writable_ncr(session: Session, actor: Actor, ncr_id: int) -> Ncr:
    """The NCR locked for a change: QUALITY at its plant, and not closed (Conflict)."""
    ncr = get_scoped(session, actor, Ncr, ncr_id, t("NCR"), for_update=True)
    require(actor, Permission.QUALITY, plant_id=ncr.plant_id)
    if ncr.is_closed:
        raise Conflict(t("{number} is closed; reopen it to change it.", number=ncr.number))
    return ncr


def _clean(session: Session, actor: Actor, values: dict[str, Any], problems: dict[str, str], *, plant_id: int,
           creating: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, limit in (("title", 200), ("description", 4000), ("lot_reference", 64), ("containment", 4000),
                       ("root_cause", 4000)):
        if key in values and values[key] is not None:
            text = str(values[key]).strip()
            if p := text_problem(text, max_length=limit, required=key == "title"):
                problems[key] = p
            out[key] = text
    if values.get("severity") is not None:
        try:
            out["severity"] = NcrSeverity(values["severity"])
        except ValueError:
            problems["severity"] = t("Choose minor, major or critical.")
    if "quantity" in values:
        qty = values["quantity"]
        if qty is not None and not 0 < int(qty) <= 1_000_000_000:
            problems["quantity"] = t("A whole number above 0.")
        out["quantity"] = qty
    _check_refs(session, actor, values, problems, out, plant_id)
    return out


def _check_refs(session: Session, actor: Actor, values: dict[str, Any], problems: dict[str, str],
                out: dict[str, Any], plant_id: int) -> None:
    if "product_id" in values:
        pid = values["product_id"]
        product = session.get(Product, pid) if pid else None
        if pid and (product is None or product.organization_id != actor.organization_id):
            problems["product_id"] = t("Choose a product of your organization.")
        out["product_id"] = pid
    if "department_id" in values:
        did = values["department_id"]
        dept = session.get(Department, did) if did else None
        if did and (dept is None or dept.organization_id != actor.organization_id or dept.plant_id != plant_id):
            problems["department_id"] = t("Choose a department of the NCR's plant.")
        out["department_id"] = did
    if "owner_user_id" in values:
        uid = values["owner_user_id"]
        if uid and not active_user(session, actor, uid):
            problems["owner_user_id"] = t("Choose an active user of your organization.")
        out["owner_user_id"] = uid
    if "root_cause_category_id" in values:
        cid = values["root_cause_category_id"]
        if cid and (p := type_lists.value_problem(session, actor, ROOT_CAUSES, cid)):
            problems["root_cause_category_id"] = p
        out["root_cause_category_id"] = cid


def active_user(session: Session, actor: Actor, user_id: int) -> User | None:
    user = session.get(User, user_id)
    return user if user is not None and user.organization_id == actor.organization_id and user.is_active else None


def transition_ncr(session: Session, actor: Actor, ncr_id: int, transition_key: str, *, comment: str = "",
                   now: datetime) -> NcrRead:
    ncr = get_scoped(session, actor, Ncr, ncr_id, t("NCR"), for_update=True)
    require(actor, Permission.QUALITY, plant_id=ncr.plant_id)
    workflow.transition(session, actor, ENTITY, ncr_id, transition_key, comment=comment, now=now)
    return get_ncr(session, actor, ncr_id)


def approve_ncr(session: Session, actor: Actor, ncr_id: int, *, comment: str = "", approve: bool = True,
                now: datetime) -> NcrRead:
    """Answer a pending approval (approve=False declines; a comment is then required)."""
    get_scoped(session, actor, Ncr, ncr_id, t("NCR"), for_update=True)
    answer = workflow.approve if approve else workflow.decline
    answer(session, actor, ENTITY, ncr_id, comment=comment, now=now)
    return get_ncr(session, actor, ncr_id)


def export_rows(session: Session, actor: Actor, rows: list[NcrRead]) -> tuple[list[dict], list[tuple[str, str]]]:
    """The list as rows and columns for services/core/exports.py, custom fields included."""
    columns = [("number", "Number"), ("status_name", "Status"), ("severity", "Severity"), ("title", "Title"),
               ("product_code", "Product"), ("lot_reference", "Lot"), ("root_cause_category", "Root cause category"),
               ("root_cause", "Root cause"), ("open_actions", "Open actions"), ("detected_at", "Detected"),
               ("closed_at", "Closed")]
    customs = custom_field_views.export_values(session, actor, ENTITY, [r.custom for r in rows])
    data = [{**r.model_dump(), **c} for r, c in zip(rows, customs, strict=True)]
    return data, columns + custom_field_views.export_columns(session, actor, ENTITY)
