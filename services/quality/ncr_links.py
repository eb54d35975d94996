"""What an NCR is about beyond its product: links to lots, internal rejects and customer returns.

A link names a row of the actor's organization and plants, by id or by number; a lot number that
Takt does not track (yet) is kept as a free reference, while rejects and returns must exist. A
link is added to an open NCR by quality staff (services/quality/ncr.py rules), audited and announced
(`ncr.linked`).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from models.base import pk
from models.lots import Lot
from models.ncr import NcrLink
from models.rejects import CustomerReturn, InternalReject
from services.core.access import Actor
from services.core.errors import Conflict, Invalid
from services.core.messages import t
from services.core.validation import check
from services.master.common import announce
from services.quality.ncr import ENTITY, LinkRead, writable_ncr

LINK_KINDS = ("lot", "internal_reject", "customer_return")
LINK_MODELS: dict[str, type[Any]] = {                     # Lot | InternalReject | CustomerReturn
    "lot": Lot, "internal_reject": InternalReject, "customer_return": CustomerReturn}


def add_link(session: Session, actor: Actor, ncr_id: int, kind: str, *, target_id: int | None = None,
             reference: str = "", now: datetime) -> LinkRead:
    """Link a lot, an internal reject or a customer return of the organization, by id or by number.
    A lot number Takt does not track yet is kept as a free reference; rejects and returns must exist."""
    ncr = writable_ncr(session, actor, ncr_id)
    reference = (reference or "").strip()
    problems: dict[str, str] = {}
    if kind not in LINK_KINDS:
        problems["kind"] = t("Choose lot, internal_reject or customer_return.")
    if target_id is None and not reference:
        problems["reference"] = t("Give an id or a number.")
    if len(reference) > 64:
        problems["reference"] = t("Use at most 64 characters.")
    check(problems)
    target_id, reference = _resolve_link(session, actor, kind, target_id, reference)
    exists = session.exec(select(NcrLink).where(NcrLink.ncr_id == ncr.id, NcrLink.kind == kind,
                                                NcrLink.target_id == target_id, NcrLink.reference == reference)).first()
    if exists:
        raise Conflict(t("This link exists already."))
    link = NcrLink(organization_id=actor.organization_id, ncr_id=pk(ncr), kind=kind, target_id=target_id,
                   reference=reference)
    session.add(link)
    session.flush()
    announce(session, actor, ENTITY, ncr.id, "link", {"kind": kind, "target_id": target_id, "reference": reference},
             now=now, plant_id=ncr.plant_id, event="ncr.linked")
    return LinkRead.model_validate(link, from_attributes=True)


def _resolve_link(session: Session, actor: Actor, kind: str, target_id: int | None,
                  reference: str) -> tuple[int | None, str]:
    model = LINK_MODELS[kind]
    if target_id is not None:
        row = session.get(model, target_id)
    else:
        row = session.exec(select(model).where(model.organization_id == actor.organization_id,
                                               model.number == reference)).first()
    if row is not None and row.organization_id == actor.organization_id and row.plant_id in actor.plant_ids:
        return row.id, row.number
    if kind == "lot" and target_id is None:
        return None, reference                    # a lot Takt does not track (yet): a free reference
    what = {"lot": t("lot"), "internal_reject": t("internal reject"), "customer_return": t("customer return")}[kind]
    raise Invalid(t("Unknown {what}.", what=what), fields={"reference": t("No {what} with this id or number.", what=what)})
