"""The breakdown of a project: episodes (episodes.py) -> sequences (optional) -> cuts/shots, assets cast into cuts,
and the bulk creation of episodes x cuts with their tasks.

Invariants: episode numbers are unique per project, cut codes per episode (or per project without
episodes), asset codes per project; frame_out >= frame_in; a new cut or asset gets one task per step
of its kind (set-based: bulk creation is one INSERT per table plus one INSERT ... SELECT for all its
tasks, never a statement per row); STUDIO_MANAGE writes, VIEW reads; custom fields of "studio_cut"
and "studio_asset".
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from models.base import UTCDateTime, id_map, pk, table_of
from models.studio import StudioAsset, StudioCasting, StudioCut, StudioEpisode, StudioSequence, StudioStep
from models.studio_work import StudioTask
from services.config import custom_fields, type_lists
from services.core.access import Actor, Permission
from services.core.display_names import display_name, second_name
from services.core.errors import Conflict
from services.core.messages import t, word
from services.core.scoping import get_scoped
from services.studio.common import (
    ASSET_KINDS,
    announce,
    apply,
    check,
    get_project,
    require_manager,
    require_reader,
    text,
)
from services.studio.events import (
    AssetCreated,
    AssetUpdated,
    CutAssetCast,
    CutCreated,
    CutUpdated,
    ProjectBulkCreated,
    ProjectSequenceAdded,
    StudioEvent,
)

MAX_EPISODES = 500
MAX_CUTS = 2000
ASSET = word(t("Studio asset"), "Asset")     # "Asset" alone is the accounting word in Japanese and Korean
custom_fields.register_entity("studio_cut", "Studio cuts", model=StudioCut, permission=Permission.STUDIO_MANAGE)
custom_fields.register_entity("studio_asset", "Studio assets", model=StudioAsset, permission=Permission.STUDIO_MANAGE)


class CutCreate(BaseModel):
    code: str
    episode_id: int | None = None
    sequence_id: int | None = None
    frame_in: int | None = None
    frame_out: int | None = None
    description: str = ""
    custom: dict | None = None


class CutUpdate(BaseModel):
    frame_in: int | None = None
    frame_out: int | None = None
    description: str | None = None
    sequence_id: int | None = None
    custom: dict | None = None


class CutRead(BaseModel):
    id: int
    project_id: int
    episode_id: int | None
    sequence_id: int | None
    code: str
    position: int
    frame_in: int | None
    frame_out: int | None
    duration_frames: int | None = None
    episode_number: int | None = None               # filled by get_cut
    sequence_code: str = ""                         # filled by get_cut
    description: str
    custom: dict = Field(default_factory=dict)


class AssetCreate(BaseModel):
    code: str
    name: str
    name2: str = ""                                 # the name in a second language (services/core/display_names.py)
    name2_language: str | None = None               # en, ja or ko; None: what name2's script says
    kind_value_id: int | None = None
    custom: dict | None = None


class AssetUpdate(BaseModel):
    name: str | None = None
    name2: str | None = None
    name2_language: str | None = None
    kind_value_id: int | None = None
    custom: dict | None = None


class AssetRead(BaseModel):
    id: int
    project_id: int
    code: str
    name: str
    name2: str
    name2_language: str | None = None
    display_name: str = ""                          # the name in the viewer's language
    kind_value_id: int | None
    kind_label: str = ""
    custom: dict = Field(default_factory=dict)
    cast_count: int = 0                             # cuts it is cast into; filled by list_assets


class BulkCreate(BaseModel):
    episode_from: int = 1
    episode_to: int = 1
    cut_from: int = 1
    cut_to: int = 1
    frames_per_cut: int | None = None
    cut_prefix: str = "C"
    with_tasks: bool = True


class BulkResult(BaseModel):
    episodes: int
    cuts: int
    tasks: int


def cut_read(cut: StudioCut) -> CutRead:
    read = CutRead.model_validate(cut, from_attributes=True)
    if cut.frame_in is not None and cut.frame_out is not None:
        read.duration_frames = cut.frame_out - cut.frame_in + 1
    return read


# ---- episodes and sequences ----------------------------------------------------------------------

def create_sequence(session: Session, actor: Actor, project_id: int, code: str, *, episode_id: int | None = None,
                    name: str = "", now: datetime) -> int:
    require_manager(actor)
    get_project(session, actor, project_id)
    problems: dict[str, str] = {}
    code = text(code, "code", problems, max_len=32, required=True)
    check(problems)
    if episode_id is not None:
        _episode(session, actor, project_id, episode_id)
    row = StudioSequence(organization_id=actor.organization_id, project_id=project_id, episode_id=episode_id,
                         code=code, name=name.strip()[:200])
    session.add(row)
    session.flush()
    announce(session, actor, ProjectSequenceAdded, project_id, {"sequence": {"before": None, "after": code}},
             project_id=project_id, now=now)
    return pk(row)


def _episode(session: Session, actor: Actor, project_id: int, episode_id: int) -> StudioEpisode:
    row = get_scoped(session, actor, StudioEpisode, episode_id, t("Episode"))
    check({} if row.project_id == project_id else {"episode_id": t("Not an episode of this project.")})
    return row


# ---- cuts ----------------------------------------------------------------------------------------

def _frame_problems(frame_in, frame_out, problems: dict[str, str]) -> None:
    if frame_in is not None and frame_in < 0:
        problems["frame_in"] = t("Not negative.")
    if frame_in is not None and frame_out is not None and frame_out < frame_in:
        problems["frame_out"] = t("At or after the first frame.")


def create_cut(session: Session, actor: Actor, project_id: int, data: CutCreate, *, now: datetime) -> CutRead:
    require_manager(actor)
    get_project(session, actor, project_id, for_update=True)
    problems: dict[str, str] = {}
    code = text(data.code, "code", problems, max_len=32, required=True)
    _frame_problems(data.frame_in, data.frame_out, problems)
    if data.episode_id is not None:
        _episode(session, actor, project_id, data.episode_id)
    if data.sequence_id is not None:
        seq = get_scoped(session, actor, StudioSequence, data.sequence_id, t("Sequence"))
        if seq.project_id != project_id:
            problems["sequence_id"] = t("Not a sequence of this project.")
    custom = custom_fields.validate(session, actor, "studio_cut", data.custom, problems=problems)
    check(problems)
    if session.exec(select(StudioCut.id).where(StudioCut.project_id == project_id, StudioCut.code == code,
                                               StudioCut.episode_id == data.episode_id)).first():
        raise Conflict(t("Cut {code} exists.", code=code))
    cut = StudioCut(organization_id=actor.organization_id, project_id=project_id, episode_id=data.episode_id,
                    sequence_id=data.sequence_id, code=code, frame_in=data.frame_in, frame_out=data.frame_out,
                    description=data.description.strip()[:2000], custom=custom, created_at=now, updated_at=now,
                    created_by=actor.user_id, updated_by=actor.user_id)
    session.add(cut)
    session.flush()
    create_tasks(session, actor, project_id, "cut", cut_ids=[pk(cut)], now=now)
    announce(session, actor, CutCreated, pk(cut), {"code": {"before": None, "after": code}},
             project_id=project_id, now=now)
    return cut_read(cut)


def update_cut(session: Session, actor: Actor, cut_id: int, data: CutUpdate, *, now: datetime) -> CutRead:
    require_manager(actor)
    cut = get_scoped(session, actor, StudioCut, cut_id, t("Cut"), for_update=True)
    values = data.model_dump(exclude_unset=True)
    values.pop("custom", None)
    problems: dict[str, str] = {}
    _frame_problems(values.get("frame_in", cut.frame_in), values.get("frame_out", cut.frame_out), problems)
    _save(session, actor, cut, values, data.custom, "studio_cut", CutUpdated, problems, now=now)
    return cut_read(cut)


def _save(session: Session, actor: Actor, row: StudioCut | StudioAsset, values: dict[str, Any],
          custom: dict | None, entity: str, event: type[StudioEvent], problems: dict[str, str], *,
          now: datetime) -> None:
    """The common end of update_cut and update_asset: check the custom values against the row's own,
    refuse on any problem, set what changed and announce it (nothing changed: nothing written)."""
    if custom is not None:
        values["custom"] = custom_fields.validate(session, actor, entity, custom, current=row.custom,
                                                  problems=problems)
    check(problems)
    changes = apply(row, values)
    if changes:
        row.updated_at, row.updated_by = now, actor.user_id
        session.add(row)
        announce(session, actor, event, pk(row), changes, project_id=row.project_id, now=now)


def list_cuts(session: Session, actor: Actor, project_id: int, *, episode_id: int | None = None) -> list[CutRead]:
    require_reader(actor)
    get_project(session, actor, project_id)
    query = select(StudioCut).where(StudioCut.project_id == project_id)
    if episode_id is not None:
        query = query.where(StudioCut.episode_id == episode_id)
    return [cut_read(c) for c in session.exec(query.order_by(col(StudioCut.episode_id), col(StudioCut.position),
                                                               StudioCut.code)).all()]


def get_cut(session: Session, actor: Actor, cut_id: int) -> CutRead:
    require_reader(actor)
    cut = get_scoped(session, actor, StudioCut, cut_id, t("Cut"))
    read = cut_read(cut)
    if cut.episode_id is not None and (episode := session.get(StudioEpisode, cut.episode_id)):
        read.episode_number = episode.number
    if cut.sequence_id is not None and (sequence := session.get(StudioSequence, cut.sequence_id)):
        read.sequence_code = sequence.code
    return read


# ---- assets and casting --------------------------------------------------------------------------

def create_asset(session: Session, actor: Actor, project_id: int, data: AssetCreate, *, now: datetime) -> AssetRead:
    require_manager(actor)
    get_project(session, actor, project_id, for_update=True)
    type_lists.ensure_defaults(session, actor.organization_id)
    problems: dict[str, str] = {}
    code = text(data.code, "code", problems, max_len=32, required=True)
    name = text(data.name, "name", problems, max_len=200, required=True)
    name2, name2_language = second_name(data.name2, data.name2_language, problems)
    if data.kind_value_id is not None and (p := type_lists.value_problem(session, actor, ASSET_KINDS,
                                                                             data.kind_value_id)):
        problems["kind_value_id"] = p
    custom = custom_fields.validate(session, actor, "studio_asset", data.custom, problems=problems)
    check(problems)
    if session.exec(select(StudioAsset.id).where(StudioAsset.project_id == project_id,
                                                 StudioAsset.code == code)).first():
        raise Conflict(t("Asset {code} exists.", code=code))
    asset = StudioAsset(organization_id=actor.organization_id, project_id=project_id, code=code, name=name,
                        name2=name2, name2_language=name2_language, kind_value_id=data.kind_value_id, custom=custom,
                        created_at=now, updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
    session.add(asset)
    session.flush()
    create_tasks(session, actor, project_id, "asset", asset_ids=[pk(asset)], now=now)
    announce(session, actor, AssetCreated, pk(asset), {"code": {"before": None, "after": code}},
             project_id=project_id, now=now)
    return _asset_read(session, actor, asset)


def update_asset(session: Session, actor: Actor, asset_id: int, data: AssetUpdate, *, now: datetime) -> AssetRead:
    """Change an asset's names, kind or custom values (managers only); the change goes to the feed."""
    require_manager(actor)
    asset = get_scoped(session, actor, StudioAsset, asset_id, ASSET, for_update=True)
    values = data.model_dump(exclude_unset=True)
    values.pop("custom", None)
    problems: dict[str, str] = {}
    if "name" in values:
        values["name"] = text(values["name"] or "", "name", problems, max_len=200, required=True)
    if "name2" in values or "name2_language" in values:
        values["name2"], values["name2_language"] = second_name(
            values.get("name2"), values.get("name2_language"), problems, current=(asset.name2, asset.name2_language))
    if values.get("kind_value_id") is not None and (p := type_lists.value_problem(session, actor, ASSET_KINDS,
                                                                                      values["kind_value_id"])):
        problems["kind_value_id"] = p
    _save(session, actor, asset, values, data.custom, "studio_asset", AssetUpdated, problems, now=now)
    return _asset_read(session, actor, asset)


def _asset_read(session: Session, actor: Actor, asset: StudioAsset) -> AssetRead:
    read = AssetRead.model_validate(asset, from_attributes=True)
    read.display_name = display_name(asset)
    if asset.kind_value_id:
        read.kind_label = type_lists.labels(session, actor, ASSET_KINDS).get(asset.kind_value_id, "")
    return read


def list_assets(session: Session, actor: Actor, project_id: int) -> list[AssetRead]:
    require_reader(actor)
    get_project(session, actor, project_id)
    labels = type_lists.labels(session, actor, ASSET_KINDS)
    rows = session.exec(select(StudioAsset).where(StudioAsset.project_id == project_id).order_by(col(StudioAsset.code))).all()
    counts = dict(session.exec(select(StudioCasting.asset_id, sa.func.count()).join(
        StudioAsset, col(StudioAsset.id) == StudioCasting.asset_id).where(StudioAsset.project_id == project_id)
        .group_by(col(StudioCasting.asset_id))).all())
    return [AssetRead.model_validate(a, from_attributes=True).model_copy(
        update={"kind_label": labels.get(a.kind_value_id, "") if a.kind_value_id is not None else "",
                "cast_count": counts.get(pk(a), 0), "display_name": display_name(a)}) for a in rows]


def get_asset(session: Session, actor: Actor, asset_id: int) -> AssetRead:
    require_reader(actor)
    return _asset_read(session, actor, get_scoped(session, actor, StudioAsset, asset_id, ASSET))


def cast_in(session: Session, actor: Actor, asset_id: int) -> list[CutRead]:
    """The cuts an asset is cast into."""
    require_reader(actor)
    get_scoped(session, actor, StudioAsset, asset_id, ASSET)
    rows = session.exec(select(StudioCut).join(StudioCasting, col(StudioCasting.cut_id) == StudioCut.id)
                        .where(StudioCasting.asset_id == asset_id)
                        .order_by(col(StudioCut.episode_id), col(StudioCut.position), StudioCut.code)).all()
    return [cut_read(c) for c in rows]


def cast_asset(session: Session, actor: Actor, cut_id: int, asset_id: int, *, now: datetime) -> None:
    require_manager(actor)
    cut = get_scoped(session, actor, StudioCut, cut_id, t("Cut"))
    asset = get_scoped(session, actor, StudioAsset, asset_id, ASSET)
    check({} if asset.project_id == cut.project_id else {"asset_id": t("Not an asset of this project.")})
    if session.exec(select(StudioCasting.id).where(StudioCasting.cut_id == cut_id,
                                                   StudioCasting.asset_id == asset_id)).first():
        return
    session.add(StudioCasting(organization_id=actor.organization_id, cut_id=cut_id, asset_id=asset_id))
    announce(session, actor, CutAssetCast, cut_id, {"asset": {"before": None, "after": asset.code}},
             project_id=cut.project_id, now=now)


def casting(session: Session, actor: Actor, cut_id: int) -> list[AssetRead]:
    require_reader(actor)
    get_scoped(session, actor, StudioCut, cut_id, t("Cut"))
    rows = session.exec(select(StudioAsset).join(StudioCasting, col(StudioCasting.asset_id) == StudioAsset.id)
                        .where(StudioCasting.cut_id == cut_id).order_by(StudioAsset.code)).all()
    return [_asset_read(session, actor, a) for a in rows]


# ---- tasks for new entities, bulk creation -------------------------------------------------------

def create_tasks(session: Session, actor: Actor, project_id: int, kind: str, *, cut_ids: list[int] | None = None,
                 asset_ids: list[int] | None = None, episode_ids: list[int] | None = None, now: datetime) -> int:
    """One task per (entity, step of its kind) that has none yet, in one INSERT ... SELECT."""
    entity = StudioCut if kind == "cut" else StudioAsset
    e, s, tk = table_of(entity), table_of(StudioStep), table_of(StudioTask)
    link = tk.c.cut_id if kind == "cut" else tk.c.asset_id
    stamp = sa.literal(now, UTCDateTime())
    episode = e.c.episode_id if kind == "cut" else sa.null()
    source = (sa.select(sa.literal(actor.organization_id), e.c.project_id, s.c.id, episode, e.c.id,
                        sa.literal("todo"), sa.literal(0), sa.literal(0), sa.literal({}, sa.JSON()),
                        stamp, stamp, sa.literal(actor.user_id, sa.Integer()), sa.literal(actor.user_id, sa.Integer()))
              .select_from(e.join(s, sa.and_(s.c.project_id == e.c.project_id, s.c.entity_kind == kind)))
              .where(e.c.project_id == project_id,
                     ~sa.exists().where(tk.c.step_id == s.c.id, link == e.c.id)))
    if cut_ids is not None or asset_ids is not None:
        source = source.where(e.c.id.in_((cut_ids if kind == "cut" else asset_ids) or []))
    if episode_ids is not None:
        source = source.where(e.c.episode_id.in_(episode_ids))
    columns = ["organization_id", "project_id", "step_id", "episode_id", "cut_id" if kind == "cut" else "asset_id",
               "status", "spent_minutes", "rework_loops", "custom", "created_at", "updated_at", "created_by",
               "updated_by"]
    count = sa.select(sa.func.count()).select_from(tk).where(tk.c.project_id == project_id)
    before = session.execute(count).scalar_one()
    session.execute(tk.insert().from_select(columns, source))    # rowcount is -1 on PostgreSQL here
    return session.execute(count).scalar_one() - before


def bulk_create(session: Session, actor: Actor, project_id: int, data: BulkCreate, *, now: datetime) -> BulkResult:
    """Episodes episode_from..episode_to x cuts cut_from..cut_to (existing ones are kept) with their tasks."""
    require_manager(actor)
    get_project(session, actor, project_id, for_update=True)
    problems: dict[str, str] = {}
    if not 1 <= data.episode_from <= data.episode_to or data.episode_to - data.episode_from >= MAX_EPISODES:
        problems["episode_to"] = t("From 1 up, at most {limit} episodes at once.", limit=MAX_EPISODES)
    if not 1 <= data.cut_from <= data.cut_to or data.cut_to - data.cut_from >= MAX_CUTS:
        problems["cut_to"] = t("From 1 up, at most {limit} cuts per episode at once.", limit=MAX_CUTS)
    if data.frames_per_cut is not None and data.frames_per_cut < 1:
        problems["frames_per_cut"] = t("At least 1.")
    prefix = text(data.cut_prefix, "cut_prefix", problems, max_len=8)
    check(problems)
    numbers = range(data.episode_from, data.episode_to + 1)
    have = id_map(session.exec(select(StudioEpisode.number, StudioEpisode.id).where(
        StudioEpisode.project_id == project_id, col(StudioEpisode.number).in_(list(numbers)))).all())
    new_episodes = [{"organization_id": actor.organization_id, "project_id": project_id, "number": n, "name": ""}
                    for n in numbers if n not in have]
    if new_episodes:
        session.execute(sa.insert(table_of(StudioEpisode)), new_episodes)
    episodes = id_map(session.exec(select(StudioEpisode.number, StudioEpisode.id).where(
        StudioEpisode.project_id == project_id, col(StudioEpisode.number).in_(list(numbers)))).all())
    existing = set(session.exec(select(StudioCut.episode_id, StudioCut.code).where(
        StudioCut.project_id == project_id, col(StudioCut.episode_id).in_(list(episodes.values())))).all())
    width = max(3, len(str(data.cut_to)))
    frames = data.frames_per_cut
    cuts: list[dict[str, Any]] = [{"organization_id": actor.organization_id, "project_id": project_id, "episode_id": episodes[n],
             "code": f"{prefix}{c:0{width}d}", "position": c, "frame_in": 1 if frames else None,
             "frame_out": frames, "description": "", "custom": {}, "created_at": now, "updated_at": now,
             "created_by": actor.user_id, "updated_by": actor.user_id}
            for n in numbers for c in range(data.cut_from, data.cut_to + 1)
            if (episodes[n], f"{prefix}{c:0{width}d}") not in existing]
    if cuts:
        session.execute(sa.insert(table_of(StudioCut)), cuts)
    tasks = create_tasks(session, actor, project_id, "cut", episode_ids=list(episodes.values()), now=now) \
        if data.with_tasks else 0
    result = BulkResult(episodes=len(new_episodes), cuts=len(cuts), tasks=tasks)
    announce(session, actor, ProjectBulkCreated, project_id,
             {"breakdown": {"before": None, "after": result.model_dump()}}, project_id=project_id, now=now)
    return result
