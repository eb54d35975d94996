"""/documents: search controlled documents by number, title or description and kind; writers create one."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.master import form_field, select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, dialog, form_buttons, list_states, page_header, text_input
from rxapp.i18n import _
from rxapp.state.documents.documents import (
    KIND_OPTIONS,
    NEW_KIND_OPTIONS,
    SCHEME_OPTIONS,
    TARGET_OPTIONS,
    DocumentRow,
)
from rxapp.state.documents.documents import DocumentsState as S


def _row(d: DocumentRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(d.number, href=d.href, data_testid="document-link")), rx.table.cell(d.title),
        rx.table.cell(d.kind), rx.table.cell(d.target), rx.table.cell(d.released, data_testid="document-released"),
        rx.table.cell(d.working), data_testid="document-row")


def _search() -> rx.Component:
    return rx.form(rx.flex(
        rx.box(text_input("search", placeholder=_("Number, title or description"), default_value=S.search),
               flex="1", min_width="200px"),
        rx.box(select_control("kind", KIND_OPTIONS, default_value=S.kind, placeholder=_("Every kind"),
                              id="search-kind", aria_label=_("Filter by kind")), width="200px"),
        rx.button(rx.icon("search"), _("Search"), type="submit", min_height=TOUCH),
        spacing="2", wrap="wrap", align="center", margin_bottom="12px"), on_submit=S.find, reset_on_submit=False)


def _new_dialog() -> rx.Component:
    e = S.form_errors
    return dialog(_("New document"), rx.form(rx.flex(
        form_field(_("Title"), text_input("title"), e, "title"),
        form_field(_("Kind"), select_control("kind", NEW_KIND_OPTIONS, default_value="work_instruction"), e, "kind"),
        form_field(_("Attached to"), select_control("target_type", TARGET_OPTIONS, value=S.target_type,
                                                    on_change=S.set_target_type), e, "target_type"),
        form_field(_("Which one"), select_control("target_id", S.target_options, placeholder="—"), e, "target_id"),
        form_field(_("Description"), rx.text_area(name="description", id="description", rows="3", width="100%"),
                   e, "description"),
        form_buttons(_("Create document"), S.set_form_open(False)),
        direction="column", spacing="3"), on_submit=S.create, reset_on_submit=False),
        open=S.form_open, on_open_change=S.set_form_open)


def documents_page() -> rx.Component:
    return shell(
        page_header(_("Documents"), _("Drawings, SOPs, work instructions, specifications and change orders with their approved revisions."),
                    rx.cond(S.can_write, rx.button(rx.icon("plus"), _("New document"), on_click=S.open_new, size="3",
                                                   min_height=TOUCH, data_testid="new-document"))),
        rx.cond(S.filter_label != "", rx.flex(
            rx.badge(S.filter_label, size="2", variant="soft", data_testid="documents-filter"),
            rx.link(_("All documents"), href=routes.DOCUMENTS), spacing="2", align="center", margin_bottom="8px")),
        _search(),
        rx.cond(S.can_configure, rx.flex(
            rx.text(_("Revision labels"), size="2"),
            rx.box(select_control("revision_scheme", SCHEME_OPTIONS, value=S.scheme, on_change=S.set_scheme,
                                  aria_label=_("Revision labels")), width="200px"),
            spacing="2", align="center", margin_bottom="12px")),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("No documents found."), S.load,
                    table([_("Number"), _("Title"), _("Kind"), _("Attached to"), _("Approved revision"),
                           _("Working revision")], rx.foreach(S.rows, _row))),
        _new_dialog(),
    )
