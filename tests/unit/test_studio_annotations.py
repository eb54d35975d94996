"""Drawn annotations: a reviewer's strokes on an image of the version under review are checked, saved with
the QC decision and read back by the artist; anything not on this version's image is refused."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.studio_work import StudioReview
from services.core.db import transaction
from services.core.errors import Invalid
from services.studio import reviews
from services.studio.annotations import Annotation, Stroke, parse_annotation
from services.studio.files import Upload
from services.studio.reviews import Decision
from tests.conftest import T0
from tests.factories.studio import actor, make_studio, png

PDF = Upload(filename="notes.pdf", content_type="application/pdf", data=b"%PDF-1.4 notes")


@pytest.fixture
def studio(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_studio(session, world)


def _submit(session, studio, uploads=None):
    with transaction(session):
        return reviews.submit_version(session, actor(session, studio.artist), studio.task_id, uploads or [png()],
                                      now=T0)


def _reject(session, studio, annotation):
    with transaction(session):
        return reviews.decide(session, actor(session, studio.lead), studio.task_id, "qc1",
                              Decision(decision="reject", comment="fix the hand", annotation=annotation),
                              now=T0 + timedelta(hours=1))


def test_strokes_are_saved_with_the_decision_and_the_artist_sees_them(session, studio):
    image = _submit(session, studio).files[0]
    drawn = Annotation(file_id=image.id, strokes=[
        Stroke(color="#FF0000", width=4, points=[(0.1, 0.2), (0.123456, 0.25), (0.3, 0.4)]),
        Stroke(points=[(0.9, 0.9), (1.0, 1.0)])])
    decided = _reject(session, studio, drawn)
    assert decided.annotation is not None and decided.annotation.file_id == image.id
    seen = reviews.reviews(session, actor(session, studio.artist), studio.task_id)
    assert [r.annotation for r in seen] == [Annotation(file_id=image.id, strokes=[
        Stroke(color="#ff0000", width=4, points=[(0.1, 0.2), (0.1235, 0.25), (0.3, 0.4)]),
        Stroke(color="#e5484d", width=3, points=[(0.9, 0.9), (1.0, 1.0)])])]


def test_a_decision_without_drawing_keeps_no_annotation(session, studio):
    image = _submit(session, studio).files[0]
    assert _reject(session, studio, Annotation(file_id=image.id, strokes=[])).annotation is None
    assert session.exec(select(StudioReview.annotation)).one() is None


@pytest.mark.parametrize("stroke, message", [
    (Stroke(color="red", points=[(0, 0), (1, 1)]), "A colour is #rrggbb."),
    (Stroke(width=0.5, points=[(0, 0), (1, 1)]), "A line is 1 to 24 pixels wide."),
    (Stroke(points=[(0.5, 0.5)]), "A stroke has 2 to 2000 points."),
    (Stroke(points=[(0.5, 0.5), (1.2, 0.5)]), "Points lie on the image (0 to 1)."),
    (Stroke(points=[(0.5, 0.5), (float("nan"), 0.5)]), "Points lie on the image (0 to 1)."),
])
def test_bad_strokes_are_refused_and_nothing_is_decided(session, studio, stroke, message):
    image = _submit(session, studio).files[0]
    with pytest.raises(Invalid) as refused:
        _reject(session, studio, Annotation(file_id=image.id, strokes=[stroke]))
    assert refused.value.fields == {"annotation": message}
    assert session.exec(select(StudioReview)).all() == []


def test_only_images_of_the_version_under_review_take_drawings(session, studio, world):
    old = _submit(session, studio).files[0]
    _reject(session, studio, None)
    latest = _submit(session, studio, [PDF, png("v2.png")])
    pdf = next(f for f in latest.files if f.content_type == "application/pdf")
    line = [Stroke(points=[(0, 0), (1, 1)])]
    with pytest.raises(Invalid) as earlier:
        _reject(session, studio, Annotation(file_id=old.id, strokes=line))
    assert earlier.value.fields == {"annotation": "Not a file of this version."}
    with pytest.raises(Invalid) as not_image:
        _reject(session, studio, Annotation(file_id=pdf.id, strokes=line))
    assert not_image.value.fields == {"annotation": "Not an image."}
    with pytest.raises(Invalid):
        _reject(session, studio, Annotation(file_id=10**9, strokes=line))


def test_parse_reads_the_canvas_json():
    assert parse_annotation("") is None
    parsed = parse_annotation('{"file_id": 3, "strokes": [{"color": "#00ff00", "width": 2, "points": [[0, 0], [1, 1]]}]}')
    assert parsed == Annotation(file_id=3, strokes=[Stroke(color="#00ff00", width=2, points=[(0, 0), (1, 1)])])
    with pytest.raises(Invalid) as bad:
        parse_annotation('{"strokes": "scribble"}')
    assert bad.value.fields == {"annotation": "Not a drawing."}
