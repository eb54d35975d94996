"""Drawn annotations: the strokes a reviewer draws over an image of the version under review, saved with
the QC decision (StudioReview.annotation) and shown to the artist over the same image.

Invariants: an annotation names an image file of the version being decided (another version's file, a
video or a file of another organization is refused); a point is (x, y) as fractions of the image's width
and height (0..1, rounded to 1/10,000), so the drawing fits the image at any size it is shown; at most
MAX_STROKES strokes of 2..MAX_POINTS points; a colour is #rrggbb; a width is 1..MAX_WIDTH screen pixels.
An empty drawing is no annotation.
"""
from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from models.base import pk
from models.studio_work import StudioFile
from services.core.errors import Invalid
from services.core.messages import t

MAX_STROKES = 200
MAX_POINTS = 2000
MAX_WIDTH = 24.0
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
FIELD = "annotation"


class Stroke(BaseModel):
    color: str = "#e5484d"
    width: float = 3.0
    points: list[tuple[float, float]]


class Annotation(BaseModel):
    file_id: int
    strokes: list[Stroke] = []


def parse_annotation(text: str) -> Annotation | None:
    """An annotation sent as JSON (the drawing canvas); None for nothing drawn, Invalid for anything else."""
    if not text.strip():
        return None
    try:
        return Annotation.model_validate_json(text)
    except ValidationError as error:
        raise Invalid(t("The drawing could not be read."), fields={FIELD: t("Not a drawing.")}) from error


def checked_annotation(session: Session, organization_id: int, version_id: int, annotation: Annotation | None
            ) -> dict[str, Any] | None:
    """The annotation as stored (a JSON object), or None when nothing is drawn; Invalid says what is wrong."""
    if annotation is None or not annotation.strokes:
        return None
    row = session.get(StudioFile, annotation.file_id)
    if row is None or row.organization_id != organization_id or row.version_id != version_id:
        raise Invalid(t("Draw on an image of the version under review."),
                      fields={FIELD: t("Not a file of this version.")})
    if not row.content_type.startswith("image/"):
        raise Invalid(t("{file} is not an image: drawings go on images.", file=row.filename),
                      fields={FIELD: t("Not an image.")})
    if len(annotation.strokes) > MAX_STROKES:
        raise Invalid(t("At most {limit} strokes.", limit=MAX_STROKES), fields={FIELD: t("Too many strokes.")})
    strokes = []
    for stroke in annotation.strokes:
        if not COLOR.match(stroke.color):
            raise Invalid(fields={FIELD: t("A colour is #rrggbb.")})
        if not 1 <= stroke.width <= MAX_WIDTH:
            raise Invalid(fields={FIELD: t("A line is 1 to {limit:g} pixels wide.", limit=MAX_WIDTH)})
        if not 2 <= len(stroke.points) <= MAX_POINTS:
            raise Invalid(fields={FIELD: t("A stroke has 2 to {limit} points.", limit=MAX_POINTS)})
        if any(not (0 <= x <= 1 and 0 <= y <= 1) for x, y in stroke.points):
            raise Invalid(fields={FIELD: t("Points lie on the image (0 to 1).")})
        strokes.append({"color": stroke.color.lower(), "width": round(stroke.width, 1),
                        "points": [[round(x, 4), round(y, 4)] for x, y in stroke.points]})
    return {"file_id": pk(row), "strokes": strokes}
