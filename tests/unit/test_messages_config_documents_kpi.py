"""Messages of configuration, document control, KPIs and core checks raised through their services: English as
before, and the same refusal rendered in Japanese and Korean from the catalogs with its parameters (numbers in
the language's format, statuses and names as the catalogs translate them); inside a person's request the
message reads in their language at once."""
from __future__ import annotations

from datetime import date

import pytest

from models.organization import Plant
from services.config import custom_fields, form_layouts, type_lists
from services.config.custom_fields import CustomFieldCreate
from services.config.type_lists import ValueCreate
from services.core.db import transaction
from services.core.errors import Conflict, Invalid
from services.core.exports import to_csv
from services.core.languages import use_language
from services.core.messages import render, render_fields
from services.core.svg import svg_problem
from services.documents import change_orders, revisions
from services.documents.change_orders import ChangeOrderCreate
from services.kpi import dashboard
from services.kpi.dashboard import DashboardFilters
from services.kpi.plant_calendar import kpi_calendar
from services.master import products  # noqa: F401  (registers the product form)
from tests.conftest import T0
from tests.factories.db import committed
from tests.factories.doc_control import make_document, make_shop, write_revision
from tests.factories.shopfloor import make_floor


def test_a_custom_value_out_of_range_is_refused_with_its_bound_and_unit_in_each_language(session, world):
    admin = world.actor(world.admin_a)
    with transaction(session):
        custom_fields.create_definition(session, admin, CustomFieldCreate(
            entity_type="product", key="weight", label="Weight", field_type="number", unit="kg",
            min_value="0.5", max_value="1500"), now=T0)
    with pytest.raises(Invalid) as refused:
        custom_fields.validate(session, admin, "product", {"weight": "2000"})
    problem = refused.value.fields["custom.weight"]
    assert problem == "Must be at most 1500 kg."
    assert render(problem, "ja") == "1,500 kg 以下にしてください。"
    assert render(problem, "ko") == "1,500 kg 이하여야 합니다."
    with use_language("ko"), pytest.raises(Invalid) as low:             # a Korean planner's request
        custom_fields.validate(session, admin, "product", {"weight": "0.1"})
    assert low.value.fields["custom.weight"] == "0.5 kg 이상이어야 합니다."
    assert render(low.value.fields["custom.weight"], "en") == "Must be at least 0.5 kg."


def test_a_type_list_value_in_use_and_a_retired_value_are_refused_in_each_language(session, world):
    admin = world.actor(world.admin_a)
    with transaction(session):
        value = type_lists.create_value(session, admin, "defect_codes", ValueCreate(code="PORE", label="Porosity"),
                                        now=T0)
    used = {value.id}
    type_lists.register_usage("defect_codes", lambda s, org, value_id: 3 if value_id in used else 0)
    try:
        with pytest.raises(Conflict) as refused, transaction(session):
            type_lists.delete_value(session, admin, "defect_codes", value.id, now=T0)
        message = refused.value.message
        assert message == "Porosity is in use (3 times), so it stays in the history: retire it instead."
        assert render(message, "ja") == "Porosity は使用されている（3 回）ため履歴に残ります。代わりに廃止してください。"
        assert render(message, "ko") == "Porosity은(는) 사용 중(3회)이므로 이력에 남습니다. 대신 사용 중지하세요."
        with transaction(session):
            type_lists.set_value_active(session, admin, "defect_codes", value.id, False, now=T0)
        with use_language("ja"), pytest.raises(Invalid) as retired:
            type_lists.require_value(session, admin, "defect_codes", value.id, field="defect_code_id")
        assert retired.value.fields == {"defect_code_id": "Porosity は廃止されています。別の値を選んでください。"}
    finally:
        used.clear()


def test_a_form_layouts_refusals_name_the_builtin_field_in_the_language(session, world):
    admin = world.actor(world.admin_a)
    layout = form_layouts.get_layout(session, admin, "product")
    sections = [{"title": "", "fields": [{"key": f.key, "required": False} for f in s.fields]}
                for s in layout.sections]
    with pytest.raises(Invalid) as refused:
        form_layouts.save_layout(session, admin, "product", form_layouts.FormLayoutSave.model_validate(
            {"sections": sections}), now=T0)
    fields = render_fields(refused.value.fields, "ja")
    assert fields["sections.0.title"] == "セクションに見出しを付けてください。"
    assert fields["sections.0.code"] == "コード は常に必須です。"
    assert render(refused.value.fields["sections.0.code"], "ko") == "코드은(는) 항상 필수입니다."


@pytest.fixture
def shop(session, world, tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_STUDIO_FILES", str(tmp_path / "files"))
    return make_shop(session, world)


def test_document_refusals_carry_the_revision_and_its_status_word(session, shop):
    engineer = shop.actor(shop.engineer)
    doc_id = make_document(session, engineer, "product", shop.floor.line.product_id, kind="drawing")
    rev_id = write_revision(session, engineer, doc_id)
    with transaction(session):
        revisions.submit_revision(session, engineer, rev_id, now=T0)
    with pytest.raises(Conflict) as refused:
        revisions.submit_revision(session, engineer, rev_id, now=T0)
    message = refused.value.message
    assert message == "DOC-000001 revision A is review: only a draft is submitted."
    assert render(message, "ja") == "DOC-000001 の改訂 A はレビュー中です。提出できるのは下書きだけです。"
    assert render(message, "ko") == "DOC-000001의 개정 A은(는) 검토 중 상태입니다. 초안만 제출할 수 있습니다."
    with transaction(session):
        order = change_orders.create_change_order(session, engineer, ChangeOrderCreate(title="Thicker"), now=T0)
    with use_language("ja"), pytest.raises(Conflict) as listed:          # a Japanese engineer's request
        change_orders.add_revision(session, engineer, order.id, rev_id, now=T0)
    assert listed.value.message == "DOC-000001 の改訂 A はレビュー中です。変更指示に登録できるのは下書きだけです。"
    with pytest.raises(Invalid) as empty:
        change_orders.submit_change_order(session, engineer, order.id, now=T0)
    assert render(empty.value.message, "ko") == "먼저 CO-000001에 문서 개정을 하나 이상 등록하세요."
    assert render_fields(empty.value.fields, "ja") == {"items": "必須です。"}


def test_kpi_refusals_read_in_the_language_with_their_numbers(session, world):
    make_floor(session, world.org_a, world.plant1, world.dept1)
    viewer = world.actor(world.planner1)
    with pytest.raises(Invalid) as too_long:
        dashboard.window(DashboardFilters(plant_id=1, period="custom", start_day=date(2024, 1, 1),
                                          end_day=date(2026, 3, 1)), "UTC", T0)
    assert too_long.value.message == "Pick at most 366 days."
    assert render(too_long.value.message, "ja") == "366 日以内で選んでください。"
    assert render_fields(too_long.value.fields, "ko") == {"end_day": "시작일과 너무 멉니다."}
    night = T0.replace(hour=23)
    with use_language("ja"), pytest.raises(Invalid) as no_shift:
        committed(session, dashboard.dashboard_scope, viewer, DashboardFilters(plant_id=world.plant1, period="shift"),
                  now=night)
    assert no_shift.value.message == "現在稼働中のシフトはありません。別の期間を選んでください。"
    assert render(no_shift.value.fields["period"], "ko") == "현재 근무조가 없습니다."
    with pytest.raises(Invalid) as no_calendar:
        kpi_calendar(session, session.get(Plant, world.plant2))
    code = session.get(Plant, world.plant2).code
    assert render(no_calendar.value.message, "ko") == (
        f"공장 {code}에 근무 캘린더가 없습니다. 기준 정보 > 근무 캘린더에서 만드세요.")
    assert render(no_calendar.value.message, "en").startswith(f"Plant {code} has no shift calendar")


def test_core_checks_and_export_headers_read_in_the_language():
    problem = svg_problem("<svg><script>alert(1)</script></svg>")
    assert problem == "The SVG contains scripts or event handlers, which are not allowed."
    assert render(problem, "ja") == "SVG にスクリプトまたはイベントハンドラーが含まれています。これらは使用できません。"
    rows = [{"at": T0, "n": 1}]
    assert to_csv(rows, [("at", "At"), "n"]).decode("utf-8-sig").splitlines()[0] == "At (UTC),n"
    with use_language("ja"):
        assert to_csv(rows, [("at", "At"), "n"]).decode("utf-8-sig").splitlines()[0] == "At（UTC）,n"
