"""The organization's names on the settings page: its main name and a second one in English, Japanese or Korean
(services/org/organizations.update_organization checks, audits and announces; CONFIGURE)."""
from __future__ import annotations

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState
from services.core.errors import DomainError
from services.org import organizations
from services.org.organizations import OrganizationUpdate


class OrganizationNamesState(AuthState):
    org_name: str = ""
    org_name2: str = ""
    org_name2_language: str = ""
    org_errors: dict[str, str] = {}

    @rx.event
    def load_names(self):
        try:
            org = self._use_case(organizations.get_organization)
        except DomainError as error:
            return self._refused(error, quiet=True)
        self.org_name, self.org_name2, self.org_name2_language = org.name, org.name2, org.name2_language or ""
        self.org_errors = {}
        return None

    @rx.event
    def save_names(self, form: dict):
        data = OrganizationUpdate(name=str(form.get("org_name", "")), name2=str(form.get("name2", "")),
                                  name2_language=str(form.get("name2_language", "")) or None)
        try:
            org = self._use_case(organizations.update_organization, data, now=utcnow())
        except DomainError as error:
            self.org_errors = {("org_name" if k == "name" else k): _(v) for k, v in error.fields.items()}
            return self._refused(error)
        self.org_name, self.org_name2, self.org_name2_language = org.name, org.name2, org.name2_language or ""
        self.org_errors = {}
        return rx.toast.success(_("Organization names saved"))
