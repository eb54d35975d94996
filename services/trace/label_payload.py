"""Label payloads: the fixed text a label carries, `TAKT1|<kind>|<org_slug>|<code>`, and the object it names.

Invariants: `encode` and `parse` are inverse (`parse(encode(k, s, c)) == LabelPayload(k, s, c)`);
`parse` is strict (see services/trace/labels.py, which re-exports everything here); nothing here reads
more than the actor's organization slug, and nothing is written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from models.organization import Organization
from services.core.access import Actor
from services.core.errors import Invalid
from services.core.messages import Message, t, word

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


KIND_WORDS: dict[LabelKind, Message] = {       # inside sentences: lower-case English, the kind's name translated
    LabelKind.LOT: word(t("Lot"), "lot"), LabelKind.SER: word(t("Serial number"), "serial number"),
    LabelKind.WO: word(t("Work order"), "work order"), LabelKind.MAC: word(t("Machine"), "machine"),
    LabelKind.LOC: word(t("Location"), "location"), LabelKind.SHP: word(t("Shipment"), "shipment"),
}
KIND_NAMES: dict[LabelKind, Message] = {       # at the start of a sentence
    LabelKind.LOT: t("Lot"), LabelKind.SER: t("Serial number"), LabelKind.WO: t("Work order"),
    LabelKind.MAC: t("Machine"), LabelKind.LOC: t("Location"), LabelKind.SHP: t("Shipment"),
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
        raise LabelError("malformed", t("Nothing was scanned."))
    parts = text.split(SEPARATOR)
    if parts[0].upper() != PREFIX:
        raise LabelError("malformed", t("This is not a Takt label."))
    if len(parts) != 4:
        raise LabelError("malformed", t("This label is damaged or incomplete: scan it again or type its number."))
    kind = _kind(parts[1])
    slug, code = parts[2], parts[3]
    _check_slug(slug)
    _check_code(code)
    if org_slug is not None and slug != org_slug:
        raise LabelError("foreign_org", t("This label belongs to another company ({company}), not to yours.", company=slug))
    return LabelPayload(kind, slug, code)


def org_slug_of(session: Session, actor: Actor) -> str:
    return session.get_one(Organization, actor.organization_id).slug


def _kind(text: str) -> LabelKind:
    try:
        return LabelKind(text.strip().upper())
    except ValueError:
        raise LabelError("unknown_kind", t("Unknown label kind ({kind}): this is not a label Takt prints.",
                                          kind=repr(text[:10]))) from None


def _check_slug(slug: str) -> None:
    if not _SLUG_RE.match(slug or ""):
        raise LabelError("malformed", t("This label's company part is damaged: scan it again or type its number."))


def _check_code(code: str) -> None:
    if not code or len(code) > MAX_CODE_LENGTH or not _CODE_RE.match(code):
        raise LabelError("malformed", t("This label's number is damaged or empty: scan it again or type its number."))
