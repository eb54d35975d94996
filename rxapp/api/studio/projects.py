"""Studio projects over REST: templates, projects, steps, partners, member slots, credits, breakdown.

Reading needs VIEW; writing STUDIO_MANAGE (admins, managers, planners). Bank accounts of partners
are masked unless the caller holds FINANCE. Lists export with ?format=csv|xlsx.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status
from pydantic import BaseModel

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.master.common import EXPORTABLE, Format, listing, no_content
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.core.messages import t
from services.studio import breakdown, breakdown_import, episodes, members, partners, projects
from services.studio.breakdown import (
    AssetCreate,
    AssetRead,
    AssetUpdate,
    BulkCreate,
    BulkResult,
    CutCreate,
    CutRead,
    CutUpdate,
)
from services.studio.members import MemberCreate, MemberRead, UserChoice
from services.studio.partners import AccountRead, PartnerCreate, PartnerRead, PartnerUpdate, ProjectPartnerRead
from services.studio.projects import (
    ProjectCreate,
    ProjectRead,
    ProjectUpdate,
    StepRead,
    StepSpec,
    TemplateCreate,
    TemplateRead,
)

router = APIRouter(prefix="/studio", tags=["studio"], responses=AUTHENTICATED)
PROJECT_COLUMNS = [("number", t("Number")), ("name", t("Name")), ("name2", t("Name (2nd language)")), ("type_label", t("Type")),
                   ("client_name", t("Client")), ("budget", t("Budget")), ("currency", t("Currency")), ("start_date", t("Start")),
                   ("deadline", t("Deadline")), ("status", t("Status")), ("progress", t("Progress"))]
CUT_COLUMNS = [("code", t("Cut")), ("episode_id", t("Episode id")), ("frame_in", t("In")), ("frame_out", t("Out")),
               ("duration_frames", t("Frames")), ("description", t("Description"))]


class EpisodeBody(BaseModel):
    number: int
    name: str = ""
    name2: str = ""                         # the name in a second language
    name2_language: str | None = None       # en, ja or ko; None: what name2's script says
    deadline: date | None = None


class ProjectPartnerBody(BaseModel):
    partner_id: int
    role: str
    tier: int = 0


class AccountBody(BaseModel):
    user_id: int


class LinkBody(BaseModel):
    user_id: int | None = None
    partner_id: int | None = None
    person_name: str | None = None


class CastBody(BaseModel):
    asset_id: int


@router.get("/templates", response_model=list[TemplateRead], summary="Project templates (entity kinds, steps, weights)")
def list_templates(actor: CurrentActor):
    with db_session() as s, transaction(s):
        return projects.list_templates(s, actor)


@router.post("/templates", response_model=TemplateRead, status_code=status.HTTP_201_CREATED, summary="Add a template")
def create_template(body: TemplateCreate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return projects.create_template(s, actor, body, now=utcnow())


@router.get("/projects", response_model=list[ProjectRead], responses=EXPORTABLE, summary="Projects with progress")
def list_projects(actor: CurrentActor, status: str | None = None, search: str = "", format: Format = "json"):
    with db_session() as s, transaction(s):
        rows = projects.list_projects(s, actor, status=status, search=search)
    return listing(rows, PROJECT_COLUMNS, format, "studio-projects")


@router.post("/projects", response_model=ProjectRead, status_code=status.HTTP_201_CREATED, summary="Create a project")
def create_project(body: ProjectCreate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return projects.create_project(s, actor, body, now=utcnow())


@router.get("/projects/{project_id}", response_model=ProjectRead, summary="A project")
def get_project(project_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return projects.get_project_read(s, actor, project_id)


@router.patch("/projects/{project_id}", response_model=ProjectRead, summary="Change a project")
def update_project(project_id: int, body: ProjectUpdate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return projects.update_project(s, actor, project_id, body, now=utcnow())


@router.get("/projects/{project_id}/steps", response_model=list[StepRead], summary="The project's steps in order")
def list_steps(project_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return projects.steps(s, actor, project_id)


@router.post("/projects/{project_id}/steps", response_model=StepRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Add a step")
def add_step(project_id: int, body: StepSpec, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return projects.add_step(s, actor, project_id, body, now=utcnow())


@router.get("/partners", response_model=list[PartnerRead], summary="Partner organizations (bank accounts masked without finance)")
def list_partners(actor: CurrentActor):
    with db_session() as s, transaction(s):
        return partners.list_partners(s, actor)


@router.post("/partners", response_model=PartnerRead, status_code=status.HTTP_201_CREATED, summary="Add a partner")
def create_partner(body: PartnerCreate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return partners.create_partner(s, actor, body, now=utcnow())


@router.patch("/partners/{partner_id}", response_model=PartnerRead,
              summary="Change a partner (a bank account only with finance rights; contacts replace the list)")
def update_partner(partner_id: int, body: PartnerUpdate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return partners.update_partner(s, actor, partner_id, body, now=utcnow())


@router.get("/partner-accounts", response_model=list[AccountRead],
            summary="Vendor and client accounts of partners; candidates=true: users who could become one")
def partner_accounts(actor: CurrentActor, candidates: bool = False):
    with db_session() as s, transaction(s):
        return (partners.account_candidates if candidates else partners.accounts)(s, actor)


@router.post("/partners/{partner_id}/accounts", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
             responses=errors(409), summary="Make a vendor or client user an account of the partner")
def link_account(partner_id: int, body: AccountBody, actor: CurrentActor):
    with db_session() as s, transaction(s):
        partners.link_account(s, actor, body.user_id, partner_id, now=utcnow())
    return no_content()


@router.get("/projects/{project_id}/partners", response_model=list[ProjectPartnerRead], summary="Partners in a project")
def project_partners(project_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return partners.project_partners(s, actor, project_id)


@router.post("/projects/{project_id}/partners", response_model=ProjectPartnerRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Add a partner to a project (client, committee, prime, subcontractor)")
def add_project_partner(project_id: int, body: ProjectPartnerBody, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return partners.add_to_project(s, actor, project_id, body.partner_id, body.role, tier=body.tier, now=utcnow())


@router.get("/projects/{project_id}/members", response_model=list[MemberRead], summary="Member slots")
def list_members(project_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return members.list_members(s, actor, project_id)


@router.post("/projects/{project_id}/members", response_model=MemberRead, status_code=status.HTTP_201_CREATED,
             summary="Add a member slot")
def create_member(project_id: int, body: MemberCreate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return members.create_member(s, actor, project_id, body, now=utcnow())


@router.get("/linkable-users", response_model=list[UserChoice], summary="People a member slot can be linked to")
def linkable_users(actor: CurrentActor):
    with db_session() as s, transaction(s):
        return members.linkable_users(s, actor)


@router.post("/members/{member_id}/link", response_model=MemberRead, summary="Fill a slot with an account or a vendor")
def link_member(member_id: int, body: LinkBody, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return members.link_member(s, actor, member_id, user_id=body.user_id, partner_id=body.partner_id,
                                   person_name=body.person_name, now=utcnow())


@router.get("/projects/{project_id}/credits", summary="The credits list as CSV or PDF",
            responses={200: {"content": {"text/csv": {}, "application/pdf": {}}}})
def credits(project_id: int, actor: CurrentActor, format: str = "csv"):
    with db_session() as s, transaction(s):
        if format == "pdf":
            return Response(members.credits_pdf(s, actor, project_id), media_type="application/pdf",
                            headers={"Content-Disposition": 'attachment; filename="credits.pdf"'})
        return Response(members.credits_csv(s, actor, project_id), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="credits.csv"'})


@router.get("/projects/{project_id}/episodes", response_model=list[episodes.EpisodeRead], summary="Episodes")
def list_episodes(project_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return episodes.list_episodes(s, actor, project_id)


@router.post("/projects/{project_id}/episodes", response_model=episodes.EpisodeRead,
             status_code=status.HTTP_201_CREATED, responses=errors(409), summary="Add an episode")
def create_episode(project_id: int, body: EpisodeBody, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return episodes.create_episode(s, actor, project_id, body.number, name=body.name, name2=body.name2,
                                       name2_language=body.name2_language, deadline=body.deadline, now=utcnow())


@router.patch("/episodes/{episode_id}", response_model=episodes.EpisodeRead, responses=errors(404),
              summary="Rename an episode (either name) or move its deadline")
def update_episode(episode_id: int, body: episodes.EpisodeUpdate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return episodes.update_episode(s, actor, episode_id, body, now=utcnow())


@router.post("/projects/{project_id}/bulk", response_model=BulkResult, summary="Episodes x cuts with their tasks, in one go")
def bulk_create(project_id: int, body: BulkCreate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return breakdown.bulk_create(s, actor, project_id, body, now=utcnow())


@router.get("/projects/{project_id}/cuts", response_model=list[CutRead], responses=EXPORTABLE, summary="Cuts/shots")
def list_cuts(project_id: int, actor: CurrentActor, episode_id: int | None = None, format: Format = "json"):
    with db_session() as s, transaction(s):
        rows = breakdown.list_cuts(s, actor, project_id, episode_id=episode_id)
    return listing(rows, CUT_COLUMNS, format, "studio-cuts")


@router.post("/projects/{project_id}/cuts", response_model=CutRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Add a cut/shot (with its tasks)")
def create_cut(project_id: int, body: CutCreate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return breakdown.create_cut(s, actor, project_id, body, now=utcnow())


@router.patch("/cuts/{cut_id}", response_model=CutRead, summary="Change a cut's frames, sequence or description")
def update_cut(cut_id: int, body: CutUpdate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return breakdown.update_cut(s, actor, cut_id, body, now=utcnow())


@router.get("/projects/{project_id}/assets", response_model=list[AssetRead], summary="Assets")
def list_assets(project_id: int, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return breakdown.list_assets(s, actor, project_id)


@router.post("/projects/{project_id}/assets", response_model=AssetRead, status_code=status.HTTP_201_CREATED,
             responses=errors(409), summary="Add an asset (with its tasks)")
def create_asset(project_id: int, body: AssetCreate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return breakdown.create_asset(s, actor, project_id, body, now=utcnow())


@router.patch("/assets/{asset_id}", response_model=AssetRead, summary="Change an asset's names, kind or custom values")
def update_asset(asset_id: int, body: AssetUpdate, actor: CurrentActor):
    with db_session() as s, transaction(s):
        return breakdown.update_asset(s, actor, asset_id, body, now=utcnow())


@router.post("/cuts/{cut_id}/casting", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
             summary="Cast an asset into a cut")
def cast_asset(cut_id: int, body: CastBody, actor: CurrentActor):
    with db_session() as s, transaction(s):
        breakdown.cast_asset(s, actor, cut_id, body.asset_id, now=utcnow())
    return no_content()


@router.post("/projects/{project_id}/import", response_model=breakdown_import.ImportReport,
             summary="Import cuts from CSV or Excel: a report per row, all or nothing (dry_run=true only checks)")
async def import_breakdown(project_id: int, actor: CurrentActor,
                           file: Annotated[UploadFile, File(description="A .csv (UTF-8) or .xlsx file")],
                           dry_run: Annotated[bool, Form()] = False):
    data = await file.read()
    with db_session() as s, transaction(s):
        return breakdown_import.import_breakdown(s, actor, project_id, file.filename or "", data, now=utcnow(),
                                                 dry_run=dry_run)
