"""Labels over REST: one label as PNG or SVG, a PDF sheet of many, and what a scanned payload names.

GET /labels/{kind}/{id}.png|.svg?symbology=qr|code128 (kind: LOT, SER, WO, MAC, LOC, SHP);
POST /labels/sheet with a list of {kind, id} answers application/pdf in the chosen layout.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED
from rxapp.i18n import _
from services.core.db import db_session, transaction
from services.trace import labels
from services.trace.labels import LabelKind, Symbology

router = APIRouter(tags=["labels"], responses=AUTHENTICATED)


class LabelRead(BaseModel):
    kind: LabelKind
    id: int
    code: str
    payload: str
    title: str
    subtitle: str


class LayoutRead(BaseModel):
    key: str
    name: str
    per_page: int
    label_w_mm: float
    label_h_mm: float


class SheetItem(BaseModel):
    kind: LabelKind
    id: int


class SheetRequest(BaseModel):
    items: list[SheetItem] = Field(description="The objects to print, in order (at most 1,000).")
    symbology: Symbology = Symbology.QR
    layout: str = Field(default="a4-3x8", description="A key from GET /labels/layouts.")
    skip: int = Field(default=0, description="Places to leave empty at the start of the first sheet.")


def _read(target) -> LabelRead:
    return LabelRead(kind=target.kind, id=target.id, code=target.code, payload=target.payload, title=target.title,
                     subtitle=target.subtitle)


@router.get("/labels/layouts", response_model=list[LayoutRead], summary="Label sizes for PDF sheets")
def list_layouts(actor: CurrentActor) -> list[LayoutRead]:
    return [LayoutRead(key=s.key, name=_(s.name), per_page=s.per_page, label_w_mm=s.label_w, label_h_mm=s.label_h)
            for s in labels.SHEET_LAYOUTS.values()]


@router.get("/labels/resolve", response_model=LabelRead, summary="What a scanned label names (changes nothing)")
def resolve(actor: CurrentActor, payload: Annotated[str, Query(max_length=500)]) -> LabelRead:
    with db_session() as s, transaction(s):
        return _read(labels.resolve(s, actor, payload))


@router.get("/labels/{kind}/{object_id}.png", response_class=Response, summary="One label as PNG (about 300 dpi)",
            responses={200: {"content": {"image/png": {}}}})
def label_png(kind: LabelKind, object_id: int, actor: CurrentActor, symbology: Symbology = Symbology.QR) -> Response:
    with db_session() as s, transaction(s):
        target = labels.label_for(s, actor, kind, object_id)
    return Response(labels.render_png(target, symbology), media_type="image/png",
                    headers={"Content-Disposition": f'inline; filename="{kind.value}-{target.code.replace("/", "-")}.png"'})


@router.get("/labels/{kind}/{object_id}.svg", response_class=Response, summary="One label as SVG (100 x 50 mm)",
            responses={200: {"content": {"image/svg+xml": {}}}})
def label_svg(kind: LabelKind, object_id: int, actor: CurrentActor, symbology: Symbology = Symbology.QR) -> Response:
    with db_session() as s, transaction(s):
        target = labels.label_for(s, actor, kind, object_id)
    return Response(labels.render_svg(target, symbology), media_type="image/svg+xml")


@router.post("/labels/sheet", response_class=Response, summary="A printable PDF of many labels",
             responses={200: {"content": {"application/pdf": {}}}})
def label_sheet(body: SheetRequest, actor: CurrentActor) -> Response:
    with db_session() as s, transaction(s):
        pdf = labels.sheet_pdf(s, actor, [(item.kind, item.id) for item in body.items], body.symbology,
                               layout=body.layout, skip=body.skip)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": 'inline; filename="labels.pdf"'})


@router.get("/labels/{kind}/{object_id}", response_model=LabelRead, summary="One object's label text and payload")
def get_label(kind: LabelKind, object_id: int, actor: CurrentActor) -> LabelRead:
    with db_session() as s, transaction(s):
        return _read(labels.label_for(s, actor, kind, object_id))
