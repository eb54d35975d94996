"""Breakdown import: cuts/shots from a CSV (UTF-8, comma or semicolon) or Excel (.xlsx) file, with a
report per row, all or nothing.

Columns (first row): `cut` (required), `episode` (a number, optional: episodes are created when
missing), `sequence` (optional code, created when missing), `frame_in`, `frame_out`, `description`.
Invariants: every row is checked before anything is written (empty or over-long code, numbers,
frame_out before frame_in, a cut twice in the file or already in the project); with one problem
anywhere nothing is written and the report says which rows and why; otherwise the episodes,
sequences and cuts are inserted set-based and the tasks of every new cut made by one INSERT ...
SELECT (services/studio/breakdown.py). STUDIO_MANAGE; one audit entry, activity row and event.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from models.base import id_map, pk, row_ids, table_of
from models.studio import StudioCut, StudioEpisode, StudioSequence
from services.core.access import Actor
from services.core.errors import Invalid
from services.core.messages import t
from services.studio.breakdown import create_tasks
from services.studio.common import announce, get_project, require_manager
from services.studio.events import ProjectBreakdownImported

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
COLUMNS = ("cut", "episode", "sequence", "frame_in", "frame_out", "description")


class ImportRow(BaseModel):
    row: int
    episode: str = ""
    sequence: str = ""
    cut: str = ""
    frame_in: str = ""
    frame_out: str = ""
    problems: list[str] = []


class ImportReport(BaseModel):
    filename: str
    rows: list[ImportRow]
    error_rows: int
    imported: bool
    cuts: int = 0
    tasks: int = 0


def import_breakdown(session: Session, actor: Actor, project_id: int, filename: str, data: bytes, *,
                     now: datetime, dry_run: bool = False) -> ImportReport:
    require_manager(actor)
    get_project(session, actor, project_id, for_update=True)
    header, table = _read(filename, data)
    columns = {name: header.index(name) for name in COLUMNS if name in header}
    if "cut" not in columns:
        raise Invalid(t("The first row must name the columns: cut (required), episode, sequence, frame_in, frame_out, "
                        "description."), fields={"file": t("No 'cut' column.")})
    rows = [_row(number, values, columns) for number, values in table]
    _duplicates_and_existing(session, project_id, rows)
    report = ImportReport(filename=filename, rows=rows, error_rows=sum(1 for r in rows if r.problems), imported=False)
    if report.error_rows or dry_run:
        return report
    report.cuts, report.tasks = _write(session, actor, project_id, rows, table, columns, now)
    report.imported = True
    announce(session, actor, ProjectBreakdownImported, project_id,
             {"import": {"before": None, "after": {"file": filename, "cuts": report.cuts, "tasks": report.tasks}}},
             project_id=project_id, now=now)
    return report


def _read(filename: str, data: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    name = (filename or "").lower().strip()
    if not name.endswith((".csv", ".xlsx")):
        raise Invalid(t("Upload a .csv or .xlsx file."), fields={"file": t("Not a CSV or Excel file.")})
    if len(data) > MAX_BYTES or not data.strip():
        raise Invalid(t("The file is empty or larger than {limit} MB.", limit=MAX_BYTES // (1024 * 1024)),
                      fields={"file": t("Empty or too large.")})
    table = _xlsx(data) if name.endswith(".xlsx") else _csv(data)
    table = [(n, v) for n, v in table if any(_text(x) for x in v)]
    if len(table) < 2 or len(table) > MAX_ROWS + 1:
        raise Invalid(t("The file needs a header row and 1 to {limit} cuts.", limit=MAX_ROWS), fields={"file": t("No rows.")})
    header = [re.sub(r"[\s-]+", "_", _text(h).lower()) for h in table[0][1]]
    return header, table[1:]


def _csv(data: bytes) -> list[tuple[int, list]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(t("Save the CSV as UTF-8."), fields={"file": t("Not UTF-8.")}) from None
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
    return list(enumerate(reader, start=1))


def _xlsx(data: bytes) -> list[tuple[int, list]]:
    import openpyxl
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise Invalid(t("The file is not a readable Excel workbook."), fields={"file": t("Not .xlsx.")}) from None
    try:
        return [(n, list(v)) for n, v in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _int(text: str, name: str, problems: list[str]) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d{1,9}", text):
        problems.append(t("{column} is not a whole number.", column=name))
        return None
    return int(text)


def _row(number: int, values: list, columns: dict[str, int]) -> ImportRow:
    def cell(name: str) -> str:
        i = columns.get(name)
        return _text(values[i]) if i is not None and i < len(values) else ""
    row = ImportRow(row=number, episode=cell("episode"), sequence=cell("sequence"), cut=cell("cut"),
                    frame_in=cell("frame_in"), frame_out=cell("frame_out"))
    if not row.cut:
        row.problems.append(t("cut is empty."))
    elif len(row.cut) > 32:
        row.problems.append(t("{column} is longer than {limit} characters.", column="cut", limit=32))
    if len(row.sequence) > 32:
        row.problems.append(t("{column} is longer than {limit} characters.", column="sequence", limit=32))
    episode = _int(row.episode, "episode", row.problems)
    if episode is not None and not 1 <= episode <= 10_000:
        row.problems.append(t("episode must be between {low} and {high}.", low=1, high=10000))
    first, last = _int(row.frame_in, "frame_in", row.problems), _int(row.frame_out, "frame_out", row.problems)
    if first is not None and last is not None and last < first:
        row.problems.append(t("frame_out is before frame_in."))
    if len(cell("description")) > 2000:
        row.problems.append(t("{column} is longer than {limit} characters.", column="description", limit=2000))
    return row


def _duplicates_and_existing(session: Session, project_id: int, rows: list[ImportRow]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r.episode, r.cut)
        if r.cut and key in seen:
            r.problems.append(t("cut {cut} is already in row {row}.", cut=r.cut, row=seen[key]))
        seen.setdefault(key, r.row)
    existing = set(session.exec(select(StudioEpisode.number, StudioCut.code)
                                .join(StudioEpisode, col(StudioEpisode.id) == StudioCut.episode_id, isouter=True)
                                .where(StudioCut.project_id == project_id)).all())
    for r in rows:
        number = int(r.episode) if r.episode.isdigit() else None
        if r.cut and (number, r.cut) in existing:
            r.problems.append(t("cut {cut} already exists in this project.", cut=r.cut))


def _write(session: Session, actor: Actor, project_id: int, rows: list[ImportRow], table, columns,
           now: datetime) -> tuple[int, int]:
    org = actor.organization_id
    numbers = sorted({int(r.episode) for r in rows if r.episode})
    have = set(session.exec(select(StudioEpisode.number).where(StudioEpisode.project_id == project_id)).all())
    new = [{"organization_id": org, "project_id": project_id, "number": n, "name": ""} for n in numbers if n not in have]
    if new:
        session.execute(sa.insert(table_of(StudioEpisode)), new)
    episodes = id_map(session.exec(select(StudioEpisode.number, StudioEpisode.id)
                                 .where(StudioEpisode.project_id == project_id)).all())
    sequences = _sequences(session, org, project_id, rows, episodes)
    descriptions = {n: _text(v[columns["description"]]) if "description" in columns and columns["description"] < len(v)
                    else "" for n, v in table}
    cuts: list[dict[str, Any]] = [{"organization_id": org, "project_id": project_id, "episode_id": episodes.get(int(r.episode)) if r.episode
             else None, "sequence_id": sequences.get((r.episode, r.sequence)), "code": r.cut, "position": i,
             "frame_in": int(r.frame_in) if r.frame_in else None, "frame_out": int(r.frame_out) if r.frame_out else None,
             "description": descriptions.get(r.row, ""), "custom": {}, "created_at": now, "updated_at": now,
             "created_by": actor.user_id, "updated_by": actor.user_id} for i, r in enumerate(rows, start=1)]
    session.execute(sa.insert(table_of(StudioCut)), cuts)
    keys = {(c["episode_id"], c["code"]) for c in cuts}
    cut_ids = row_ids(i for i, e, code in session.exec(select(StudioCut.id, StudioCut.episode_id, StudioCut.code).where(
        StudioCut.project_id == project_id, col(StudioCut.code).in_([c["code"] for c in cuts]))).all() if (e, code) in keys)
    return len(cuts), create_tasks(session, actor, project_id, "cut", cut_ids=cut_ids, now=now)


def _sequences(session: Session, org: int, project_id: int, rows: list[ImportRow],
               episodes: dict[int, int]) -> dict[tuple[str, str], int]:
    wanted = {(r.episode, r.sequence) for r in rows if r.sequence}
    found: dict[tuple[str, str], int] = {}
    for episode, code in sorted(wanted):
        episode_id = episodes.get(int(episode)) if episode else None
        row = session.exec(select(StudioSequence).where(StudioSequence.project_id == project_id,
                                                        StudioSequence.episode_id == episode_id,
                                                        StudioSequence.code == code)).first()
        if row is None:
            row = StudioSequence(organization_id=org, project_id=project_id, episode_id=episode_id, code=code)
            session.add(row)
            session.flush()
        found[(episode, code)] = pk(row)
    return found
