"""Branding state: edit, upload a logo, save, and the shell (AuthState) shows it at once."""
from __future__ import annotations

import io
from pathlib import Path

import reflex as rx
from sqlmodel import Session

from rxapp.state.org.auth import AuthState
from rxapp.state.org.branding import BrandingState, logo_from_upload
from rxapp.state.theme import accent_css, accent_variables, contrast, text_on
from services.org.branding import branding_for_org
from tests.ui.conftest import asks_to_log_in, new_tab, run, signed_in, toasts

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _upload(name: str, data: bytes) -> rx.UploadFile:
    return rx.UploadFile(file=io.BytesIO(data), path=Path(name))


async def test_load_then_save_applies_to_the_shell(engine, world):
    state = await signed_in(engine, BrandingState, "admin.a")
    await run(state.load(), state)
    assert state.edit_name == "Org A" and not state.loading
    await run(state.set_edit_name("Org A Works"), state)
    await run(state.type_color("#0F766E"), state)
    assert state.edit_color == "#0f766e" and state.preview_text_color == "#ffffff"
    events = await run(state.save(), state)
    assert toasts(events, "success") == ["Branding saved. Everyone sees it on their next page."]
    auth = await state.get_state(AuthState)
    assert (auth.brand_name, auth.brand_color) == ("Org A Works", "#0f766e")
    assert "--accent-9: #0f766e" in auth.brand_css
    with Session(engine) as s:
        saved = branding_for_org(s, world.org_a)
    assert (saved.display_name, saved.primary_color) == ("Org A Works", "#0f766e")


async def test_a_bad_colour_is_a_field_error(engine, world):
    state = await signed_in(engine, BrandingState, "admin.a")
    await run(state.load(), state)
    await run(state.type_color("#12"), state)
    events = await run(state.save(), state)
    assert state.errors == {"primary_color": "Use a colour like #2563eb."}
    assert toasts(events, "error") == ["Some fields are not valid."]


async def test_upload_svg_and_png_logos(engine, world):
    state = await signed_in(engine, BrandingState, "admin.a")
    await run(state.load(), state)
    await run(state.upload_logo([_upload("logo.svg", SVG.encode())]), state)
    assert state.preview_logo.startswith("data:image/svg+xml;base64,") and state.errors == {}
    await run(state.save(), state)
    with Session(engine) as s:
        assert branding_for_org(s, world.org_a).logo_svg == SVG
    auth = await state.get_state(AuthState)
    assert auth.brand_logo == state.preview_logo
    await run(state.upload_logo([_upload("logo.png", PNG)]), state)
    await run(state.save(), state)
    with Session(engine) as s:
        assert branding_for_org(s, world.org_a).logo_svg.startswith("data:image/png;base64,")
    await run(state.remove_logo(), state)
    await run(state.save(), state)
    with Session(engine) as s:
        assert branding_for_org(s, world.org_a).logo_svg is None
    assert auth.brand_logo == ""


async def test_unsafe_or_wrong_files_are_refused(engine, world):
    state = await signed_in(engine, BrandingState, "admin.a")
    await run(state.load(), state)
    await run(state.upload_logo([_upload("logo.gif", b"GIF89a")]), state)
    assert state.errors == {"logo_svg": "Use an SVG or PNG file."}
    await run(state.upload_logo([_upload("evil.svg", b'<svg onload="alert(1)"></svg>')]), state)
    events = await run(state.save(), state)
    assert state.errors == {"logo_svg": "The SVG contains scripts or event handlers, which are not allowed."}
    assert toasts(events, "error") == ["Some fields are not valid."]
    with Session(engine) as s:
        assert branding_for_org(s, world.org_a).logo_svg is None


def test_logo_from_upload_rules():
    assert logo_from_upload("a.SVG", "", SVG.encode()) == SVG
    assert logo_from_upload("a.png", "image/png", PNG).startswith("data:image/png;base64,")
    for name, data, message in [("a.png", b"not png", "This is not a PNG image."),
                                ("a.svg", b"\xff\xfe\x00", "This SVG file cannot be read."),
                                ("a.png", PNG + b"0" * 150_001, "The logo is too large (at most 150 kB).")]:
        try:
            logo_from_upload(name, "", data)
        except ValueError as problem:
            assert str(problem) == message
        else:
            raise AssertionError(name)


async def test_one_organization_cannot_rebrand_another(engine, world):
    state = await signed_in(engine, BrandingState, "admin.b")
    await run(state.load(), state)
    assert state.edit_name == "Org B"
    await run(state.type_color("#ff0000"), state)
    await run(state.save(), state)
    with Session(engine) as s:
        assert branding_for_org(s, world.org_a).primary_color == "#2563eb"
        assert branding_for_org(s, world.org_b).primary_color == "#ff0000"


async def test_non_admins_and_strangers_cannot_save(engine, world):
    state = await signed_in(engine, BrandingState, "planner.one")
    events = await run(state.load(), state)
    assert state.load_error.startswith("You are not allowed") and toasts(events) == []
    state.color_text = "#000000"
    assert toasts(await run(state.save(), state), "error") == [
        "You are not allowed to do this: it needs the 'manage_branding' permission."]
    events = await run(state.upload_logo([_upload("logo.svg", SVG.encode())]), state)
    assert toasts(events, "error") == ["You are not allowed to do this: it needs the 'manage_branding' permission."]
    assert state.preview_logo == ""
    stranger = await new_tab(BrandingState)
    stranger.color_text = "#000000"
    assert asks_to_log_in(await run(stranger.save(), stranger))
    assert asks_to_log_in(await run(stranger.upload_logo([_upload("logo.svg", SVG.encode())]), stranger))
    assert stranger.preview_logo == ""
    with Session(engine) as s:
        assert branding_for_org(s, world.org_a).primary_color == "#2563eb"


def test_accent_scale_is_readable():
    variables = accent_variables("#facc15")          # a light yellow
    assert variables["--accent-9"] == "#facc15" and variables["--accent-contrast"] == "#111111"
    rgb = tuple(int(variables["--accent-11"][i:i + 2], 16) for i in (1, 3, 5))
    assert contrast(rgb, (255, 255, 255)) >= 4.5    # text in the accent colour stays readable on white
    assert text_on("#0f766e") == "#ffffff"
    assert accent_css("not a colour").count("--accent-9: #2563eb") == 1
