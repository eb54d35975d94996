"""Branding admin: display name, primary colour and logo, previewed before saving and applied to
the app shell as soon as they are saved. services.org.branding validates (colour format, safe SVG,
logo size) and audits."""
from __future__ import annotations

import base64
import re

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState, logo_src
from rxapp.state.theme import DEFAULT_COLOR, text_on
from services.core.access import Permission, require
from services.core.errors import DomainError
from services.org import branding as branding_service

MAX_LOGO_BYTES = 150_000           # a PNG grows by a third as a data URL; the service allows 200 kB of text
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _load(session, actor):
    require(actor, Permission.MANAGE_BRANDING)
    return branding_service.get_branding(session, actor)


def _may_brand(session, actor) -> None:
    require(actor, Permission.MANAGE_BRANDING)


def logo_from_upload(filename: str, content_type: str, data: bytes) -> str:
    """An SVG file becomes its text, a PNG a data URL; anything else is refused with a message."""
    name = (filename or "").lower()
    if len(data) > MAX_LOGO_BYTES:
        raise ValueError(_("The logo is too large (at most 150 kB)."))
    if name.endswith(".svg") or content_type == "image/svg+xml":
        try:
            return data.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise ValueError(_("This SVG file cannot be read.")) from None
    if name.endswith(".png") or content_type == "image/png":
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError(_("This is not a PNG image."))
        return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    raise ValueError(_("Use an SVG or PNG file."))


class BrandingState(AuthState):
    loading: bool = True
    load_error: str = ""
    edit_name: str = ""
    edit_color: str = DEFAULT_COLOR
    color_text: str = DEFAULT_COLOR
    preview_logo: str = ""
    errors: dict[str, str] = {}
    saving: bool = False
    _pending_logo: str | None = None          # None: unchanged; "": remove; else SVG text or data URL

    @rx.var
    def preview_text_color(self) -> str:
        return text_on(self.edit_color)

    @rx.event
    def load(self):
        try:
            branding = self._use_case(_load)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self.edit_name, self.edit_color, self.color_text = branding.display_name, branding.primary_color, branding.primary_color
        self.preview_logo, self._pending_logo, self.errors = logo_src(branding.logo_svg), None, {}
        self.loading, self.load_error = False, ""

    @rx.event
    def set_edit_name(self, value: str):
        self.edit_name = str(value)[:200]

    @rx.event
    def pick_color(self, value: str):
        if _HEX.match(str(value)):
            self.edit_color = self.color_text = str(value).lower()
            self.errors = {k: v for k, v in self.errors.items() if k != "primary_color"}

    @rx.event
    def type_color(self, value: str):
        value = str(value).strip()[:7]
        self.color_text = value
        if _HEX.match(value):
            self.edit_color = value.lower()

    @rx.event
    async def upload_logo(self, files: list[rx.UploadFile]):
        try:
            self._use_case(_may_brand)
        except DomainError as error:
            for event in self._refused(error):
                yield event
            return
        for upload in files[:1]:
            data = await upload.read()
            try:
                logo = logo_from_upload(upload.name or "", (upload.content_type or "").lower(), data)
            except ValueError as problem:
                self.errors = {**self.errors, "logo_svg": str(problem)}
                return
            self._pending_logo, self.preview_logo = logo, logo_src(logo)
            self.errors = {k: v for k, v in self.errors.items() if k != "logo_svg"}

    @rx.event
    def remove_logo(self):
        self._pending_logo, self.preview_logo = "", ""

    @rx.event
    def save(self):
        data = branding_service.BrandingUpdate(display_name=self.edit_name, primary_color=self.color_text,
                                               logo_svg=self._pending_logo)
        try:
            branding = self._use_case(branding_service.update_branding, data, now=utcnow())
        except DomainError as error:
            self.errors = {k: _(v) for k, v in error.fields.items()}
            return self._refused(error)
        self.errors, self._pending_logo = {}, None
        self._show_branding(branding.display_name, branding.primary_color, branding.logo_svg)
        self.edit_color = self.color_text = branding.primary_color
        return rx.toast.success(_("Branding saved. Everyone sees it on their next page."))
