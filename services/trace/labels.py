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

`choices(session, actor, kind, search=...)` lists objects to print labels for. The finders per kind
(work orders, machines, lots, serials, locations, shipments) live in `services/trace/label_targets.py`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from models.organization import Organization
from services.core.access import Actor, Permission, require
from services.core.errors import Invalid

PREFIX = "TAKT1"
SEPARATOR = "|"
MAX_CODE_LENGTH = 80
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
_CODE_RE = re.compile(r"^[\x21-\x7b\x7d\x7e]+$")     # printable ASCII without space and '|'


class LabelKind(StrEnum):
    LOT = "LOT"
    SER = "SER"
    WO = "WO"
    MAC = "MAC"
    LOC = "LOC"
    SHP = "SHP"


KIND_WORDS: dict[LabelKind, str] = {
    LabelKind.LOT: "lot", LabelKind.SER: "serial number", LabelKind.WO: "work order",
    LabelKind.MAC: "machine", LabelKind.LOC: "location", LabelKind.SHP: "shipment",
}


class LabelError(Invalid):
    """A scanned or typed payload that is not a Takt label of this organization."""

    def __init__(self, reason: str, message: str):
        super().__init__(message, fields={"payload": message})
        self.reason = reason


@dataclass(frozen=True)
class LabelPayload:
    kind: LabelKind
    org_slug: str
    code: str

    def text(self) -> str:
        return encode(self.kind, self.org_slug, self.code)


@dataclass(frozen=True)
class LabelTarget:
    """The object a label names, with the words printed on its label."""
    kind: LabelKind
    id: int
    code: str
    org_slug: str
    plant_id: int | None
    title: str                  # e.g. "Lot LOT-000123"
    subtitle: str = ""          # e.g. the product's name

    @property
    def payload(self) -> str:
        return encode(self.kind, self.org_slug, self.code)


def encode(kind: LabelKind | str, org_slug: str, code: str) -> str:
    """The payload for one object; refuses what `parse` would refuse (so every printed label scans)."""
    kind = _kind(str(kind))
    _check_slug(org_slug)
    _check_code(code)
    return SEPARATOR.join((PREFIX, kind.value, org_slug, code))


def parse(raw: str | None, *, org_slug: str | None = None) -> LabelPayload:
    """The payload in `raw`; with `org_slug`, a label of another organization is refused."""
    text = (raw or "").strip()
    if not text:
        raise LabelError("malformed", "Nothing was scanned.")
    parts = text.split(SEPARATOR)
    if parts[0].upper() != PREFIX:
        raise LabelError("malformed", "This is not a Takt label.")
    if len(parts) != 4:
        raise LabelError("malformed", "This label is damaged or incomplete: scan it again or type its number.")
    kind = _kind(parts[1])
    slug, code = parts[2], parts[3]
    _check_slug(slug)
    _check_code(code)
    if org_slug is not None and slug != org_slug:
        raise LabelError("foreign_org", f"This label belongs to another company ({slug}), not to yours.")
    return LabelPayload(kind, slug, code)


def org_slug_of(session: Session, actor: Actor) -> str:
    org = session.get(Organization, actor.organization_id)
    return org.slug


def resolve(session: Session, actor: Actor, raw: str, *, kinds: tuple[LabelKind, ...] | None = None) -> LabelTarget:
    """The object a scanned payload names, in the actor's organization and plants (writes nothing).
    `kinds` limits what is acceptable here (e.g. only lots and serials when packing)."""
    from services.trace import label_targets
    payload = parse(raw, org_slug=org_slug_of(session, actor))
    if kinds is not None and payload.kind not in kinds:
        wanted = " or ".join(KIND_WORDS[k] for k in kinds)
        raise LabelError("wrong_kind", f"This is a {KIND_WORDS[payload.kind]} label: scan a {wanted} label here.")
    return label_targets.find_by_code(session, actor, payload)


def label_for(session: Session, actor: Actor, kind: LabelKind | str, object_id: int) -> LabelTarget:
    """The label of one object the actor may see (NotFound otherwise)."""
    from services.trace import label_targets
    require(actor, Permission.VIEW)
    return label_targets.find_by_id(session, actor, _kind(str(kind)), object_id)


def labels_for(session: Session, actor: Actor, items: list[tuple[LabelKind | str, int]]) -> list[LabelTarget]:
    """Labels for many objects, in the order asked (for a sheet); at most 1,000."""
    if not items:
        raise Invalid("Pick at least one label to print.", fields={"items": "Required."})
    if len(items) > 1000:
        raise Invalid("Print at most 1,000 labels at a time.", fields={"items": "Too many."})
    return [label_for(session, actor, kind, object_id) for kind, object_id in items]


def choices(session: Session, actor: Actor, kind: LabelKind | str, *, search: str = "",
            limit: int = 200) -> list[LabelTarget]:
    """Objects of one kind the actor may label (VIEW), newest first, filtered by number or code."""
    from services.trace import label_targets
    require(actor, Permission.VIEW)
    return label_targets.candidates(session, actor, _kind(str(kind)), search=search, limit=limit)


def _kind(text: str) -> LabelKind:
    try:
        return LabelKind(text.strip().upper())
    except ValueError:
        raise LabelError("unknown_kind", f"Unknown label kind ({text[:10]!r}): this is not a label Takt prints.") from None


def _check_slug(slug: str) -> None:
    if not _SLUG_RE.match(slug or ""):
        raise LabelError("malformed", "This label's company part is damaged: scan it again or type its number.")


def _check_code(code: str) -> None:
    if not code or len(code) > MAX_CODE_LENGTH or not _CODE_RE.match(code):
        raise LabelError("malformed", "This label's number is damaged or empty: scan it again or type its number.")


from services.trace.label_render import (  # noqa: E402
    SHEET_LAYOUTS,
    SheetLayout,
    Symbology,
    render_png,
    render_sheet_pdf,
    render_svg,
)

__all__ = ["KIND_WORDS", "LabelError", "LabelKind", "LabelPayload", "LabelTarget", "PREFIX", "SHEET_LAYOUTS",
           "SheetLayout", "Symbology", "choices", "encode", "label_for", "labels_for", "org_slug_of", "parse", "render_png",
           "render_sheet_pdf", "render_svg", "resolve"]
