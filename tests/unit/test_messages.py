"""Service messages built with keys and parameters (services/core/messages.py): English as a str, rendered in
Japanese and Korean from the catalogs with their parameters, English when a catalog lacks the template, and
every `t()` template of services/ extracted into the catalog template."""
from __future__ import annotations

import pickle
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from rxapp.i18n import _, use_language
from services.core.catalogs import LOCALE_DIR
from services.core.errors import Conflict, Invalid
from services.core.messages import Message, as_message, render, render_fields, t
from services.core.validation import decimal_problem
from tests.factories.catalogs import write_catalog

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_EXISTS = "A product with code {code} exists."


def test_a_message_reads_as_english_and_remembers_its_template_and_parameters():
    message = t(PRODUCT_EXISTS, code="FG-1")
    assert message == "A product with code FG-1 exists." and isinstance(message, str)
    assert (message.template, message.params) == (PRODUCT_EXISTS, {"code": "FG-1"})
    assert pickle.loads(pickle.dumps(message)).params == {"code": "FG-1"}
    assert t("Use {seq:06} in patterns.") == "Use {seq:06} in patterns."     # no parameters: the text as it is


def test_the_real_catalogs_render_a_parameterised_message_in_japanese_and_korean():
    message = t(PRODUCT_EXISTS, code="FG-1")
    assert render(message, "ja") == "コード FG-1 の製品はすでに存在します。"
    assert render(message, "ko") == "코드가 FG-1인 제품이 이미 있습니다."
    assert render(message, "en") == "A product with code FG-1 exists."
    with use_language("ko"):
        assert render(message) == "코드가 FG-1인 제품이 이미 있습니다." and _(message) == render(message, "ko")


def test_an_unknown_template_falls_back_to_english_with_its_parameters():
    message = t("Nobody translated {thing} yet.", thing="this")
    assert render(message, "ja") == "Nobody translated this yet." == render(message, "ko")


def test_a_translation_whose_placeholders_do_not_fit_falls_back_to_english(tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_LOCALE_PATH", str(write_catalog(tmp_path, "ja", {"{n} lots of {code}": "{count} ロット"})))
    assert render(t("{n} lots of {code}", n=3, code="X"), "ja") == "3 lots of X"


def test_nested_messages_dates_and_decimals_are_written_in_the_language(tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_LOCALE_PATH", str(write_catalog(tmp_path, "ja", {
        "{what} is due on {day}, {amount} left.": "{what}の期限は {day}、残り {amount}。",
        "The order": "注文", "{ratio:.1f} done": "{ratio:.1f} 完了"})))
    message = t("{what} is due on {day}, {amount} left.", what=t("The order"), day=date(2026, 3, 2),
                amount=Decimal("1234.50"))
    assert message == "The order is due on 2026-03-02, 1234.50 left."
    assert render(message, "ja") == "注文の期限は 2026/03/02、残り 1,234.50。"
    assert render(t("{ratio:.1f} done", ratio=0.25), "ja") == "0.2 完了"       # a format spec keeps its value
    moment = t("{what} is due on {day}, {amount} left.", what="X", day=datetime(2026, 3, 2, 9, 5, tzinfo=UTC),
               amount=Decimal(3))
    assert render(moment, "ja") == "Xの期限は 2026/03/02 9:05:00、残り 3。"


def test_domain_errors_keep_messages_and_field_messages_as_messages():
    error = Conflict(t(PRODUCT_EXISTS, code="FG-1"), fields={"code": t("Already used."), "name": "Required."})
    assert isinstance(error.message, Message) and error.message.params == {"code": "FG-1"}
    assert str(error) == "A product with code FG-1 exists. code: Already used. name: Required."
    assert render_fields(error.fields, "ja") == {"code": "すでに使われています。", "name": "必須です。"}
    assert as_message("Required.").template == "Required." and Invalid().message == "Some fields are not valid."


def test_field_problems_from_shared_checks_carry_their_parameters():
    problem = decimal_problem("1.23456", places=2, max_digits=10)
    assert problem == "Use at most 2 decimal places." and render(problem, "ko") == "소수점 이하 2자리까지만 사용하세요."
    below = decimal_problem("-1", places=2, max_digits=10, minimum=Decimal("0.5"))
    assert render(below, "ja") == "0.5 以上にしてください。"


def test_every_service_message_template_is_in_the_catalog_template():
    in_code = {msg[2] for msg in extract_from_dir(str(ROOT), method_map=[("services/**.py", "python")],
                                                  keywords={"t": None}) if isinstance(msg[2], str)}
    with open(LOCALE_DIR / "takt.pot", encoding="utf-8") as f:
        in_catalog = {m.id for m in read_po(f) if m.id}
    assert PRODUCT_EXISTS in in_code
    missing = sorted(in_code - in_catalog)
    assert not missing, f"new service messages; update the catalogs with: python -m rxapp.i18n ({missing[:5]})"


def test_export_headers_given_as_messages_are_written_in_the_language_being_served():
    from services.core.exports import to_csv
    from services.master.products import PRODUCT_COLUMNS
    rows = [{"code": "FG-1", "standard_cost": Decimal("12.5"), "ref": "x"}]
    columns = [c for c in PRODUCT_COLUMNS if c[0] in ("code", "standard_cost")] + [("ref", "Code")]
    assert to_csv(rows, columns).decode("utf-8-sig").splitlines()[0] == "Code,Standard cost,Code"
    with use_language("ja"):
        header = to_csv(rows, columns).decode("utf-8-sig").splitlines()[0]
    assert header == "コード,標準原価,Code"            # a plain header (an import template's) stays as written


def test_inside_a_persons_context_a_message_reads_in_their_language_and_keeps_its_template():
    with use_language("ja"):
        message = t(PRODUCT_EXISTS, code="FG-1")
        outside = t("{what} not found.", what=t("Product"))
    assert message == "コード FG-1 の製品はすでに存在します。" and message.template == PRODUCT_EXISTS
    assert render(message, "en") == "A product with code FG-1 exists." and render(message, "ko") == render(
        t(PRODUCT_EXISTS, code="FG-1"), "ko")
    assert outside == "製品が見つかりません。" and render(outside, "en") == "Product not found."


def test_a_status_word_keeps_lower_case_english_and_takes_the_status_labels_translation():
    from models.orders import OrderStatus
    from services.production.transitions import ORDER_TRANSITIONS, InvalidTransition, check_transition
    try:
        check_transition(t("Order {number}", number="SO-1"), OrderStatus.DONE, OrderStatus.RELEASED, ORDER_TRANSITIONS)
    except InvalidTransition as refused:
        error = refused
    assert error.message == ("Order SO-1 is done and cannot become released. From done it can become: "
                             "nothing (it is final).")
    assert render(error.message, "ja").startswith("注文 SO-1 は 完了 のため リリース済み にできません。")
    assert render(error.fields["status"], "ko") == "완료 상태에서는 허용되지 않습니다."


def test_quality_and_shopfloor_refusals_render_in_japanese_and_korean():
    from services.quality.inspection_plans import _check_spec
    problems: dict[str, str] = {}
    _check_spec({"lsl": Decimal(5), "usl": Decimal(1), "nominal": Decimal(9), "chart_type": "xbar_r",
                 "subgroup_size": 30}, problems)
    assert render(problems["usl"], "ja") == "上限は下限より大きくしてください。"
    assert render(problems["subgroup_size"], "ko") == "X-bar 관리도의 부분군은 값 2~25개입니다."
    assert render(t("Unknown {what}.", what=t("internal reject")), "ja") == "不明な社内不良です。"
