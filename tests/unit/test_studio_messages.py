"""Studio messages in the person's language: the breakdown import's row report, refusals of the breakdown,
reviews, uploads and timesheets render in Japanese and Korean with their parameters, and the dashboard's
export headers are written in the language being served."""
from __future__ import annotations

import pytest

from rxapp.i18n import use_language
from services.core.db import transaction
from services.core.errors import Conflict, DomainError, Invalid, NotFound
from services.core.exports import to_csv
from services.core.messages import render
from services.studio import breakdown, breakdown_import, dashboard, files, reviews, timesheets
from tests.conftest import T0
from tests.factories.studio import actor, make_studio


@pytest.fixture
def studio(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_studio(session, world)


def refusal(session, call) -> DomainError:
    with pytest.raises(DomainError) as raised, transaction(session):
        call()
    return raised.value


def test_a_korean_managers_breakdown_import_report_reads_in_korean(session, studio, world):
    data = (b"episode;sequence;cut;frame_in;frame_out\n1;S01;C002;1;48\n1;S01;C002;1;10\n1;;C001;1;2\n"
            b"2;;C010;30;10\nx;;C011;;\n3;;;;\n")
    with use_language("ko"), transaction(session):
        report = breakdown_import.import_breakdown(session, world.actor(world.admin_a), studio.project_id, "cuts.csv",
                                                   data, now=T0)
    assert not report.imported and report.error_rows == 5
    problems = {r.row: r.problems for r in report.rows}
    assert problems[2] == [] and problems[3] == ["컷 C002은(는) 이미 2행에 있습니다."]
    assert problems[4] == ["컷 C001이(가) 이 프로젝트에 이미 있습니다."]
    assert problems[5] == ["frame_out이 frame_in보다 앞입니다."] and problems[6] == ["episode이(가) 정수가 아닙니다."]
    assert problems[7] == ["cut이 비어 있습니다."]
    assert [render(p, "en") for p in problems[3]] == ["cut C002 is already in row 2."]    # the template is kept


def test_an_import_file_refused_as_a_whole_in_japanese(session, studio, world):
    error = refusal(session, lambda: breakdown_import.import_breakdown(
        session, world.actor(world.admin_a), studio.project_id, "cuts.txt", b"cut\nC1\n", now=T0))
    assert isinstance(error, Invalid)
    assert render(error.message, "ja") == ".csv または .xlsx ファイルをアップロードしてください。"
    assert render(error.fields["file"], "ko") == "CSV 또는 Excel 파일이 아닙니다."
    too_big = refusal(session, lambda: breakdown_import.import_breakdown(
        session, world.actor(world.admin_a), studio.project_id, "cuts.csv", b"", now=T0))
    assert render(too_big.message, "ja") == "ファイルが空か、10 MB を超えています。"


def test_breakdown_refusals_name_cuts_and_studio_assets_in_japanese_and_korean(session, studio, world):
    admin = world.actor(world.admin_a)
    exists = refusal(session, lambda: breakdown.create_cut(session, admin, studio.project_id, breakdown.CutCreate(
        code="C001", episode_id=studio.episode_id), now=T0))
    assert isinstance(exists, Conflict) and exists.message == "Cut C001 exists."
    assert (render(exists.message, "ja"), render(exists.message, "ko")) == ("カット C001 はすでに存在します。",
                                                                          "컷 C001이(가) 이미 있습니다.")
    with use_language("ja"):
        frames = refusal(session, lambda: breakdown.create_cut(session, admin, studio.project_id, breakdown.CutCreate(
            code="C900", frame_in=10, frame_out=2), now=T0))
        missing = refusal(session, lambda: breakdown.get_asset(session, admin, 999_999))
    assert frames.fields == {"frame_out": "開始フレーム以降にしてください。"}
    assert isinstance(missing, NotFound) and missing.message == "スタジオのアセットが見つかりません。"
    assert render(missing.message, "en") == "Asset not found." and render(missing.message, "ko") == (
        "스튜디오 에셋을(를) 찾을 수 없습니다.")


def test_review_upload_and_timesheet_refusals_in_korean(session, studio):
    lead, artist = actor(session, studio.lead), actor(session, studio.artist)
    with use_language("ko"):
        no_comment = refusal(session, lambda: reviews.decide(session, lead, studio.task_id, "qc1",
                                                             reviews.Decision(decision="reject"), now=T0))
        no_files = refusal(session, lambda: reviews.submit_version(session, artist, studio.task_id, [], now=T0))
        bad_kind = refusal(session, lambda: files.check_upload(session, studio.world.org_a, files.Upload(
            "notes.exe", "application/x-msdownload", b"MZ")))
        duration = refusal(session, lambda: timesheets.parse_duration("25:00"))
    assert (no_comment.message, no_comment.fields) == ("리테이크할 내용을 입력하세요.", {"comment": "반려 시 필수입니다."})
    assert no_files.message == "파일을 하나 이상 첨부하세요." and no_files.fields == {"files": "필수 항목입니다."}
    assert bad_kind.message == "notes.exe: 이 종류의 파일은 허용되지 않습니다."
    assert bad_kind.fields["files"].startswith("허용 형식: ")
    assert duration.message == "시간은 1:30, 1.5 또는 90m 형식으로 입력하세요(최대 24시간)."


def test_the_dashboards_export_headers_are_written_in_the_language_being_served():
    with use_language("ja"):
        header = to_csv([], dashboard.LATE_COLUMNS).decode("utf-8-sig").splitlines()[0]
    assert header == "タスク,カット,工程,ステータス,期限,担当者"
    assert to_csv([], dashboard.LATE_COLUMNS).decode("utf-8-sig").splitlines()[0] == "Task,Cut,Step,Status,Due,Assignee"
