"""/studio/people?id=N: the project's partners (role, tier) and member slots; managers add partners and
slots, fill a slot with an account or a vendor, and empty it (its tasks stay on it)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field, select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, dialog, error_state, form_buttons, page_header, text_input
from rxapp.i18n import _
from rxapp.state.studio.people import MemberLine, PartnerLine
from rxapp.state.studio.people import ProjectPeopleState as S


def _partner(p: PartnerLine) -> rx.Component:
    return rx.table.row(rx.table.cell(p.name), rx.table.cell(p.role), rx.table.cell(p.tier), data_testid="project-partner")


def _add_partner() -> rx.Component:
    e = S.partner_errors
    return rx.form(rx.flex(
        rx.box(form_field(_("Partner"), select_control("partner_id", S.partner_options, default_value="", placeholder="—"),
                          e, "partner_id"), min_width="200px"),
        rx.box(form_field(_("Role"), select_control("role", S.role_options, default_value="subcontractor"), e, "role"),
               min_width="180px"),
        rx.box(form_field(_("Tier"), select_control("tier", [("0", "0"), ("1", "1"), ("2", "2")], default_value="0"),
                          e, "tier"), width="80px"),
        rx.button(rx.icon("plus"), _("Add to project"), type="submit", min_height=TOUCH),
        spacing="3", wrap="wrap", align="end"), on_submit=S.add_partner, reset_on_submit=True)


def _member(m: MemberLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(m.department),
        rx.table.cell(rx.flex(rx.text(m.role_title, weight="medium"), rx.text(m.role_title2, size="1", color_scheme="gray"),
                              direction="column")),
        rx.table.cell(rx.flex(rx.text(m.person), rx.cond(m.filled_by != "", rx.badge(m.filled_by, variant="soft")),
                              rx.cond(m.is_lead, rx.badge(_("Lead"), color_scheme="blue")), spacing="2", wrap="wrap")),
        rx.table.cell(m.quota),
        rx.table.cell(rx.cond(S.can_manage, rx.flex(
            rx.button(_("Fill"), size="1", variant="soft", on_click=S.open_link(m.id), data_testid="fill-slot"),
            rx.cond(m.filled_by != "", rx.button(_("Empty"), size="1", variant="soft", color_scheme="red",
                                                  on_click=S.unlink(m.id))),
            spacing="2"))),
        data_testid="member-slot")


def _add_member() -> rx.Component:
    e = S.member_errors
    return rx.form(rx.flex(
        rx.box(form_field(_("Role"), text_input("role_title", placeholder=_("Lead Animator")), e, "role_title"),
               min_width="180px"),
        rx.box(form_field(_("Role in a second language"), text_input("role_title2"), e, "role_title2"), min_width="160px"),
        rx.box(form_field(_("Department"), text_input("department", placeholder="CG"), e, "department"), min_width="120px"),
        rx.box(form_field(_("Weekly quota"), text_input("weekly_quota", type="number"), e, "weekly_quota"), width="120px"),
        rx.checkbox(_("Lead (QC1)"), name="is_lead"),
        rx.button(rx.icon("plus"), _("Add slot"), type="submit", min_height=TOUCH),
        spacing="3", wrap="wrap", align="end"), on_submit=S.create_member, reset_on_submit=True)


def _link_dialog() -> rx.Component:
    e = S.link_errors
    return dialog(_("Fill the slot") + " · " + S.link_role, rx.form(rx.flex(
        form_field(_("A person of your organization"),
                   select_control("user_id", S.user_options, default_value="", placeholder="—"), e, "user_id"),
        form_field(_("or a vendor"), select_control("partner_id", S.partner_options, default_value="", placeholder="—"),
                   e, "partner_id"),
        form_field(_("Credited name (optional)"), text_input("person_name"), e, "person_name"),
        form_buttons(_("Fill the slot"), S.close_link(False)), direction="column", spacing="3"),
        on_submit=S.link, reset_on_submit=False), open=S.link_member_id > 0, on_open_change=S.close_link)


def project_people_page() -> rx.Component:
    return shell(
        page_header(_("Partners and members"), "", rx.link(rx.button(rx.icon("table"), S.title, variant="soft"),
                                                           href=S.project_href)),
        rx.cond(S.load_error != "", error_state(S.load_error, S.load), rx.flex(
            rx.heading(_("Partners in the project"), size="4"),
            table([_("Partner"), _("Role"), _("Tier")], rx.foreach(S.partner_lines, _partner)),
            rx.cond(S.can_manage, _add_partner()),
            rx.heading(_("Member slots"), size="4", padding_top="12px"),
            table([_("Department"), _("Role"), _("Filled by"), _("Weekly quota"), ""], rx.foreach(S.member_lines, _member)),
            rx.cond(S.can_manage, _add_member()),
            direction="column", spacing="3", width="100%")),
        _link_dialog(),
    )
