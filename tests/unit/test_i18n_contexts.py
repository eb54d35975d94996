"""Words with two meanings (gettext contexts): `pgettext("ledger", "Account")` in the UI and
`pt("ledger", "Account")` in the services are the catalog's "Account" of context "ledger" (勘定科目, 계정과목),
while `_("Account")` stays the person's account; the context reaches the browser's catalog and its lookup;
stored messages (services/core/messages.to_data) keep template, context and parameters."""
from __future__ import annotations

import json
import pickle
import shutil
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import reflex as rx

from rxapp.i18n import Text, _, catalog, pgettext, use_language
from rxapp.state.language import LanguageState
from services.core.catalogs import context_key, translate
from services.core.messages import from_data, pt, render, t, to_data, word

ROOT = Path(__file__).resolve().parents[2]


def test_the_ledgers_account_and_the_persons_account_are_two_messages():
    for lang, ledger in (("ja", "勘定科目"), ("ko", "계정과목")):
        with use_language(lang):
            assert pgettext("ledger", "Account") == ledger and type(pgettext("ledger", "Account")) is str
            assert _("Account") != ledger and _("Account") == catalog(lang).messages["Account"]
    with use_language("en"):
        assert pgettext("ledger", "Account") == "Account" == _("Account")


def test_a_context_without_a_translation_reads_its_english_id():
    assert translate("Account", "ja", "no-such-context") == "Account"
    assert translate(context_key("Account", "no-such-context"), "ko") == "Account"
    assert translate("Account", "ja", "ledger") == "勘定科目" == translate("ledger\x04Account", "ja")


def test_outside_a_context_pgettext_answers_a_text_whose_id_carries_the_context(monkeypatch):
    text = pgettext("ledger", "Account")
    assert isinstance(text, Text) and text == "Account" and text.msgid == "ledger\x04Account"
    assert pickle.loads(pickle.dumps(text)).msgid == "ledger\x04Account"
    with use_language("ko"):
        assert _(text) == "계정과목"                 # a module constant translated again from its id
    monkeypatch.setenv("TAKT_LANGUAGE", "ja")
    assert pgettext("ledger", "Account") == "勘定科目"


def test_a_page_looks_the_context_up_in_the_browsers_catalog():
    page = str(rx.text(pgettext("ledger", "Account")))
    assert f'takt_tr({LanguageState.lang!s}, {json.dumps("ledger" + chr(4) + "Account")}, "Account")' in page
    assert catalog("ja").messages["ledger\x04Account"] == "勘定科目"          # what /api/v1/i18n/ja serves


def test_a_service_message_with_a_context_renders_in_each_language():
    label = pt("ledger", "Account")
    assert label == "Account" and (label.template, label.context) == ("Account", "ledger")
    assert render(label, "ja") == "勘定科目" and render(label, "ko") == "계정과목" and render(label, "en") == "Account"
    assert pickle.loads(pickle.dumps(label)).context == "ledger" and repr(label) == "pt('ledger', 'Account')"
    with use_language("ko"):
        assert pt("ledger", "Account") == "계정과목"


def test_a_stored_message_comes_back_with_its_context_and_typed_parameters():
    due = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    message = t("{what} {label} due {due:%Y-%m-%d %H:%M}, {day}, {amount} ({ratio}, {count}, {none}, {yes})",
                what=word("Released", "released"), label=pt("ledger", "Account"), due=due, day=date(2026, 3, 2),
                amount=Decimal("1234.50"), ratio=0.5, count=3, none=None, yes=True)
    data = to_data(message)
    assert json.loads(json.dumps(data)) == data                  # JSON as it is stored
    back = from_data(data)
    assert (back.template, back.params["due"], back.params["amount"]) == (message.template, due, Decimal("1234.50"))
    assert back.params["label"].context == "ledger" and back.params["what"].english == "released"
    assert str(back) == str(message) and render(back, "ja") == render(message, "ja")
    assert "勘定科目" in render(back, "ja") and "1,234.50" in render(back, "ja")
    assert from_data(to_data(t("{x}", x=float("nan")))).params["x"] != 0.0


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the browser module")
def test_the_browser_lookup_reads_a_context_id_and_falls_back_to_its_english(tmp_path):
    source = (ROOT / "assets" / "takt_i18n.js").read_text(encoding="utf-8")
    module = source.replace('import { useSyncExternalStore } from "react";', "const useSyncExternalStore = () => 0;")
    assert module != source
    (tmp_path / "takt_i18n.mjs").write_text(module, encoding="utf-8")
    script = tmp_path / "run.mjs"
    script.write_text("""
globalThis.window = { setTimeout: () => 0 };
globalThis.fetch = () => Promise.resolve({ ok: true, json: () => Promise.resolve(
  { "ledger\\u0004Account": "勘定科目", "Account": "アカウント" }) });
const m = await import("./takt_i18n.mjs");
const out = [m.translate("en", "ledger\\u0004Account", "Account"), m.translate("ja", "ledger\\u0004Account", "Account")];
await new Promise((resolve) => setTimeout(resolve, 10));
out.push(m.translate("ja", "ledger\\u0004Account", "Account"), m.translate("ja", "Account", "Account"),
         m.translate("ja", "other\\u0004Account", "Account"), m.english("Plain"));
console.log(JSON.stringify(out));
""", encoding="utf-8")
    result = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["Account", "Account", "勘定科目", "アカウント", "Account", "Plain"]
