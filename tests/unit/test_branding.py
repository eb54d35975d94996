"""An organization's branding: display name, colour and logo (services/org/branding.py)."""
from __future__ import annotations

import base64

import pytest
from sqlmodel import select

from models.audit import AuditEntry
from models.base import utcnow
from models.organization import OrganizationBranding
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid
from services.org import branding
from services.org.branding import BrandingUpdate
from tests.factories.db import fetch, snapshot

UNSAFE = "The SVG contains scripts or event handlers, which are not allowed."
SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
LOGO = f'<svg {SVG_NS} viewBox="0 0 10 10"><rect width="10" height="10" fill="#0f766e"/></svg>'
INKSCAPE_LOGO = f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->
<svg {SVG_NS} xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="32" height="32">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
  <g inkscape:label="Layer 1"><circle cx="16" cy="16" r="15" fill="url(#g)"/>
  <use xlink:href="#g"/><text x="4" y="20">Acme</text></g>
</svg>"""


def update(session, actor, *, now=None, **fields):
    with transaction(session):
        return branding.update_branding(session, actor, BrandingUpdate(**fields), now=now or utcnow())


def refused_update(session, engine, actor, error, **fields):
    before = snapshot(engine)
    with pytest.raises(error) as caught:
        update(session, actor, **fields)
    assert snapshot(engine) == before
    return caught.value


def test_default_branding_comes_from_the_organization(session, world):
    for who, name in [(world.admin_a, "Org A"), (world.operator1, "Org A"), (world.admin_b, "Org B")]:
        b = branding.get_branding(session, world.actor(who))
        assert (b.display_name, b.primary_color, b.logo_svg) == (name, branding.DEFAULT_COLOR, None)


def test_without_a_branding_row_the_organization_name_is_used(session, world):
    with transaction(session):
        session.delete(session.exec(select(OrganizationBranding).where(
            OrganizationBranding.organization_id == world.org_a)).one())

    b = branding.get_branding(session, world.actor(world.operator1))

    assert (b.organization_id, b.display_name, b.primary_color, b.logo_svg) == (world.org_a, "Org A", "#2563eb", None)


def test_admin_updates_name_colour_and_logo(session, engine, world, now, captured_events):
    b = update(session, world.actor(world.admin_a), now=now, display_name=" Acme ", primary_color="#0F766E", logo_svg=LOGO)

    assert (b.display_name, b.primary_color, b.logo_svg) == ("Acme", "#0f766e", LOGO)
    assert branding.get_branding(session, world.actor(world.operator1)) == b
    assert branding.get_branding(session, world.actor(world.admin_b)).display_name == "Org B"
    [entry] = fetch(engine, AuditEntry, AuditEntry.entity == "branding")
    assert (entry.action, entry.user_id, entry.organization_id, entry.at) == ("update", world.admin_a, world.org_a, now)
    assert entry.changes["primary_color"] == {"before": "#2563eb", "after": "#0f766e"}
    assert entry.changes["display_name"] == {"before": "Org A", "after": "Acme"}
    assert entry.changes["logo_svg"]["after"].endswith("…")          # long values are shortened in the trail
    assert [(e.name, e.organization_id) for e in captured_events] == [("branding.updated", world.org_a)]


def test_an_empty_logo_removes_it(session, world):
    admin = world.actor(world.admin_a)
    update(session, admin, logo_svg=LOGO)

    assert update(session, admin, logo_svg="").logo_svg is None


def test_an_unchanged_update_is_not_audited(session, engine, world, captured_events):
    update(session, world.actor(world.admin_a), primary_color="#2563EB", display_name="Org A")

    assert fetch(engine, AuditEntry, AuditEntry.entity == "branding") == []
    assert captured_events == []


@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "2563eb", "#ggg000", ""])
def test_colour_must_be_hash_rrggbb(session, engine, world, colour):
    error = refused_update(session, engine, world.actor(world.admin_a), Invalid, primary_color=colour)
    assert error.fields == {"primary_color": "Use a colour like #2563eb."}


@pytest.mark.parametrize("name, problem", [("  ", "Required."), ("N" * 201, "Use at most 200 characters.")])
def test_display_name_is_required_and_bounded(session, engine, world, name, problem):
    error = refused_update(session, engine, world.actor(world.admin_a), Invalid, display_name=name)
    assert error.fields == {"display_name": problem}


@pytest.mark.parametrize("logo", [
    f"<svg {SVG_NS}><script>alert(1)</script></svg>",
    f"<svg {SVG_NS}><SCRIPT >alert(1)</SCRIPT></svg>",
    f'<svg {SVG_NS} onload="alert(1)"><rect/></svg>',
    f'<svg {SVG_NS}><rect ONCLICK = "alert(1)"/></svg>',
    f'<svg {SVG_NS}><a href="javascript:alert(1)"><text>x</text></a></svg>',
    f'<svg {SVG_NS}><foreignObject><div>x</div></foreignObject></svg>',
    # the same tricks hidden from a text search:
    f'<svg {SVG_NS}><image href="x"onerror="alert(1)"/></svg>',                   # no space before the handler
    f'<svg {SVG_NS}><a href="&#x6A;avascript:alert(1)"><text>x</text></a></svg>',   # entity-encoded scheme
    f'<svg {SVG_NS}><a href=" jav&#x09;ascript:alert(1)"><text>x</text></a></svg>',  # tab inside the scheme
    f'<svg {SVG_NS}><set attributeName="onmouseover" to="alert(1)"/></svg>',
    f'<svg {SVG_NS}><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    f'<svg {SVG_NS}><p><style><img src="x"/></style></p></svg>',                 # HTML elements break out of SVG
    f'<svg {SVG_NS}><iframe src="https://evil.example"/></svg>',
], ids=["script", "script-upper", "onload", "onclick-spaces", "javascript-href", "foreignObject",
        "handler-without-space", "entity-javascript", "tab-javascript", "set-handler", "animate-href",
        "html-breakout", "iframe"])
def test_svg_with_scripts_or_event_handlers_is_refused(session, engine, world, logo):
    error = refused_update(session, engine, world.actor(world.admin_a), Invalid, logo_svg=logo)
    assert error.fields == {"logo_svg": UNSAFE}


def test_a_base64_svg_data_url_is_inspected_too(session, engine, world):
    evil = base64.b64encode(f'<svg {SVG_NS} onload="alert(1)"/>'.encode()).decode()
    error = refused_update(session, engine, world.actor(world.admin_a), Invalid, logo_svg=f"data:image/svg+xml;base64,{evil}")
    assert error.fields == {"logo_svg": UNSAFE}


@pytest.mark.parametrize("logo, problem", [
    ("<html><body>logo</body></html>", "Use an SVG document or an image file."),
    ("https://example.com/logo.png", "Use an SVG document or an image file."),
    (f'<!DOCTYPE svg [<!ENTITY x "y">]><svg {SVG_NS}/>', "Use an SVG document or an image file."),
    (f"<svg {SVG_NS}><rect></svg>", "The SVG is not well-formed: check that every tag is closed."),
    ("data:text/html;base64,PHNjcmlwdD4=", "Use a PNG, JPEG or SVG image."),
    ("data:image/png;base64,not base64!", "Use a PNG, JPEG or SVG image."),
    (f"<svg {SVG_NS}>{'<g/>' * 50_000}</svg>", "The logo is too large (at most 200 kB)."),
], ids=["html", "url", "doctype", "unclosed", "html-data-url", "bad-base64", "too-large"])
def test_other_logo_problems(session, engine, world, logo, problem):
    error = refused_update(session, engine, world.actor(world.admin_a), Invalid, logo_svg=logo)
    assert error.fields == {"logo_svg": problem}


@pytest.mark.parametrize("logo", [
    LOGO,
    INKSCAPE_LOGO,
    f'<svg {SVG_NS}><a href="https://acme.example"><text>Acme</text></a></svg>',
    "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n....").decode(),
    "data:image/svg+xml;base64," + base64.b64encode(LOGO.encode()).decode(),
], ids=["plain", "inkscape", "link", "png-data-url", "svg-data-url"])
def test_ordinary_logos_are_accepted(session, world, logo):
    assert update(session, world.actor(world.admin_a), logo_svg=logo).logo_svg == logo.strip()


@pytest.mark.parametrize("who", ["operator1", "planner1"])
def test_only_admins_change_branding(session, engine, world, who):
    error = refused_update(session, engine, world.actor(getattr(world, who)), Forbidden, primary_color="#000000")
    assert str(error) == "You are not allowed to do this: it needs the 'manage_branding' permission."
