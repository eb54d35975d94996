"""/admin/branding: display name, primary colour (colour picker and hex), logo upload (SVG or
PNG), a live preview, and saving, which applies it to the app shell at once."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import (
    PHONE_TOUCH,
    TOUCH,
    error_state,
    field,
    field_error,
    loading,
    page_header,
    upload_zone,
)
from rxapp.i18n import _
from rxapp.state.org.branding import BrandingState

UPLOAD_ID = "logo"


def _colour() -> rx.Component:
    return field(
        _("Primary colour"),
        rx.flex(
            rx.el.input(type="color", value=BrandingState.edit_color, on_change=BrandingState.pick_color,
                        aria_label=_("Pick a colour"), id="brand-color-picker",
                        style={"width": "56px", "height": "48px", "padding": "2px", "border": "none",
                               "background": "transparent", "cursor": "pointer"}),
            rx.input(value=BrandingState.color_text, on_change=BrandingState.type_color, id="primary_color",
                     placeholder="#2563eb", size="3", max_length=7, width="140px", font_family="monospace",
                     min_height=PHONE_TOUCH),
            spacing="3", align="center",
        ),
        BrandingState.errors.get("primary_color", ""),
        hint=_("Used for the top of the menu, buttons and links."), html_for="primary_color",
    )


def _logo() -> rx.Component:
    return rx.box(
        rx.text(_("Logo"), size="2", weight="medium"),
        rx.flex(
            upload_zone(_("Logo file"),
                rx.flex(rx.icon("image-up", size=20), rx.text(_("Choose or drop an SVG or PNG file")),
                        align="center", spacing="2", justify="center"),
                id=UPLOAD_ID, multiple=False, max_files=1, max_size=150_000,
                accept={"image/svg+xml": [".svg"], "image/png": [".png"]},
                on_drop=BrandingState.upload_logo(rx.upload_files(upload_id=UPLOAD_ID)),
                border=f"2px dashed {rx.color('gray', 7)}", border_radius="8px", padding="12px",
                min_height=TOUCH, cursor="pointer", flex="1", data_testid="logo-upload",
            ),
            rx.cond(BrandingState.preview_logo != "",
                    rx.button(_("Remove logo"), variant="soft", color_scheme="red", on_click=BrandingState.remove_logo,
                              min_height=TOUCH)),
            spacing="3", align="center", wrap="wrap", margin_top="4px",
        ),
        rx.text(_("At most 150 kB. SVG files must not contain scripts."), size="1", color_scheme="gray"),
        field_error(BrandingState.errors.get("logo_svg", "")),
    )


def _preview() -> rx.Component:
    return rx.box(
        rx.text(_("Preview"), size="2", weight="medium"),
        rx.box(
            rx.flex(
                rx.cond(BrandingState.preview_logo != "",
                        rx.image(src=BrandingState.preview_logo, height="32px", max_width="120px", alt=""),
                        rx.icon("factory", size=24)),
                rx.text(BrandingState.edit_name, weight="bold"),
                align="center", spacing="2", padding="12px 16px", background=BrandingState.edit_color,
                color=BrandingState.preview_text_color, data_testid="brand-preview",
            ),
            rx.flex(
                rx.box(rx.text(_("A button"), size="2"), padding="8px 14px", border_radius="6px",
                       background=BrandingState.edit_color, color=BrandingState.preview_text_color),
                rx.text(_("A link"), color=BrandingState.edit_color, size="2", text_decoration="underline"),
                spacing="4", align="center", padding="16px", background=rx.color("gray", 1),
            ),
            border=f"1px solid {rx.color('gray', 5)}", border_radius="8px", overflow="hidden", margin_top="4px",
        ),
    )


def _form() -> rx.Component:
    return rx.card(
        rx.flex(
            field(_("Display name"),
                  rx.input(value=BrandingState.edit_name, on_change=BrandingState.set_edit_name, id="display_name",
                           size="3", width="100%", min_height=PHONE_TOUCH),
                  BrandingState.errors.get("display_name", ""), html_for="display_name"),
            _colour(),
            _logo(),
            _preview(),
            rx.flex(rx.button(_("Save branding"), on_click=BrandingState.save, size="3", min_height=TOUCH,
                              data_testid="save-branding"), justify="end"),
            direction="column", spacing="4",
        ),
        width="100%", max_width="640px",
    )


def branding_page() -> rx.Component:
    return shell(
        page_header(_("Branding"), _("How Takt looks for everyone in your organization.")),
        rx.cond(BrandingState.loading, loading(),
                rx.cond(BrandingState.load_error != "", error_state(BrandingState.load_error, BrandingState.load),
                        _form())),
    )
