"""Breakdown import: a row report, nothing written when any row is wrong, cuts and their tasks when all are right."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlmodel import func, select

from models.studio import StudioCut
from services.core.db import transaction
from services.core.errors import Forbidden, Invalid
from services.studio import breakdown_import, grid
from tests.conftest import T0
from tests.factories.studio import actor, make_studio


@pytest.fixture
def studio(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_studio(session, world)


def _cuts(session) -> int:
    return session.exec(select(func.count()).select_from(StudioCut)).one()


def test_one_bad_row_writes_nothing_and_says_why(session, studio, world):
    admin = world.actor(world.admin_a)
    data = (b"episode;sequence;cut;frame_in;frame_out\n1;S01;C002;1;48\n1;S01;C002;1;10\n1;;C001;1;2\n"
            b"2;;C010;30;10\nx;;C011;;\n")
    before = _cuts(session)
    with transaction(session):
        report = breakdown_import.import_breakdown(session, admin, studio.project_id, "cuts.csv", data, now=T0)
    assert not report.imported and report.error_rows == 4 and _cuts(session) == before
    problems = {r.row: r.problems for r in report.rows}
    assert problems[2] == [] and problems[3] == ["cut C002 is already in row 2."]
    assert problems[4] == ["cut C001 already exists in this project."]
    assert problems[5] == ["frame_out is before frame_in."] and problems[6] == ["episode is not a whole number."]


def test_a_clean_excel_file_creates_cuts_sequences_and_tasks(session, studio, world):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Episode", "Sequence", "Cut", "Frame in", "Frame out", "Description"])
    for n in range(2, 6):
        sheet.append([1, "S01", f"C{n:03d}", 1, 24 * n, f"shot {n}"])
    sheet.append([2, None, "C001", 1, 72, ""])
    out = io.BytesIO()
    book.save(out)
    admin = world.actor(world.admin_a)
    with transaction(session):
        report = breakdown_import.import_breakdown(session, admin, studio.project_id, "cuts.xlsx", out.getvalue(), now=T0)
    assert report.imported and (report.cuts, report.tasks) == (5, 40)
    rows = grid.production_grid(session, admin, studio.project_id, episode_id=studio.episode_id).rows
    assert [r.code for r in rows] == ["C001", "C002", "C003", "C004", "C005"] and rows[2].frames == 72
    with pytest.raises(Invalid):
        breakdown_import.import_breakdown(session, admin, studio.project_id, "cuts.txt", b"cut\nC1", now=T0)
    with pytest.raises(Forbidden):
        breakdown_import.import_breakdown(session, actor(session, studio.artist), studio.project_id, "c.csv",
                                          b"cut\nC9\n", now=T0)
