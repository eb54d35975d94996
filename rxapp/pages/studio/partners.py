"""/studio/partners: partner organizations with business number, bank account (masked unless finance
rights) and contacts; a dialog adds or changes one."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field, select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import dialog, form_buttons, list_states, page_header, text_input
from rxapp.i18n import _
from rxapp.state.studio.partners import PartnerRow
from rxapp.state.studio.partners import StudioPartnersState as S


def _row(p: PartnerRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.flex(rx.text.strong(p.name), rx.text(p.name2, size="1", color_scheme="gray"), direction="column")),
        rx.table.cell(p.business_number), rx.table.cell(rx.code(p.bank_account, variant="ghost")),
        rx.table.cell(rx.text(p.contacts, size="1", white_space="pre-line")), rx.table.cell(rx.text(p.accounts, size="1")),
        rx.table.cell(rx.cond(p.individual, rx.badge(_("Individual"), variant="soft"))),
        rx.table.cell(rx.cond(S.can_manage, rx.icon_button(rx.icon("pencil"), variant="ghost", on_click=S.open_form(p.id),
                                                           aria_label=_("Change")))),
        data_testid="studio-partner-row")


def _form() -> rx.Component:
    e = S.form_errors
    return dialog(rx.cond(S.editing.id > 0, _("Change partner"), _("New partner")), rx.form(rx.flex(
        form_field(_("Name"), text_input("name", default_value=S.editing.name), e, "name"),
        form_field(_("Name in a second language"), text_input("name2", default_value=S.editing.name2), e, "name2"),
        form_field(_("Business number"), text_input("business_number", default_value=S.editing.business_number), e,
                   "business_number"),
        rx.cond(S.can_change_bank,
                form_field(_("Bank account"), text_input("bank_account", default_value=S.editing.bank_account), e,
                           "bank_account"),
                rx.text(_("Bank account"), ": ", S.editing.bank_account, " ", _("(finance rights are needed to change it)"),
                        size="1", color_scheme="gray")),
        form_field(_("Contacts"), rx.text_area(name="contacts", default_value=S.editing.contacts, rows="4", width="100%",
                                               aria_label=_("Contacts")), e, "contacts",
                   hint=_("One per line: name, e-mail, phone")),
        rx.checkbox(_("An individual (freelancer)"), name="is_individual", default_checked=S.editing.individual),
        form_buttons(_("Save partner"), S.set_form_open(False)),
        direction="column", spacing="3"), on_submit=S.save, reset_on_submit=False),
        open=S.form_open, on_open_change=S.set_form_open)


def _link_account() -> rx.Component:
    e = S.account_errors
    return rx.form(rx.flex(
        rx.heading(_("Link a vendor or client account"), size="3", width="100%"),
        rx.box(form_field(_("User"), select_control("user_id", S.candidates, default_value="", placeholder="—"), e,
                          "user_id"), min_width="220px"),
        rx.box(form_field(_("Partner"), select_control("partner_id", S.partner_options, default_value="",
                                                     placeholder="—"), e, "partner_id"),
               min_width="220px"),
        rx.button(rx.icon("link"), _("Link account"), type="submit", min_height="40px"),
        spacing="3", wrap="wrap", align="end"), on_submit=S.link_account, reset_on_submit=True, padding_top="16px")


def studio_partners_page() -> rx.Component:
    return shell(
        page_header(_("Studio partners"), _("Clients, committee members, prime contractors and subcontractors."),
                    rx.cond(S.can_manage, rx.button(rx.icon("plus"), _("New partner"), on_click=S.open_form(0),
                                                    min_height="40px"))),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No partners yet."), S.load,
                    table([_("Name"), _("Business number"), _("Bank account"), _("Contacts"), _("Accounts"), "", ""],
                          rx.foreach(S.rows, _row))),
        rx.cond(S.can_manage, _link_account()),
        _form(),
    )
