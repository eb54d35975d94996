"""/operator/machine?id=<machine>: one machine on a phone. Its state, the current job with a big
progress bar against plan, Pause (with reason) / Resume at the top, good and scrap steppers with a scrap
reason and Report, then, apart from Pause below a rule, Complete (confirmed in a dialog that names the job
and its counts and, for a job short of its quantity, the shortfall), downtime start (with reason) and
end, and the queue with Start. Which buttons show comes from the queue's read model (the actions allowed now).

Every action button is a tap for assets/operator_outbox.js (kept on the phone, sent, retried);
the hidden #operator-refresh button lets the script have the page read the machine again."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.document_viewer import document_viewer
from rxapp.components.operator import (
    BIG,
    action_button,
    big_button,
    outbox,
    reason_picker,
    state_pill,
    stepper,
)
from rxapp.components.shell import shell
from rxapp.components.status import status_badge
from rxapp.components.ui import error_state, loading
from rxapp.i18n import _
from rxapp.state.shopfloor.instructions import InstructionFile, InstructionLine
from rxapp.state.shopfloor.instructions import JobDocumentsState as J
from rxapp.state.shopfloor.operator import JobCard
from rxapp.state.shopfloor.operator import OperatorMachineState as S

MACHINE = S.machine_id


def _header() -> rx.Component:
    return rx.box(
        rx.link(rx.flex(rx.icon("arrow-left", size=24), rx.text(_("Your machines"), size="4"), align="center",
                        spacing="2", min_height="48px"), href=routes.OPERATOR, underline="none"),
        rx.flex(
            rx.heading(S.machine.code, size="8", as_="h1"),
            state_pill(S.machine.state, S.machine.state_label, size="3"),
            align="center", spacing="3", wrap="wrap",
        ),
        rx.text(S.machine.name, size="4"),
        rx.cond(S.can_inspect,
                rx.link(rx.button(rx.icon("ruler"), _("Inspect"), variant="soft", size="3", min_height="48px"),
                        href=routes.QUALITY_INSPECT + "?machine=" + S.machine_id.to_string(),
                        data_testid="operator-inspect")),
        rx.text(rx.cond(S.machine.since != "", rx.text.span(_("Since"), " ", S.machine.since)),
                rx.cond(S.machine.reason != "", rx.text.span(" · ", S.machine.reason, weight="bold")),
                size="4", data_testid="machine-since"),
        margin_bottom="16px",
    )


def _progress() -> rx.Component:
    job = S.current
    return rx.box(
        rx.box(
            rx.box(width=job.progress.to_string() + "%", height="100%", background=rx.color("green", 9),
                   border_radius="8px"),
            rx.box(position="absolute", left=job.plan.to_string() + "%", top="-6px", bottom="-6px", width="4px",
                   margin_left="-2px", background=rx.color("gray", 12), title=_("Plan by now")),
            position="relative", height="32px", width="100%", background=rx.color("gray", 5), border_radius="8px",
            role="progressbar", aria_valuemin=0, aria_valuemax=job.quantity, aria_valuenow=job.good,
            aria_label=_("Good parts against the quantity"),
        ),
        rx.text(_("Good"), " ", rx.text.span(job.good, weight="bold"), " / ", job.quantity,
                " · ", _("Scrap"), " ", rx.text.span(job.scrap, weight="bold"),
                size="5", margin_top="8px", data_testid="job-counts"),
        rx.text(S.plan_text, size="3", color_scheme="gray"),
        width="100%",
    )


def _current_job() -> rx.Component:
    job = S.current
    return rx.card(
        rx.flex(
            rx.flex(rx.text(job.work_order, " · ", job.name, size="6", weight="bold"), status_badge(job.status),
                    justify="between", align="center", spacing="2", wrap="wrap"),
            rx.text(job.product, size="4"),
            _progress(),
            rx.cond(
                job.can_pause,
                rx.flex(reason_picker("pause-reason", _("Pause reason"), S.pause_reasons),
                        action_button(_("Pause"), "pause", "pause_job", MACHINE, color="amber",
                                      operation_id=job.operation_id, reason_input="pause-reason"),
                        direction="column", spacing="2", width="100%"),
                rx.cond(job.can_resume, action_button(_("Resume"), "play", "resume_job", MACHINE, color="green",
                                                      operation_id=job.operation_id)),
            ),
            rx.heading(_("Report counts"), size="5", as_="h2", margin_top="8px"),
            stepper("operator-good", _("Good"), plus=(1, 10)),
            stepper("operator-scrap", _("Scrap")),
            reason_picker("scrap-reason", _("Scrap reason"), S.scrap_reasons),
            action_button(_("Report"), "send", "report_counts", MACHINE, operation_id=job.operation_id,
                          reason_input="scrap-reason", data_good_input="operator-good",
                          data_scrap_input="operator-scrap"),
            rx.cond(job.can_complete, _complete(job)),
            direction="column", spacing="3", width="100%",
        ),
        size="3", width="100%", data_testid="current-job",
    )


def _complete(job: JobCard) -> rx.Component:
    """Complete, after the operator confirms the job and its counts (the confirming tap is the outbox action)."""
    return rx.box(rx.separator(size="4", margin_y="16px"), rx.alert_dialog.root(
        rx.alert_dialog.trigger(big_button(_("Complete"), "circle-check", color="teal", variant="outline",
                                           data_testid="complete-job")),
        rx.alert_dialog.content(
            rx.alert_dialog.title(S.complete_title, data_testid="complete-title"),
            rx.alert_dialog.description(S.complete_question, size="4", data_testid="complete-question"),
            rx.flex(
                rx.alert_dialog.cancel(big_button(_("Not yet"), "x", color="gray", variant="soft")),
                rx.alert_dialog.action(action_button(S.complete_label, "circle-check", "complete_job", MACHINE,
                                                     color="teal", operation_id=job.operation_id,
                                                     data_testid="complete-confirm")),
                direction="column", spacing="3", margin_top="16px",
            ),
            max_width="480px",
        ),
    ), width="100%", margin_top="24px")


def _downtime() -> rx.Component:
    return rx.box(
        rx.heading(_("Downtime"), size="5", as_="h2", margin_bottom="8px"),
        rx.cond(
            S.is_down,
            action_button(_("Machine up again"), "circle-play", "end_downtime", MACHINE, color="green"),
            rx.flex(reason_picker("downtime-reason", _("Why is the machine down?"), S.downtime_reasons),
                    action_button(_("Machine down"), "octagon-x", "start_downtime", MACHINE, color="red",
                                  reason_input="downtime-reason"),
                    direction="column", spacing="2", width="100%"),
        ),
        margin_top="20px", width="100%",
    )


def _queued(job: JobCard) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.flex(rx.text(job.work_order, " · ", job.name, size="5", weight="bold"), status_badge(job.status),
                    justify="between", align="center", spacing="2", wrap="wrap"),
            rx.text(job.product, size="3"),
            rx.text(job.good, " / ", job.quantity, rx.cond(job.planned != "", rx.text.span(" · ", job.planned)),
                    size="3", color_scheme="gray"),
            rx.cond(
                job.can_resume,
                action_button(_("Resume"), "play", "resume_job", MACHINE, color="green", operation_id=job.operation_id),
                rx.cond(job.can_start, action_button(_("Start"), "play", "start_job", MACHINE, color="green",
                                                     operation_id=job.operation_id)),
            ),
            direction="column", spacing="2", width="100%",
        ),
        width="100%", data_testid="queued-job",
    )


def _instruction_file(f: InstructionFile) -> rx.Component:
    return rx.button(rx.icon("eye"), f.name, " (", f.kind, ")", variant="soft", size="3", min_height=BIG,
                     on_click=J.view(f.id), disabled=~f.viewable, data_testid="instruction-file")


def _instruction(i: InstructionLine) -> rx.Component:
    return rx.flex(rx.flex(rx.text.strong(i.number, " · ", i.title), rx.badge(i.kind, variant="soft"),
                           rx.badge(i.revision, color_scheme="green", variant="solid", data_testid="instruction-revision"),
                           spacing="2", align="center", wrap="wrap"),
                   rx.flex(rx.foreach(i.files, _instruction_file), spacing="2", wrap="wrap"),
                   direction="column", spacing="2", data_testid="instruction")


def _documents() -> rx.Component:
    """The approved documents of the current (or next) job, and the viewer."""
    return rx.cond(J.lines.length() > 0, rx.flex(
        rx.heading(_("Instructions"), size="5", as_="h2", margin_top="12px"),
        rx.foreach(J.lines, _instruction),
        document_viewer(J.viewer_title, J.viewer_pages, J.viewer_note, testid="instruction-viewer"),
        direction="column", spacing="3", width="100%"))


def _machine() -> rx.Component:
    return rx.flex(
        rx.cond(S.has_current, _current_job(),
                rx.callout.root(rx.callout.text(_("No job running. Start one from the queue.")), size="3",
                                width="100%")),
        _documents(),
        _downtime(),
        rx.heading(_("Queue"), size="5", as_="h2", margin_top="20px"),
        rx.cond(S.queue.length() > 0, rx.flex(rx.foreach(S.queue, _queued), direction="column", spacing="3",
                                              width="100%"),
                rx.text(_("Nothing else is queued on this machine."), size="4", color_scheme="gray")),
        direction="column", spacing="3", width="100%",
    )


def operator_machine_page() -> rx.Component:
    return shell(
        rx.box(
            rx.cond(S.load_error != "", error_state(S.load_error, S.refresh),
                    rx.cond(S.loading, loading(), rx.fragment(_header(), _machine()))),
            max_width="640px", margin_x="auto", padding_bottom="96px",
        ),
        rx.button(_("Refresh"), id="operator-refresh", on_click=S.refresh, display="none", type="button",
                  tab_index=-1, min_height=BIG),
        outbox(),
    )
