"""/studio/people?id=N: a project's partners (role and tier) and its member slots: create a slot, fill it
with an account of the organization or a vendor, empty it again (the slot keeps its tasks, timesheets
and history). Through services/studio (partners, members), which re-check the actor (STUDIO_MANAGE)."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError, Invalid
from services.studio import members, partners, projects
from services.studio.members import MemberCreate

ROLE_LABELS = {"client": _("Client"), "committee": _("Production committee"), "prime": _("Prime contractor"),
               "subcontractor": _("Subcontractor")}


@dataclass
class PartnerLine:
    name: str = ""
    role: str = ""
    tier: int = 0


@dataclass
class MemberLine:
    id: int = 0
    department: str = ""
    role_title: str = ""
    role_title2: str = ""
    person: str = ""
    filled_by: str = ""
    is_lead: bool = False
    quota: str = ""


def _people(session, actor, project_id: int):
    project = projects.get_project_read(session, actor, project_id)
    return (project, partners.project_partners(session, actor, project_id), members.list_members(session, actor, project_id),
            partners.list_partners(session, actor))


class ProjectPeopleState(AuthState):
    project_id: int = 0
    title: str = ""
    project_href: str = ""
    partner_lines: list[PartnerLine] = []
    member_lines: list[MemberLine] = []
    partner_options: list[Option] = []
    user_options: list[Option] = []
    role_options: list[Option] = [Option(value=k, label=v) for k, v in ROLE_LABELS.items()]
    load_error: str = ""
    partner_errors: dict[str, str] = {}
    member_errors: dict[str, str] = {}
    link_member_id: int = 0
    link_role: str = ""
    link_errors: dict[str, str] = {}

    @rx.var
    def can_manage(self) -> bool:
        return "studio_manage" in self.permissions

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.project_id = as_id(query.get("id", ""))
        self.partner_errors, self.member_errors, self.link_member_id = {}, {}, 0
        return self._load()

    @rx.event
    def load(self):
        return self._load()

    def _load(self):
        try:
            project, in_project, slots, all_partners = self._use_case(_people, self.project_id)
            users = self._use_case(members.linkable_users) if self.can_manage else []
        except DomainError as error:
            self.load_error = _(error.message)
            return self._refused(error, quiet=True)
        self.load_error, self.title = "", f"{project.number} · {project.display_name or project.name}"
        self.project_href = routes.studio_project_url(project.id)
        self.partner_lines = [PartnerLine(name=p.partner_name, role=ROLE_LABELS.get(p.role, p.role), tier=p.tier)
                              for p in in_project]
        self.member_lines = [MemberLine(
            id=m.id, department=m.department, role_title=m.role_title, role_title2=m.role_title2,
            person=" / ".join(sorted((n for n in (m.person_name, m.person_name2) if n),   # the viewer's name first
                                     key=lambda n, shown=m.display_name: n != shown)),
            filled_by=m.username or m.partner_name, is_lead=m.is_lead,
            quota="" if m.weekly_quota is None else str(m.weekly_quota)) for m in slots]
        self.partner_options = [Option(value=str(p.id), label=p.display_name or p.name) for p in all_partners]
        self.user_options = [Option(value=str(u.id), label=u.label) for u in users]
        return None

    @rx.event
    def add_partner(self, form: dict):
        try:
            tier = int(form.get("tier") or 0)
        except ValueError:
            self.partner_errors = {"tier": _("0, 1 or 2.")}
            return None
        if not as_id(form.get("partner_id")):
            self.partner_errors = {"partner_id": _("Choose a partner.")}
            return None
        try:
            self._use_case(partners.add_to_project, self.project_id, as_id(form.get("partner_id")),
                           str(form.get("role", "")), tier=tier, now=utcnow())
        except Invalid as error:
            self.partner_errors = translated_fields(error)
            return None
        except DomainError as error:
            return self._refused(error)
        self.partner_errors = {}
        return [rx.toast.success(_("Partner added to the project")), *(self._load() or [])]

    @rx.event
    def create_member(self, form: dict):
        quota = str(form.get("weekly_quota", "")).strip()
        if quota and not quota.isdigit():
            self.member_errors = {"weekly_quota": _("A whole number of tasks.")}
            return None
        try:
            data = MemberCreate(role_title=str(form.get("role_title", "")), role_title2=str(form.get("role_title2", "")),
                                department=str(form.get("department", "")), weekly_quota=int(quota) if quota else None,
                                is_lead=form.get("is_lead") in ("on", True, "true"))
            self._use_case(members.create_member, self.project_id, data, now=utcnow())
        except Invalid as error:
            self.member_errors = translated_fields(error)
            return None
        except DomainError as error:
            return self._refused(error)
        self.member_errors = {}
        return [rx.toast.success(_("Slot {role} added").format(role=data.role_title.strip())), *(self._load() or [])]

    @rx.event
    def open_link(self, member_id: int):
        line = next((m for m in self.member_lines if m.id == as_id(member_id)), None)
        self.link_member_id, self.link_role = (line.id, line.role_title) if line else (0, "")
        self.link_errors = {}

    @rx.event
    def close_link(self, is_open: bool = False):
        if not is_open:
            self.link_member_id, self.link_errors = 0, {}

    @rx.event
    def link(self, form: dict):
        user_id, partner_id = as_id(form.get("user_id")) or None, as_id(form.get("partner_id")) or None
        if not user_id and not partner_id:
            self.link_errors = {"user_id": _("Choose a person or a vendor.")}
            return None
        name = str(form.get("person_name", "")).strip()
        return self._link(self.link_member_id, user_id, partner_id, name or None, _("Slot filled"))

    @rx.event
    def unlink(self, member_id: int):
        return self._link(as_id(member_id), None, None, "", _("Slot emptied; its tasks stay on it"))

    def _link(self, member_id: int, user_id: int | None, partner_id: int | None, name: str | None, done: str):
        try:
            self._use_case(members.link_member, member_id, user_id=user_id, partner_id=partner_id, person_name=name,
                           now=utcnow())
        except Invalid as error:
            self.link_errors = translated_fields(error)
            return None
        except DomainError as error:
            return self._refused(error)
        self.link_member_id, self.link_errors = 0, {}
        return [rx.toast.success(done), *(self._load() or [])]
