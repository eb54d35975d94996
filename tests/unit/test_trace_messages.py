"""Traceability messages in the person's language: refusals raised by lots, packing, shipments, labels and
recalls render in Japanese and Korean with their parameters (status words included), a scanning station
finds the machine-readable reason of a refusal whatever language it was shown in, and the trace report's
CSV headers and PDF are written in the language being served."""
from __future__ import annotations

import pytest

from models.scans import ScanMode
from rxapp.i18n import use_language
from services.core.db import transaction
from services.core.errors import Conflict, DomainError, Invalid, NotFound
from services.core.messages import render
from services.trace import labels, lots, recall, report, scanning, shipment_packing, shipments
from services.trace.scanning import ScanRequest
from tests.conftest import T0
from tests.factories.scanning import make_shipment, payload, receive_lot, station
from tests.factories.trace import make_trace_world
from tests.unit.test_pdf import page_text


@pytest.fixture
def tw(session):
    return make_trace_world(session)


def refusal(session, call) -> DomainError:
    with pytest.raises(DomainError) as raised, transaction(session):
        call()
    return raised.value


def test_packing_a_held_lot_is_refused_with_its_status_in_japanese_and_korean(session, tw):
    held = receive_lot(session, tw, tw.bracket, 5)
    with transaction(session):
        lots.hold(session, tw.quality, held.id, reason="Burr", now=T0)
    shipment_id = make_shipment(session, tw, tw.bracket, 5)
    error = refusal(session, lambda: shipment_packing.pack(session, tw.admin, shipment_id, lot_id=held.id, now=T0))
    assert isinstance(error, Conflict)
    assert error.message == f"Lot {held.number} is on hold: you cannot pack it."
    assert render(error.message, "ja") == f"ロット {held.number} は保留中のため、梱包できません。"
    assert render(error.message, "ko") == f"로트 {held.number}은(는) 보류 상태이므로 포장할 수 없습니다."
    assert render(error.fields["lot"], "ja") == "ロットは保留中です。"


def test_a_japanese_persons_refusals_are_written_in_japanese_when_raised(session, tw):
    lot = receive_lot(session, tw, tw.bracket, 3)
    shipment_id = make_shipment(session, tw, tw.bracket, 10)
    with use_language("ja"):
        too_much = refusal(session, lambda: shipment_packing.pack(session, tw.admin, shipment_id, lot_id=lot.id,
                                                                  quantity=4, now=T0))
        nothing = refusal(session, lambda: shipments.ship(session, tw.admin, shipment_id, carrier="DHL",
                                                          tracking_number="", now=T0))
        missing = refusal(session, lambda: lots.lot_by_number(session, tw.viewer, "LOT-404"))
    assert too_much.message == f"ロット {lot.number} には 3 pcs しかありません。"
    assert too_much.fields["quantity"] == "3 以下にしてください。"
    assert nothing.message.startswith("出荷 ") and nothing.message.endswith(" にはまだ何も梱包されていません。")
    assert isinstance(missing, NotFound) and missing.message == "ロット LOT-404 が見つかりません。"
    assert render(missing.message, "en") == "Lot LOT-404 not found."       # the template is kept


def test_a_cancelled_shipments_transition_and_a_label_of_the_wrong_kind_in_korean(session, tw):
    shipment_id = make_shipment(session, tw, tw.bracket, 5)
    with transaction(session):
        shipments.cancel(session, tw.admin, shipment_id, reason="Customer called", now=T0)
    closed = refusal(session, lambda: shipments.ship(session, tw.admin, shipment_id, carrier="DHL",
                                                     tracking_number="", now=T0))
    assert render(closed.message, "ko").endswith("은(는) 취소됨 상태이므로 더 이상 변경할 수 없습니다.")
    lot = receive_lot(session, tw, tw.bracket, 5)
    shp = payload(session, tw, "SHP", shipment_id)
    with use_language("ko"), pytest.raises(Invalid) as wrong:
        labels.resolve(session, tw.admin, shp, kinds=(labels.LabelKind.LOT, labels.LabelKind.SER))
    assert wrong.value.message == "이것은 출하 라벨입니다. 여기서는 로트 또는 시리얼 번호 라벨을 스캔하세요."
    assert render(wrong.value.message, "en") == ("This is a shipment label: scan a lot or serial number label "
                                                 "here.")
    with use_language("ja"):
        label = labels.label_for(session, tw.viewer, "LOT", lot.id)
    assert label.title == f"ロット {lot.number}"


def test_a_recall_without_a_starting_point_is_refused_in_japanese(session, tw):
    error = refusal(session, lambda: recall.hold_affected(session, tw.quality, recall.RecallQuery(), reason="Crack",
                                                          now=T0))
    assert render(error.message, "ja") == ("リコールの起点は、ロット 1 つ、仕入先ロット番号 1 つ、または設備 1 台と"
                                           "期間のいずれかにしてください。")
    assert render(error.fields["query"], "ko") == "시작점을 정확히 하나 지정하세요."


@pytest.mark.parametrize("language, words", [
    ("ja", "不明なラベルです: あなたの工場にロット LOT-999999 はありません。"),
    ("ko", "알 수 없는 라벨입니다: 귀하의 공장에 로트 LOT-999999이(가) 없습니다."),
    ("en", "Unknown label: no lot LOT-999999 in your plants."),
])
def test_a_station_finds_the_unknown_label_reason_in_any_language(session, tw, language, words):
    dock = station(session, tw)
    with use_language(language), transaction(session):
        answer = scanning.scan(session, dock, ScanRequest(mode=ScanMode.MOVE, raw="TAKT1|LOT|org-a|LOT-999999"),
                               now=T0)
    assert (answer.ok, answer.reason, answer.message) == (False, "unknown_label", words)


def test_a_station_finds_the_on_hold_reason_of_a_japanese_refusal(session, tw):
    dock = station(session, tw)
    held = receive_lot(session, tw, tw.bracket, 5)
    with transaction(session):
        lots.hold(session, tw.quality, held.id, reason="Burr", now=T0)
    shipment_id = make_shipment(session, tw, tw.bracket, 5)
    with use_language("ja"), transaction(session):
        answer = scanning.scan(session, dock, ScanRequest(mode=ScanMode.PACK, raw=payload(session, tw, "LOT", held.id),
                                                          shipment_id=shipment_id), now=T0)
    assert (answer.ok, answer.reason) == (False, "on_hold") and "保留中" in answer.message


def test_the_trace_report_is_written_in_the_language_being_served(session, tw):
    lot = receive_lot(session, tw, tw.steel, 10)
    with use_language("ko"):
        header = report.report_csv(session, tw.viewer, lot.id).decode("utf-8-sig").splitlines()[0]
    assert header.startswith("방향,레벨,노드,로트 / 출하,제품,")
    assert report.report_csv(session, tw.viewer, lot.id).decode("utf-8-sig").startswith("Direction,Level,Node,")
    with use_language("ja"):
        text = page_text(report.report_pdf(session, tw.viewer, lot.id))
    assert f"ロット {lot.number} のトレース" in text and "仕入先／顧客" in text and "受入" in text
