"""Project members as role slots, their link to an account or a vendor, and the credits list.

Invariants: a slot exists before anyone fills it; linking (or re-linking) a slot to a user of the
organization or to a partner changes only the slot, so tasks assigned to the slot keep their id,
history and timesheets; every link is in the activity feed with before/after. Credits come from
the slots (by department, then position), in both name languages, as CSV or PDF (any script).
"""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from models.base import pk, row_ids
from models.studio import StudioMember, StudioPartner
from models.user import User
from services.core.access import Actor
from services.core.display_names import display_name, second_name
from services.core.errors import NotFound
from services.core.messages import render, t
from services.core.scoping import get_scoped
from services.org import pdf as doc
from services.studio.common import (
    announce,
    apply,
    check,
    get_project,
    require_manager,
    require_reader,
    text,
)
from services.studio.events import MemberCreated, MemberLinked

NAME2_FIELDS = ("person_name2", "person_name2_language")


class MemberCreate(BaseModel):
    role_title: str
    role_title2: str = ""
    department: str = ""
    person_name: str = ""
    person_name2: str = ""                          # the credited name in a second language
    person_name2_language: str | None = None        # en, ja or ko; None: what person_name2's script says
    weekly_quota: int | None = None
    is_lead: bool = False


class MemberRead(BaseModel):
    id: int
    project_id: int
    department: str
    role_title: str
    role_title2: str
    person_name: str
    person_name2: str
    person_name2_language: str | None = None
    display_name: str = ""                          # the credited name (else the vendor's) in the viewer's language
    user_id: int | None
    username: str = ""
    partner_id: int | None
    partner_name: str = ""
    weekly_quota: int | None
    is_lead: bool
    position: int


def _read(session: Session, m: StudioMember) -> MemberRead:
    read = MemberRead.model_validate(m, from_attributes=True)
    if m.user_id:
        user = session.get(User, m.user_id)
        read.username = user.username if user else ""
    if m.partner_id:
        partner = session.get(StudioPartner, m.partner_id)
        read.partner_name = display_name(partner) if partner else ""
    read.display_name = display_name(m) or read.partner_name
    return read


def get_member(session: Session, actor: Actor, member_id: int) -> StudioMember:
    return get_scoped(session, actor, StudioMember, member_id, t("Member"))


def create_member(session: Session, actor: Actor, project_id: int, data: MemberCreate, *, now: datetime) -> MemberRead:
    require_manager(actor)
    get_project(session, actor, project_id, for_update=True)
    problems: dict[str, str] = {}
    role_title = text(data.role_title, "role_title", problems, max_len=120, required=True)
    values: dict[str, Any] = {name: text(getattr(data, name), name, problems, max_len=limit) for name, limit in (
        ("role_title2", 120), ("department", 64), ("person_name", 200))}
    values["person_name2"], values["person_name2_language"] = second_name(
        data.person_name2, data.person_name2_language, problems, fields=NAME2_FIELDS)
    if data.weekly_quota is not None and data.weekly_quota < 0:
        problems["weekly_quota"] = t("Not negative.")
    check(problems)
    count = session.exec(select(func.count()).select_from(StudioMember)
                         .where(StudioMember.project_id == project_id)).one()
    member = StudioMember(organization_id=actor.organization_id, project_id=project_id, role_title=role_title,
                          weekly_quota=data.weekly_quota, is_lead=data.is_lead, position=count, created_at=now,
                          updated_at=now, created_by=actor.user_id, updated_by=actor.user_id, **values)
    session.add(member)
    session.flush()
    announce(session, actor, MemberCreated, pk(member), {"role_title": {"before": None, "after": role_title}},
             project_id=project_id, now=now)
    return _read(session, member)


def link_member(session: Session, actor: Actor, member_id: int, *, user_id: int | None = None,
                partner_id: int | None = None, person_name: str | None = None, now: datetime) -> MemberRead:
    """Fill the slot with an account or a vendor (or empty it with both None); tasks stay on the slot."""
    require_manager(actor)
    member = get_scoped(session, actor, StudioMember, member_id, t("Member"), for_update=True)
    values: dict = {"user_id": user_id, "partner_id": partner_id}
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None or user.organization_id != actor.organization_id:
            raise NotFound(t("User not found."))
        if not (person_name or member.person_name):
            values["person_name"] = user.full_name or user.username
            if not member.person_name2 and user.full_name2:     # the person's own second name, credited with it
                values |= {"person_name2": user.full_name2, "person_name2_language": user.full_name2_language}
    if partner_id is not None:
        get_scoped(session, actor, StudioPartner, partner_id, t("Partner"))
    if person_name is not None:
        values["person_name"] = person_name.strip()[:200]
    changes = apply(member, values)
    if changes:
        member.updated_at, member.updated_by = now, actor.user_id
        session.add(member)
        announce(session, actor, MemberLinked, pk(member), changes, project_id=member.project_id, now=now)
    return _read(session, member)


def list_members(session: Session, actor: Actor, project_id: int) -> list[MemberRead]:
    require_reader(actor)
    get_project(session, actor, project_id)
    rows = session.exec(select(StudioMember).where(StudioMember.project_id == project_id)
                        .order_by(col(StudioMember.department), col(StudioMember.position), col(StudioMember.id))).all()
    return [_read(session, m) for m in rows]


class UserChoice(BaseModel):
    id: int
    label: str


def linkable_users(session: Session, actor: Actor) -> list[UserChoice]:
    """The active people of the organization a manager may link a slot to."""
    require_manager(actor)
    rows = session.exec(select(User).where(User.organization_id == actor.organization_id,
                                           User.is_active == True).order_by(col(User.username))).all()  # noqa: E712
    return [UserChoice(id=pk(u), label=f"{display_name(u)} ({u.username})" if u.full_name else u.username) for u in rows]


def members_of_user(session: Session, actor: Actor) -> list[int]:
    """The slot ids the acting user fills (in any project of the organization)."""
    return row_ids(session.exec(select(StudioMember.id).where(
        StudioMember.organization_id == actor.organization_id, StudioMember.user_id == actor.user_id)).all())


class CreditLine(BaseModel):
    department: str
    role: str
    role2: str
    name: str
    name2: str
    display_name: str = ""                          # the name in the viewer's language


def credits(session: Session, actor: Actor, project_id: int) -> list[CreditLine]:
    """Filled slots by department and position (slots nobody fills are left out)."""
    return [CreditLine(department=m.department, role=m.role_title, role2=m.role_title2,
                       name=m.person_name or m.partner_name, name2=m.person_name2, display_name=m.display_name)
            for m in list_members(session, actor, project_id) if m.person_name or m.partner_name]


def credits_csv(session: Session, actor: Actor, project_id: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([render(t("Department")), render(t("Role")), render(t("Role (second language)")),
                     render(t("Name")), render(t("Name (second language)"))])
    for c in credits(session, actor, project_id):
        writer.writerow([c.department, c.role, c.role2, c.name, c.name2])
    return out.getvalue().encode("utf-8-sig")


CREDIT_COLUMNS: list[doc.Column] = [(t("Role"), 90, "R"), ("", 10, "L"), (t("Name"), 0, "L")]


def credits_pdf(session: Session, actor: Actor, project_id: int) -> bytes:
    """A printable credits list in the organization's branding, in both name languages; Japanese, Korean and
    other non-Latin names print in the embedded CJK font (services/org/pdf.py)."""
    project = get_project(session, actor, project_id)
    pdf = doc.branded_document(session, actor.organization_id)
    title = display_name(project)
    doc.title(pdf, render(t("{project} - credits", project=title)))
    doc.line(pdf, project.name2 if title == project.name else project.name, size=12)
    department = None
    for c in credits(session, actor, project_id):
        if c.department != department:
            department = c.department
            pdf.ln(3)
            doc.line(pdf, department or "-", height=7, bold=True, size=12)
        other = c.name2 if c.display_name == c.name else c.name     # the viewer's name first, the other below
        for role, name in ((c.role, c.display_name), (c.role2, other)):
            if role or name:
                doc.table_row(pdf, CREDIT_COLUMNS, (role, "", name))
    return doc.output(pdf)
