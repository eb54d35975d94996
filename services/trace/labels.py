"""Labels: the payload a label carries, the object behind it, and the label itself (PNG, SVG, PDF sheet).

Payload (fixed, documented for printers and scanners): `TAKT1|<kind>|<org_slug>|<code>`, kind one of
`LOT`, `SER`, `WO`, `MAC`, `LOC`, `SHP`. `<code>` is the object's human number or code: a lot or serial
number, a work-order number, a shipment number; machines and locations are unique per plant, so their
code is `<plant code>/<code>` (e.g. `TAKT1|MAC|acme|BER/CNC-01`).

Invariants:
- `encode` and `parse` are inverse: `parse(encode(k, s, c)) == LabelPayload(k, s, c)`.
- `parse` is strict: anything but exactly four `|`-separated fields, the `TAKT1` prefix, a known kind, a
  valid organization slug and a printable code is `LabelError` (an `Invalid` with `reason` = "malformed",
  "unknown_kind" or "foreign_org" and a message a shop-floor person understands). Only surrounding
  whitespace (a scanner's CR/LF) is forgiven; prefix and kind are read case-insensitively.
- `resolve` turns a scanned payload into the object it names, in the actor's organization and plants
  only: a label of another organization is refused (`foreign_org`), an unknown code is `NotFound`.
  Nothing is written by parsing or resolving.
- `label_for` builds the printable label for an object the actor may see (VIEW); rendering lives in
  `services/trace/label_render.py` and is re-exported here (`render_png`, `render_svg`, `render_sheet_pdf`).
- `sheet_pdf` is the printed sheet people get (UI and API): every label in the organization's branding (`brand_of`:
  its name, colour and logo, and the label's plant as the sender's place), like the packing list.

`choices(session, actor, kind, search=...)` lists objects to print labels for. The payload format
(kinds, `encode`, `parse`) lives in `services/trace/label_payload.py`, the finders per kind (work
orders, machines, lots, serials, locations, shipments) in `services/trace/label_targets.py`; both are
re-exported here.
"""
from __future__ import annotations

import unicodedata

from sqlmodel import Session, col, select

from models.organization import Plant
from services.core.access import Actor, Permission, require
from services.core.display_names import display_name
from services.core.errors import Invalid
from services.core.messages import t
from services.org.branding import branding_for_org
from services.org.pdf import logo_bytes, rgb
from services.trace import label_targets
from services.trace.label_payload import (
    KIND_WORDS,
    MAX_CODE_LENGTH,
    PREFIX,
    SEPARATOR,
    LabelError,
    LabelKind,
    LabelPayload,
    LabelTarget,
    _kind,
    encode,
    org_slug_of,
    parse,
)
from services.trace.label_render import (
    SHEET_LAYOUTS,
    LabelBrand,
    SheetLayout,
    Symbology,
    render_png,
    render_sheet_pdf,
    render_svg,
)
from services.trace.lots import either

__all__ = ["KIND_WORDS", "MAX_CODE_LENGTH", "PREFIX", "SEPARATOR", "SHEET_LAYOUTS", "LabelError", "LabelKind",
           "LabelBrand", "LabelPayload", "LabelTarget", "SheetLayout", "Symbology", "brand_of", "choices", "encode",
           "label_for", "labels_for", "org_slug_of", "parse", "render_png", "render_sheet_pdf", "render_svg", "resolve",
           "sheet_pdf"]


def resolve(session: Session, actor: Actor, raw: str, *, kinds: tuple[LabelKind, ...] | None = None) -> LabelTarget:
    """The object a scanned payload names, in the actor's organization and plants (writes nothing).
    `kinds` limits what is acceptable here (e.g. only lots and serials when packing). The payload is read
    NFKC-normalized: a keyboard-wedge scanner typing through a Japanese or Korean IME sends full-width text."""
    raw = unicodedata.normalize("NFKC", raw or "")
    payload = parse(raw, org_slug=org_slug_of(session, actor))
    if kinds is not None and payload.kind not in kinds:
        wanted = either([KIND_WORDS[k] for k in kinds])
        raise LabelError("wrong_kind", t("This is a {kind} label: scan a {wanted} label here.",
                                        kind=KIND_WORDS[payload.kind], wanted=wanted))
    return label_targets.find_by_code(session, actor, payload)


def label_for(session: Session, actor: Actor, kind: LabelKind | str, object_id: int) -> LabelTarget:
    """The label of one object the actor may see (NotFound otherwise)."""
    require(actor, Permission.VIEW)
    return label_targets.find_by_id(session, actor, _kind(str(kind)), object_id)


def labels_for(session: Session, actor: Actor, items: list[tuple[LabelKind | str, int]]) -> list[LabelTarget]:
    """Labels for many objects, in the order asked (for a sheet); at most 1,000."""
    if not items:
        raise Invalid(t("Pick at least one label to print."), fields={"items": t("Required.")})
    if len(items) > 1000:
        raise Invalid(t("Print at most 1,000 labels at a time."), fields={"items": t("Too many.")})
    return [label_for(session, actor, kind, object_id) for kind, object_id in items]


def choices(session: Session, actor: Actor, kind: LabelKind | str, *, search: str = "",
            limit: int = 200) -> list[LabelTarget]:
    """Objects of one kind the actor may label (VIEW), newest first, filtered by number or code."""
    require(actor, Permission.VIEW)
    return label_targets.candidates(session, actor, _kind(str(kind)), search=search, limit=limit)


def brand_of(session: Session, actor: Actor, targets: list[LabelTarget]) -> LabelBrand:
    """The organization's branding for a sheet of `targets`: name, colour, logo, and each label's plant by name."""
    brand = branding_for_org(session, actor.organization_id)
    plant_ids = {target.plant_id for target in targets if target.plant_id is not None}
    plants = session.exec(select(Plant).where(Plant.organization_id == actor.organization_id,
                                              col(Plant.id).in_(plant_ids))).all() if plant_ids else []
    return LabelBrand(name=brand.display_name, color=rgb(brand.primary_color), logo=logo_bytes(brand.logo_svg),
                      places=tuple((p.id, f"{display_name(p)} ({p.code})") for p in plants if p.id is not None))


def sheet_pdf(session: Session, actor: Actor, items: list[tuple[LabelKind | str, int]],
              symbology: Symbology | str = Symbology.QR, *, layout: str = "a4-3x8", skip: int = 0) -> bytes:
    """The printable sheet of these objects' labels (VIEW), each in the organization's branding."""
    targets = labels_for(session, actor, items)
    return render_sheet_pdf(targets, symbology, layout=layout, skip=skip, brand=brand_of(session, actor, targets))
