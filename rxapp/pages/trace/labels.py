"""/labels: choose objects, preview a label, download PNG or a printable PDF sheet."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import list_states, page_header
from rxapp.i18n import _
from rxapp.state.trace.labels_page import LabelItem, LabelsState


def _select(label: str, select_id: str, value, choices, on_change) -> rx.Component:
    return rx.box(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=select_id),
        rx.el.select(rx.foreach(choices, lambda c: rx.el.option(c.label, value=c.value)),
                     id=select_id, value=value, on_change=on_change,
                     style={"width": "100%", "minHeight": "48px", "padding": "0 10px", "borderRadius": "8px",
                            "border": f"1px solid {rx.color('gray', 7)}", "background": rx.color("gray", 1),
                            "color": rx.color("gray", 12)}),
        width="100%",
    )


def _controls() -> rx.Component:
    return rx.grid(
        _select(_("What"), "labels-kind", LabelsState.kind, LabelsState.kind_choices, LabelsState.set_kind),
        _select(_("Code"), "labels-symbology", LabelsState.symbology, LabelsState.symbology_choices,
                LabelsState.set_symbology),
        _select(_("Label size"), "labels-layout", LabelsState.layout, LabelsState.layout_choices,
                LabelsState.set_layout),
        columns=rx.breakpoints(initial="1", md="3"), spacing="3", width="100%",
    )


def _row(item: LabelItem) -> rx.Component:
    return rx.flex(
        rx.checkbox(checked=LabelsState.selected.contains(item.id), on_change=lambda _v: LabelsState.toggle(item.id),
                    size="3", aria_label=item.code),
        rx.box(rx.text(item.code, weight="bold"), rx.text(item.subtitle, size="2", color_scheme="gray"), flex="1"),
        rx.button(_("Preview"), on_click=LabelsState.show(item.id), variant="soft", min_height="44px"),
        rx.button(_("PNG"), on_click=LabelsState.download_png(item.id), variant="outline", min_height="44px"),
        align="center", spacing="3", padding="8px 0", border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%", data_testid="label-row",
    )


def labels_page() -> rx.Component:
    return shell(
        page_header(_("Labels"), _("Code 128 or QR labels with the number in words; PNG for one, PDF sheets for many.")),
        _controls(),
        rx.form(
            rx.flex(rx.input(name="search", placeholder=_("Number or code contains…"), size="3", flex="1",
                             min_height="48px"),
                    rx.button(_("Find"), type="submit", size="3", min_height="48px"), spacing="2", width="100%"),
            on_submit=LabelsState.find, width="100%", margin_top="12px",
        ),
        rx.flex(
            rx.button(_("Select all"), on_click=LabelsState.select_all, variant="soft", min_height="48px"),
            rx.button(rx.icon("printer"), _("Print selected"), " (", LabelsState.selected_count.to_string(), ")",
                      on_click=LabelsState.print_sheet, disabled=LabelsState.selected_count == 0,
                      min_height="48px", data_testid="print-labels"),
            spacing="2", margin_top="12px", wrap="wrap",
        ),
        rx.cond(LabelsState.preview != "",
                rx.image(src=LabelsState.preview, alt=_("Label preview"), width="100%", max_width="480px",
                         border=f"1px solid {rx.color('gray', 6)}", margin_top="12px", data_testid="label-preview")),
        rx.box(
            list_states(LabelsState.loading, LabelsState.load_error, LabelsState.items.length() == 0,
                        _("Nothing of this kind in your plants yet."), LabelsState.load,
                        rx.box(rx.foreach(LabelsState.items, _row), width="100%")),
            margin_top="12px",
        ),
    )
