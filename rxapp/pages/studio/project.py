"""/studio/project?id=N: the live production grid (cuts x steps, status colours, filters), the live
budget and spend (finance readers), the live dashboard (progress per episode and step, first-pass rate, rework
loops, late tasks), the schedule (Gantt of steps per episode with the deadline line), bulk breakdown, credits and
the activity feed; the Breakdown tab (managers) lists the project's assets with links to /studio/asset."""
from __future__ import annotations

import reflex as rx

from rxapp.components.custom_fields import custom_field_inputs
from rxapp.components.master import form_field, select_control
from rxapp.components.second_name import second_name_fields
from rxapp.components.shell import shell
from rxapp.components.ui import date_cell, error_state, page_header, scroll_x, text_input, upload_zone
from rxapp.i18n import _
from rxapp.pages.studio.milestones import milestones_tab
from rxapp.state.studio.breakdown_forms import AssetLine
from rxapp.state.studio.breakdown_forms import BreakdownFormsState as B
from rxapp.state.studio.live_project import Cell, GridLine, LateLine
from rxapp.state.studio.live_project import LiveStudioState as L
from rxapp.state.studio.live_spend import LiveSpendState as M
from rxapp.state.studio.project import IMPORT_ID, FeedLine
from rxapp.state.studio.project import StudioProjectState as S

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(c: Cell) -> rx.Component:
    return rx.table.cell(rx.cond(c.task_id > 0, rx.link(
        rx.badge(c.label, color_scheme=c.color, variant="solid", data_testid="grid-cell"), href=c.href,
        title=c.assignee)), padding="4px")


def _line(r: GridLine) -> rx.Component:
    return rx.table.row(rx.table.cell(rx.link(rx.text.strong(r.code), href=r.href, data_testid="grid-cut")),
                        rx.table.cell(r.frames), rx.foreach(r.cells, _cell),
                        data_testid="grid-row")


def _filters() -> rx.Component:
    return rx.flex(
        rx.box(select_control("episode", S.episodes, value=S.episode_id, placeholder=_("All episodes"),
                              on_change=lambda v: S.set_filter("episode_id", v), aria_label=_("Episode")), width="180px"),
        rx.box(select_control("status", S.status_options, value=S.status_filter, placeholder=_("Any status"),
                              on_change=lambda v: S.set_filter("status_filter", v), aria_label=_("Status")),
               width="180px"),
        rx.box(select_control("step", S.step_options, value=S.step_filter, placeholder=_("Any step"),
                              on_change=lambda v: S.set_filter("step_filter", v), aria_label=_("Step")), width="180px"),
        rx.text(L.total_rows, " ", _("cuts"), " · ", _("updated"), " ", L.updated, size="1", color_scheme="gray"),
        spacing="3", wrap="wrap", align="center")


def _grid() -> rx.Component:
    return rx.box(_filters(), scroll_x(rx.table.root(
        rx.table.header(rx.table.row(rx.table.column_header_cell(_("Cut")), rx.table.column_header_cell(_("Frames")),
                                     rx.foreach(L.step_names, lambda n: rx.table.column_header_cell(n)))),
        rx.table.body(rx.foreach(L.lines, _line)), size="1", data_testid="studio-grid")), width="100%")


def _tile(key: str, label: str, value) -> rx.Component:
    return rx.card(rx.text(label, size="1", color_scheme="gray"), rx.heading(value, size="6", data_testid=f"tile-{key}"),
                   min_width="150px")


def _late(t: LateLine) -> rx.Component:
    return rx.table.row(rx.table.cell(rx.link(t.entity, href=t.href)), rx.table.cell(t.step), rx.table.cell(t.status),
                        date_cell(t.due), rx.table.cell(t.assignee))


def _spend() -> rx.Component:
    """Budget and spend (finance readers only; amounts before VAT)."""
    return rx.cond(S.sees_spend, rx.flex(
        rx.heading(_("Budget and spend (before VAT)"), size="3"),
        rx.flex(_tile("budget", _("Budget"), M.budget), _tile("committed", _("Committed (approved orders)"), M.committed),
                _tile("settled", _("Settled"), M.settled), _tile("paid", _("Paid"), M.paid),
                _tile("remaining", _("Remaining"), M.remaining), spacing="3", wrap="wrap"),
        rx.cond(M.has_budget, rx.progress(value=M.used_percent, color_scheme=rx.cond(M.over, "red", "green"))),
        rx.cond(M.over, rx.callout(_("The approved orders are over the project's budget."), icon="triangle_alert",
                                   color_scheme="red", data_testid="budget-over")),
        rx.cond(M.note != "", rx.text(M.note, size="1", color_scheme="gray")),
        direction="column", spacing="2", data_testid="project-spend"))


def _dashboard() -> rx.Component:
    return rx.flex(
        _spend(),
        rx.flex(_tile("progress", _("Progress"), L.progress), _tile("approved", _("Approved tasks"), L.approved),
                _tile("first-pass", _("QC first-pass rate"), L.first_pass),
                _tile("rework", _("Rework loops"), L.rework_loops),
                spacing="3", wrap="wrap", data_testid="studio-dashboard"),
        rx.heading(_("Progress per episode and step"), size="3"), rx.plotly(data=L.figure, width="100%"),
        rx.heading(_("Late tasks"), size="3"),
        rx.table.root(rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
            _("Cut"), _("Step"), _("Status"), _("Due"), _("Assignee"))])), rx.table.body(rx.foreach(L.late, _late)),
            size="1"),
        direction="column", spacing="3")


def _bulk() -> rx.Component:
    e = S.bulk_errors
    return rx.form(rx.flex(
        *[form_field(label, text_input(name, type="number", default_value=default), e, name) for name, label, default in (
            ("episode_from", _("Episodes from"), "1"), ("episode_to", _("to"), "12"), ("cut_from", _("Cuts from"), "1"),
            ("cut_to", _("to"), "300"), ("frames_per_cut", _("Frames per cut"), ""))],
        rx.button(_("Create breakdown"), type="submit", min_height="40px"),
        spacing="3", wrap="wrap", align="end"), rx.text(S.bulk_result, size="2", color_scheme="green"),
        on_submit=S.bulk_create, reset_on_submit=False)


def _import() -> rx.Component:
    return rx.flex(
        rx.heading(_("Import cuts from CSV or Excel"), size="3"),
        rx.text(_("Columns: cut (required), episode, sequence, frame_in, frame_out, description. All rows or none."),
                size="1", color_scheme="gray"),
        upload_zone(_("Breakdown file"), rx.text(_("Choose or drop a .csv or .xlsx file")), id=IMPORT_ID, multiple=False, max_files=1,
                       accept={"text/csv": [".csv"], XLSX: [".xlsx"]},
                       on_drop=S.import_file(rx.upload_files(upload_id=IMPORT_ID)), border="2px dashed var(--gray-7)",
                       border_radius="8px", padding="16px", width="100%", data_testid="breakdown-import"),
        rx.text(S.import_summary, size="2"),
        rx.foreach(S.import_lines, lambda r: rx.text(_("Row"), " ", r.row, " ", r.cut, ": ", r.problems, size="1",
                                                      color_scheme="red")),
        direction="column", spacing="2", padding_top="16px")


def _add_cut() -> rx.Component:
    e = B.cut_errors
    return rx.form(rx.flex(
        rx.heading(_("Add a cut"), size="3", width="100%"),
        rx.box(form_field(_("Cut"), text_input("code", placeholder="C301"), e, "code"), width="120px"),
        rx.box(form_field(_("Episode"), select_control("episode_id", B.episodes, default_value="", placeholder="—"), e,
                          "episode_id"), width="160px"),
        rx.box(form_field(_("Frame in"), text_input("frame_in", type="number"), e, "frame_in"), width="110px"),
        rx.box(form_field(_("Frame out"), text_input("frame_out", type="number"), e, "frame_out"), width="110px"),
        rx.box(form_field(_("Description"), text_input("description"), e, "description"), min_width="200px", flex="1"),
        rx.box(custom_field_inputs(B.cut_inputs, e), width="100%"),
        rx.button(rx.icon("plus"), _("Add cut"), type="submit", min_height="40px", data_testid="add-cut"),
        spacing="3", wrap="wrap", align="end"), on_submit=B.add_cut, reset_on_submit=True)


def _add_asset() -> rx.Component:
    e = B.asset_errors
    return rx.form(rx.flex(
        rx.heading(_("Add an asset"), size="3", width="100%"),
        rx.box(form_field(_("Code"), text_input("code", placeholder="CH_HERO"), e, "code"), width="140px"),
        rx.box(form_field(_("Name"), text_input("name"), e, "name"), min_width="160px"),
        rx.box(second_name_fields(e), min_width="320px"),
        rx.box(form_field(_("Kind"), select_control("kind_value_id", B.asset_kinds, default_value="", placeholder="—"), e,
                          "kind_value_id"), width="160px"),
        rx.box(custom_field_inputs(B.asset_inputs, e), width="100%"),
        rx.button(rx.icon("plus"), _("Add asset"), type="submit", min_height="40px", data_testid="add-asset"),
        spacing="3", wrap="wrap", align="end"), on_submit=B.add_asset, reset_on_submit=True)


def _asset_row(a: AssetLine) -> rx.Component:
    return rx.table.row(rx.table.cell(rx.link(rx.text.strong(a.code), href=a.href, data_testid="project-asset")),
                        rx.table.cell(a.name), rx.table.cell(a.name2), rx.table.cell(a.kind),
                        rx.table.cell(a.cast_count))


def _assets() -> rx.Component:
    return rx.flex(
        rx.heading(_("Assets"), size="3"),
        rx.cond(B.assets.length() > 0, scroll_x(rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                _("Code"), _("Name"), _("Name in a second language"), _("Kind"), _("Cast in (cuts)"))])),
            rx.table.body(rx.foreach(B.assets, _asset_row)), size="1", data_testid="project-assets")),
            rx.text(_("No assets yet."), size="2", color_scheme="gray")),
        direction="column", spacing="2")


def _feed(f: FeedLine) -> rx.Component:
    return rx.flex(rx.text(f.at, size="1", color_scheme="gray", min_width="120px"), rx.text(f.who, size="1", min_width="90px"),
                   rx.text(f.action, size="1", weight="bold", min_width="120px"), rx.text(f.changes, size="1"), spacing="2")


def studio_project_page() -> rx.Component:
    return shell(
        page_header(S.number + " · " + S.name, "",
                    rx.link(rx.button(rx.icon("square-kanban"), _("Kanban"), variant="soft"), href=S.kanban_href),
                    rx.link(rx.button(rx.icon("users"), _("Partners and members"), variant="soft"), href=S.people_href),
                    rx.button(rx.icon("download"), _("Credits CSV"), on_click=S.credits("csv"), variant="soft"),
                    rx.button(rx.icon("file-text"), _("Credits PDF"), on_click=S.credits("pdf"), variant="soft")),
        rx.text(S.name2, color_scheme="gray"),
        rx.cond(S.load_error != "", error_state(S.load_error, S.enter), rx.tabs.root(
            rx.tabs.list(rx.tabs.trigger(_("Grid"), value="grid"), rx.tabs.trigger(_("Dashboard"), value="dashboard"),
                         rx.tabs.trigger(_("Schedule"), value="schedule"), rx.tabs.trigger(_("Milestones"), value="milestones"),
                         rx.tabs.trigger(_("Activity"), value="activity"),
                         rx.cond(S.can_manage, rx.tabs.trigger(_("Cuts and assets"), value="breakdown"))),
            rx.tabs.content(_grid(), value="grid", padding_top="12px"),
            rx.tabs.content(_dashboard(), value="dashboard", padding_top="12px"),
            rx.tabs.content(rx.plotly(data=S.gantt, width="100%"), value="schedule", padding_top="12px"),
            rx.tabs.content(milestones_tab(), value="milestones", padding_top="12px"),
            rx.tabs.content(rx.flex(rx.foreach(S.feed, _feed), direction="column", spacing="1"), value="activity",
                            padding_top="12px"),
            rx.tabs.content(rx.flex(_bulk(), _import(), _add_cut(), _add_asset(), _assets(), direction="column", spacing="5"),
                            value="breakdown", padding_top="12px"),
            default_value="grid")),
    )
