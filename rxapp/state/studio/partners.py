"""/studio/partners: the partner organizations (clients, committee, prime, subcontractors) with their
business number, bank account (masked without finance rights) and contacts; a form to add or change
one. Through services/studio/partners, which re-checks the actor (STUDIO_MANAGE; FINANCE for banks)."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError, Invalid
from services.studio import partners
from services.studio.partners import Contact, PartnerCreate, PartnerRead, PartnerUpdate


@dataclass
class PartnerRow:
    id: int = 0
    name: str = ""
    name2: str = ""
    business_number: str = ""
    bank_account: str = ""
    individual: bool = False
    contacts: str = ""             # one per line: name, email, phone
    contact_count: int = 0
    accounts: str = ""             # its vendor/client users


def contacts_text(contacts: list[Contact]) -> str:
    return "\n".join(", ".join(v for v in (c.name, c.email, c.phone) if v) for c in contacts)


def parse_contacts(value: str) -> list[Contact]:
    """Contacts as people type them, one per line: name, then an e-mail (has "@") and/or a phone."""
    found = []
    for line in (value or "").splitlines():
        parts = [p.strip() for p in line.split(",") if p.strip()]
        if not parts:
            continue
        email = next((p for p in parts[1:] if "@" in p), "")
        phone = next((p for p in parts[1:] if p != email), "")
        found.append(Contact(name=parts[0], email=email, phone=phone))
    return found


def partner_row(p: PartnerRead) -> PartnerRow:
    return PartnerRow(id=p.id, name=p.name, name2=p.name2, business_number=p.business_number,
                      bank_account=p.bank_account, individual=p.is_individual, contacts=contacts_text(p.contacts),
                      contact_count=len(p.contacts))


class StudioPartnersState(AuthState):
    rows: list[PartnerRow] = []
    loading: bool = True
    load_error: str = ""
    form_open: bool = False
    editing: PartnerRow = PartnerRow()
    form_errors: dict[str, str] = {}
    candidates: list[Option] = []
    partner_options: list[Option] = []
    account_errors: dict[str, str] = {}

    @rx.var
    def can_manage(self) -> bool:
        return "studio_manage" in self.permissions

    @rx.var
    def can_change_bank(self) -> bool:
        return "finance" in self.permissions

    @rx.event
    def load(self):
        return self._load()

    def _load(self):
        try:
            rows = self._use_case(partners.list_partners)
            linked, free = self._use_case(lambda s, a: (partners.accounts(s, a), partners.account_candidates(s, a))) \
                if self.can_manage else ([], [])
        except DomainError as error:
            self.rows, self.loading, self.load_error = [], False, _(error.message)
            return self._refused(error, quiet=True)
        self.rows, self.loading, self.load_error = [partner_row(r) for r in rows], False, ""
        for row in self.rows:
            row.accounts = ", ".join(f"{a.username} ({_(a.kind)})" for a in linked if a.partner_id == row.id)
        self.partner_options = [Option(value=str(r.id), label=r.name) for r in self.rows]
        self.candidates = [Option(value=str(c.user_id), label=f"{c.username} ({_(c.kind)})") for c in free]
        return None

    @rx.event
    def open_form(self, partner_id: int):
        self.editing = next((r for r in self.rows if r.id == as_id(partner_id)), PartnerRow())
        self.form_open, self.form_errors = True, {}

    @rx.event
    def set_form_open(self, is_open: bool):
        self.form_open, self.form_errors = bool(is_open), {}

    @rx.event
    def save(self, form: dict):
        values = {k: str(form.get(k, "")) for k in ("name", "name2", "business_number")}
        contacts = parse_contacts(str(form.get("contacts", "")))
        individual = form.get("is_individual") in ("on", True, "true")
        bank = {"bank_account": str(form.get("bank_account", ""))} if self.can_change_bank else {}
        try:
            if self.editing.id:
                saved = self._use_case(partners.update_partner, self.editing.id, PartnerUpdate(
                    **values, **bank, is_individual=individual, contacts=contacts), now=utcnow())
            else:
                saved = self._use_case(partners.create_partner, PartnerCreate(
                    **values, **bank, is_individual=individual, contacts=contacts), now=utcnow())
        except Invalid as error:
            self.form_errors = translated_fields(error)
            return None
        except DomainError as error:
            return self._refused(error)
        self.form_open, self.form_errors = False, {}
        self._load()
        return rx.toast.success(_("Partner {name} saved").format(name=saved.name))

    @rx.event
    def link_account(self, form: dict):
        """Make a vendor or client user an account of a partner: they then see only its share."""
        user_id, partner_id = as_id(form.get("user_id")), as_id(form.get("partner_id"))
        problems = {k: _("Choose one.") for k, v in (("user_id", user_id), ("partner_id", partner_id)) if not v}
        if problems:
            self.account_errors = problems
            return None
        try:
            self._use_case(partners.link_account, user_id, partner_id, now=utcnow())
        except Invalid as error:
            self.account_errors = translated_fields(error)
            return None
        except DomainError as error:
            return self._refused(error)
        self.account_errors = {}
        self._load()
        return rx.toast.success(_("Account linked"))
