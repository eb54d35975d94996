"""/studio: the projects list with progress, and the "new project" form. Through services/studio."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import CustomInput, custom_inputs, submitted_custom
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.config import custom_field_views
from services.core import formats
from services.core.errors import DomainError, Invalid
from services.studio import projects
from services.studio.projects import ProjectCreate, ProjectRead


@dataclass
class ProjectRow:
    id: int = 0
    number: str = ""
    name: str = ""                      # the title in the viewer's language
    name2: str = ""                     # the other title (the main one when the viewer sees the second)
    type_label: str = ""
    client: str = ""
    status: str = ""
    deadline: str = ""
    progress: int = 0
    href: str = ""


def project_row(p: ProjectRead) -> ProjectRow:
    other = p.name if p.display_name != p.name else p.name2
    return ProjectRow(id=p.id, number=p.number, name=p.display_name or p.name, name2=other, type_label=p.type_label,
                      client=p.client_name, status=p.status, deadline=formats.day(p.deadline, fmt="short"),
                      progress=round(100 * p.progress), href=routes.studio_project_url(p.id))


class StudioProjectsState(AuthState):
    rows: list[ProjectRow] = []
    templates: list[Option] = []
    loading: bool = True
    load_error: str = ""
    form_open: bool = False
    form_errors: dict[str, str] = {}
    custom_inputs: list[CustomInput] = []

    @rx.event
    def load(self):
        try:
            rows, templates, fields = self._use_case(lambda s, a: (
                projects.list_projects(s, a), projects.list_templates(s, a),
                custom_field_views.form_inputs(s, a, "studio_project", {})))
        except DomainError as error:
            self.rows, self.loading, self.load_error = [], False, _(error.message)
            return self._refused(error, quiet=True)
        self.rows, self.loading, self.load_error = [project_row(r) for r in rows], False, ""
        self.templates = [Option(value=str(t.id), label=t.name) for t in templates]
        self.custom_inputs = custom_inputs(fields)

    @rx.event
    def set_form_open(self, is_open: bool):
        self.form_open, self.form_errors = bool(is_open), {}

    @rx.event
    def create(self, form: dict):
        try:
            data = ProjectCreate(name=str(form.get("name", "")), name2=str(form.get("name2", "")),
                                 name2_language=str(form.get("name2_language", "")) or None,
                                 template_id=as_id(form.get("template_id")) or None,
                                 custom=submitted_custom(form, self.custom_inputs))
            created = self._use_case(projects.create_project, data, now=utcnow())
        except Invalid as error:
            self.form_errors = translated_fields(error)
            return None
        except DomainError as error:
            return self._refused(error)
        self.form_open = False
        return [rx.toast.success(_("Project {number} created").format(number=created.number)),
                rx.redirect(routes.studio_project_url(created.id))]
