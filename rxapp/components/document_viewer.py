"""The document viewer for phones and desks: a file's pages stacked as images as wide as the screen (PDF pages
are drawn as images on the server, so no PDF plug-in is needed), with a note when not all of it is shown."""
from __future__ import annotations

import reflex as rx


def document_viewer(title: rx.Var, pages: rx.Var, note: rx.Var, *, testid: str = "document-viewer") -> rx.Component:
    return rx.cond(
        title != "",
        rx.card(rx.flex(
            rx.flex(rx.icon("file-text", size=18), rx.text.strong(title), spacing="2", align="center"),
            rx.foreach(pages, lambda src: rx.image(src=src, width="100%", height="auto", alt=title,
                                                   border="1px solid var(--gray-5)", border_radius="4px",
                                                   data_testid="viewer-page")),
            rx.cond(note != "", rx.text(note, size="2", color_scheme="gray")),
            direction="column", spacing="2"), width="100%", data_testid=testid),
    )
