"""Partner organizations (clients, committee members, prime contractors, subcontractors), their
place in projects and their accounts (vendor or client users).

Invariants: a partner's bank account is shown only to FINANCE holders (others see the last four
characters) and only they may change it (the activity feed keeps it masked); a partner's name is
unique in the organization; a project partner's role is client|committee|prime|subcontractor and its
tier 0-2; an account links one user of the organization holding the vendor or client role to one partner, and
that user then sees only what is shared with the partner (services/studio/portal.py).
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from models.base import pk
from models.studio import StudioPartner, StudioProjectPartner
from models.studio_work import StudioAccount
from models.user import Role, RoleAssignment, User
from services.core.access import Actor, Permission
from services.core.display_names import display_name, second_name
from services.core.errors import Conflict, Forbidden, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
from services.studio.common import announce, apply, check, get_project, require_manager, require_reader, text
from services.studio.events import PartnerAccountLinked, PartnerCreated, PartnerUpdated, ProjectPartnerAdded

PROJECT_ROLES = ("client", "committee", "prime", "subcontractor")


class Contact(BaseModel):
    name: str
    email: str = ""
    phone: str = ""


class PartnerCreate(BaseModel):
    name: str
    name2: str = ""                         # the name in a second language (services/core/display_names.py)
    name2_language: str | None = None       # en, ja or ko; None: what name2's script says
    business_number: str = ""
    bank_account: str = ""
    is_individual: bool = False
    contacts: list[Contact] = Field(default_factory=list)


class PartnerUpdate(BaseModel):
    """Only the fields given change; `contacts` replaces the list."""
    name: str | None = None
    name2: str | None = None
    name2_language: str | None = None
    business_number: str | None = None
    bank_account: str | None = None
    is_individual: bool | None = None
    contacts: list[Contact] | None = None


class PartnerRead(BaseModel):
    id: int
    name: str
    name2: str
    name2_language: str | None = None
    display_name: str = ""      # the name in the viewer's language
    business_number: str
    bank_account: str           # masked unless the reader holds FINANCE
    bank_account_masked: bool
    is_individual: bool
    contacts: list[Contact]


class ProjectPartnerRead(BaseModel):
    id: int
    project_id: int
    partner_id: int
    partner_name: str
    role: str
    tier: int


def mask(account: str) -> str:
    account = account or ""
    return "" if not account else "*" * max(len(account) - 4, 0) + account[-4:]


def partner_read(actor: Actor, row: StudioPartner) -> PartnerRead:
    finance = Permission.FINANCE in actor.permissions
    return PartnerRead(id=row.id, name=row.name, name2=row.name2, name2_language=row.name2_language,
                       display_name=display_name(row), business_number=row.business_number,
                       bank_account=row.bank_account if finance else mask(row.bank_account),
                       bank_account_masked=not finance, is_individual=row.is_individual,
                       contacts=[Contact.model_validate(c) for c in row.contacts or []])


def create_partner(session: Session, actor: Actor, data: PartnerCreate, *, now: datetime) -> PartnerRead:
    require_manager(actor)
    problems: dict[str, str] = {}
    name = text(data.name, "name", problems, max_len=200, required=True)
    name2, name2_language = second_name(data.name2, data.name2_language, problems)
    number = text(data.business_number, "business_number", problems, max_len=64)
    bank = text(data.bank_account, "bank_account", problems, max_len=64)
    if session.exec(select(StudioPartner.id).where(StudioPartner.organization_id == actor.organization_id,
                                                   StudioPartner.name == name)).first():
        problems["name"] = t("A partner of this name exists.")
    check(problems)
    row = StudioPartner(organization_id=actor.organization_id, name=name, name2=name2, name2_language=name2_language,
                        business_number=number,
                        bank_account=bank, is_individual=data.is_individual,
                        contacts=[c.model_dump() for c in data.contacts], created_at=now, updated_at=now,
                        created_by=actor.user_id, updated_by=actor.user_id)
    session.add(row)
    session.flush()
    announce(session, actor, PartnerCreated, pk(row), {"name": {"before": None, "after": name}},
             project_id=None, now=now)
    return partner_read(actor, row)


def update_partner(session: Session, actor: Actor, partner_id: int, data: PartnerUpdate, *,
                   now: datetime) -> PartnerRead:
    require_manager(actor)
    row = get_scoped(session, actor, StudioPartner, partner_id, t("Partner"), for_update=True)
    given = data.model_dump(exclude_unset=True)
    if "bank_account" in given and Permission.FINANCE not in actor.permissions:
        raise Forbidden(t("Only people with finance rights may change a bank account."))
    problems: dict[str, str] = {}
    values: dict = {key: text(given[key], key, problems, max_len=limit, required=key == "name") for key, limit in (
        ("name", 200), ("business_number", 64), ("bank_account", 64)) if key in given}
    if "name2" in given or "name2_language" in given:
        values["name2"], values["name2_language"] = second_name(
            given.get("name2"), given.get("name2_language"), problems, current=(row.name2, row.name2_language))
    if given.get("is_individual") is not None:
        values["is_individual"] = bool(given["is_individual"])
    if data.contacts is not None:
        values["contacts"] = [c.model_dump() for c in data.contacts if c.name.strip() or c.email or c.phone]
    if values.get("name") and session.exec(select(StudioPartner.id).where(
            StudioPartner.organization_id == actor.organization_id, StudioPartner.name == values["name"],
            StudioPartner.id != partner_id)).first():
        problems["name"] = t("A partner of this name exists.")
    check(problems)
    changes = apply(row, values)
    if changes:
        if "bank_account" in changes:
            changes["bank_account"] = {"before": mask(changes["bank_account"]["before"]),
                                       "after": mask(changes["bank_account"]["after"])}
        row.updated_at, row.updated_by = now, actor.user_id
        session.add(row)
        announce(session, actor, PartnerUpdated, pk(row), changes, project_id=None, now=now)
    return partner_read(actor, row)


def list_partners(session: Session, actor: Actor) -> list[PartnerRead]:
    require_reader(actor)
    rows = session.exec(select(StudioPartner).where(StudioPartner.organization_id == actor.organization_id)
                        .order_by(StudioPartner.name)).all()
    return [partner_read(actor, r) for r in rows]


def add_to_project(session: Session, actor: Actor, project_id: int, partner_id: int, role: str, *, tier: int = 0,
                   now: datetime) -> ProjectPartnerRead:
    require_manager(actor)
    get_project(session, actor, project_id, for_update=True)
    partner = get_scoped(session, actor, StudioPartner, partner_id, t("Partner"))
    problems: dict[str, str] = {}
    if role not in PROJECT_ROLES:
        problems["role"] = t("One of: {choices}.", choices=", ".join(PROJECT_ROLES))
    if not 0 <= tier <= 2:
        problems["tier"] = t("0, 1 or 2.")
    check(problems)
    if session.exec(select(StudioProjectPartner.id).where(StudioProjectPartner.project_id == project_id,
                                                          StudioProjectPartner.partner_id == partner_id,
                                                          StudioProjectPartner.role == role)).first():
        raise Conflict(t("This partner already has this role in the project."))
    row = StudioProjectPartner(organization_id=actor.organization_id, project_id=project_id, partner_id=partner_id,
                               role=role, tier=tier)
    session.add(row)
    session.flush()
    announce(session, actor, ProjectPartnerAdded, project_id,
             {"partner": {"before": None, "after": f"{partner.name} ({role}, tier {tier})"}},
             project_id=project_id, now=now)
    return ProjectPartnerRead(id=row.id, project_id=project_id, partner_id=partner_id,
                              partner_name=display_name(partner), role=role, tier=tier)


def project_partners(session: Session, actor: Actor, project_id: int) -> list[ProjectPartnerRead]:
    require_reader(actor)
    get_project(session, actor, project_id)
    rows = session.exec(select(StudioProjectPartner, StudioPartner)
                        .join(StudioPartner, col(StudioPartner.id) == StudioProjectPartner.partner_id)
                        .where(StudioProjectPartner.project_id == project_id)
                        .order_by(col(StudioProjectPartner.role), col(StudioProjectPartner.tier), col(StudioPartner.name))).all()
    return [ProjectPartnerRead(id=r.id, project_id=r.project_id, partner_id=r.partner_id,
                               partner_name=display_name(partner), role=r.role, tier=r.tier) for r, partner in rows]


def link_account(session: Session, actor: Actor, user_id: int, partner_id: int, *, now: datetime) -> None:
    """Make a user of the organization holding the vendor or client role an account of a partner."""
    require_manager(actor)
    partner = get_scoped(session, actor, StudioPartner, partner_id, t("Partner"))
    user = session.get(User, user_id)
    if user is None or user.organization_id != actor.organization_id:
        raise NotFound(t("User not found."))
    roles = set(session.exec(select(RoleAssignment.role).where(RoleAssignment.user_id == user_id)).all())
    kinds = [k for k in ("vendor", "client") if Role(k) in {Role(r) for r in roles}]
    check({} if len(kinds) == 1 else {"user_id": t("Give the user exactly one of the roles vendor or client.")})
    existing = session.exec(select(StudioAccount).where(StudioAccount.user_id == user_id)).first()
    if existing is not None:
        raise Conflict(t("This user is already an account of a partner."))
    session.add(StudioAccount(organization_id=actor.organization_id, user_id=user_id, partner_id=pk(partner),
                              kind=kinds[0]))
    session.flush()
    announce(session, actor, PartnerAccountLinked, pk(partner),
             {"account": {"before": None, "after": f"{user.username} ({kinds[0]})"}}, project_id=None, now=now)


class AccountRead(BaseModel):
    user_id: int
    username: str
    partner_id: int
    kind: str


def accounts(session: Session, actor: Actor) -> list[AccountRead]:
    """The partner accounts (vendor and client users) of the organization, for managers."""
    require_manager(actor)
    rows = session.exec(select(StudioAccount, User.username).join(User, col(User.id) == StudioAccount.user_id)
                        .where(StudioAccount.organization_id == actor.organization_id)
                        .order_by(col(User.username))).all()
    return [AccountRead(user_id=a.user_id, username=name, partner_id=a.partner_id, kind=a.kind) for a, name in rows]


def account_candidates(session: Session, actor: Actor) -> list[AccountRead]:
    """Active users holding the vendor or client role who are no partner's account yet (partner_id 0)."""
    require_manager(actor)
    linked = select(StudioAccount.user_id)
    rows = session.exec(select(User.id, User.username, RoleAssignment.role)
                        .join(RoleAssignment, col(RoleAssignment.user_id) == User.id)
                        .where(User.organization_id == actor.organization_id, User.is_active == True,  # noqa: E712
                               col(RoleAssignment.role).in_([Role.VENDOR, Role.CLIENT]), col(User.id).not_in(linked))
                        .order_by(col(User.username))).all()
    return [AccountRead(user_id=uid, username=name, partner_id=0, kind=Role(role).value) for uid, name, role in rows]
