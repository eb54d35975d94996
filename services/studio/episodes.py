"""A project's episodes: numbered, with a name in the main and in a second language, and a deadline.

Invariants: episode numbers are unique per project, 1..10000; the second name has a supported language
(services/core/display_names.py); STUDIO_MANAGE writes, VIEW reads; every change is audited, in the activity
feed and announced (`studio.project.episode_added` / `episode_updated`); nothing here commits.
"""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.studio import StudioEpisode
from services.core.access import Actor
from services.core.display_names import display_name, second_name, set_second_name
from services.core.errors import Conflict
from services.core.messages import t
from services.core.scoping import get_scoped
from services.studio.common import announce, apply, check, get_project, require_manager, require_reader, text
from services.studio.events import ProjectEpisodeAdded, ProjectEpisodeUpdated


class EpisodeRead(BaseModel):
    id: int
    project_id: int
    number: int
    name: str
    name2: str = ""
    name2_language: str | None = None
    display_name: str = ""                  # the name in the viewer's language
    deadline: date | None


class EpisodeUpdate(BaseModel):
    """Only the fields given change; name2 "" clears the second name."""
    name: str | None = None
    name2: str | None = None
    name2_language: str | None = None
    deadline: date | None = None


def episode_read(row: StudioEpisode) -> EpisodeRead:
    return EpisodeRead(id=row.id, project_id=row.project_id, number=row.number, name=row.name, name2=row.name2,
                       name2_language=row.name2_language, display_name=display_name(row), deadline=row.deadline)


def create_episode(session: Session, actor: Actor, project_id: int, number: int, *, name: str = "", name2: str = "",
                   name2_language: str | None = None, deadline: date | None = None, now: datetime) -> EpisodeRead:
    require_manager(actor)
    get_project(session, actor, project_id, for_update=True)
    problems: dict[str, str] = {} if 0 < number <= 10_000 else {"number": t("Between {low} and {high}.", low=1, high=10000)}
    main = text(name, "name", problems, max_len=200)
    second, language = second_name(name2, name2_language, problems)
    check(problems)
    if session.exec(select(StudioEpisode.id).where(StudioEpisode.project_id == project_id,
                                                   StudioEpisode.number == number)).first():
        raise Conflict(t("Episode {number} exists.", number=number))
    row = StudioEpisode(organization_id=actor.organization_id, project_id=project_id, number=number,
                        name=main, name2=second, name2_language=language, deadline=deadline)
    session.add(row)
    session.flush()
    announce(session, actor, ProjectEpisodeAdded, project_id, {"episode": {"before": None, "after": number}},
             project_id=project_id, now=now)
    return episode_read(row)


def update_episode(session: Session, actor: Actor, episode_id: int, data: EpisodeUpdate, *,
                   now: datetime) -> EpisodeRead:
    """Rename an episode (either name) or move its deadline; the change is audited on its project."""
    require_manager(actor)
    row = get_scoped(session, actor, StudioEpisode, episode_id, t("Episode"), for_update=True)
    problems: dict[str, str] = {}
    given = data.model_dump(exclude_unset=True)
    values = {k: v for k, v in given.items() if k in ("name", "deadline")}
    if "name" in values:
        values["name"] = text(values["name"], "name", problems, max_len=200)
    second = second_name(data.name2, data.name2_language, problems, current=(row.name2, row.name2_language))
    check(problems)
    changes = apply(row, values) | set_second_name(row, *second)
    if changes:
        session.add(row)
        announce(session, actor, ProjectEpisodeUpdated, row.project_id,
                 {f"episode {row.number} {field}": change for field, change in changes.items()},
                 project_id=row.project_id, now=now)
    return episode_read(row)


def list_episodes(session: Session, actor: Actor, project_id: int) -> list[EpisodeRead]:
    require_reader(actor)
    get_project(session, actor, project_id)
    rows = session.exec(select(StudioEpisode).where(StudioEpisode.project_id == project_id)
                        .order_by(col(StudioEpisode.number))).all()
    return [episode_read(e) for e in rows]
