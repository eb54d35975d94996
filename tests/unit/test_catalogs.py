"""Every catalog other than English is complete and safe to use: each message id of the template
(rxapp/locale/takt.pot) has a translation that is neither empty nor fuzzy, in every plural form the
catalog's Plural-Forms declares; each translation keeps the placeholders of its message id (brace
fields like `{n}` or `{idle:.0f}`, and `%(name)s` / `%s` in python-format messages), so formatting a
translated message cannot raise or drop a value; and the catalog compiles to a `.mo` without errors.
A message with a context (msgctxt: `pgettext("ledger", "Account")`) is its own message: it needs its own
translation, and is checked and compiled under its context.

Catalogs are found as rxapp/locale/<lang>/LC_MESSAGES/takt.po; Japanese and Korean must be among them."""
from __future__ import annotations

import gettext
import string
from collections import Counter
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.checkers import PYTHON_FORMAT
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[2] / "rxapp" / "locale"
TEMPLATE = LOCALE_DIR / "takt.pot"
SHOWN = 20


def _languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/takt.po")
                  if p.parent.parent.name != "en")


LANGUAGES = _languages()


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang)


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _read(TEMPLATE)


@pytest.fixture(scope="module", params=LANGUAGES)
def catalog(request: pytest.FixtureRequest) -> Catalog:
    return _read(LOCALE_DIR / request.param / "LC_MESSAGES" / "takt.po", request.param)


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (str(message.id),)


def _name(message: Message) -> str:
    """How a message is named in a report: its ids, and its context in brackets."""
    ids = " | ".join(_ids(message))
    return f"[{message.context}] {ids}" if message.context else ids


def _untranslated(template: Catalog, catalog: Catalog) -> list[str]:
    """The template's messages (each under its context) the catalog has no usable translation for."""
    missing: list[str] = []
    for wanted in template:
        if not wanted.id:
            continue
        message = catalog.get(wanted.id, context=wanted.context)
        strings = _strings(message) if message is not None else ()
        forms = catalog.num_plurals if wanted.pluralizable else 1
        if (message is None or message.fuzzy or len(strings) != forms
                or not all(s and s.strip() for s in strings)):
            missing.append(_name(wanted))
    return missing


def _strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, (tuple, list)):
        return tuple(s or "" for s in message.string)
    return (message.string or "",)


def _brace_fields(text: str) -> Counter[tuple[str, str, str]] | None:
    """The `{field!conversion:spec}` placeholders of `text`; None if it is not a valid format string."""
    try:
        return Counter((name, conversion or "", spec or "")
                       for _literal, name, spec, conversion in string.Formatter().parse(text) if name is not None)
    except ValueError:
        return None


def _percent_fields(text: str) -> list[tuple[str | None, str]]:
    """The `%(name)s` / `%d` placeholders of `text` in order, without the literal `%%`."""
    return [(m.group(1), m.group(3)) for m in PYTHON_FORMAT.finditer(text)
            if not (m.group(3) == "%" and m.group(1) is None)]


def _placeholder_problem(message: Message, source: str, translation: str) -> str | None:
    expected = _brace_fields(source)
    if expected is not None and _brace_fields(translation) != expected:
        return f"{source!r} -> {translation!r}: brace placeholders differ"
    if "python-format" in message.flags:
        want, got = _percent_fields(source), _percent_fields(translation)
        named = all(name for name, _kind in want)
        if (Counter(want) != Counter(got)) if named else (want != got):
            return f"{source!r} -> {translation!r}: %-placeholders differ"
    return None


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_japanese_and_korean_are_among_the_catalogs(lang: str):
    assert lang in LANGUAGES, f"no rxapp/locale/{lang}/LC_MESSAGES/takt.po; catalogs found: {LANGUAGES}"


def test_template_has_the_ui_strings(template: Catalog):
    assert len([m for m in template if m.id]) > 1000


def test_every_template_message_is_translated(template: Catalog, catalog: Catalog):
    missing = _untranslated(template, catalog)
    assert not missing, (f"{catalog.locale}: {len(missing)} of the template's messages have no translation "
                         f"(empty, fuzzy or absent); the first {SHOWN}:\n  " + "\n  ".join(missing[:SHOWN]))


def test_translations_keep_the_placeholders_of_their_message_id(catalog: Catalog):
    problems: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        ids, strings = _ids(message), _strings(message)
        for i, translation in enumerate(strings):
            if not translation:
                continue
            source = ids[0] if len(strings) > 1 and i == 0 else ids[-1]   # a single form stands for the plural
            problem = _placeholder_problem(message, source, translation)
            if problem:
                problems.append(f"[{message.context}] {problem}" if message.context else problem)
    assert not problems, (f"{catalog.locale}: {len(problems)} translations change their placeholders; "
                          f"the first {SHOWN}:\n  " + "\n  ".join(problems[:SHOWN]))


def test_the_catalog_compiles_without_errors(catalog: Catalog):
    errors = [f"{_name(m)}: {e}" for m, errs in catalog.check() for e in errs]
    assert not errors, f"{catalog.locale}: pybabel compile would report:\n  " + "\n  ".join(errors[:SHOWN])
    wrong = _compiled_differently(catalog)
    assert not wrong, f"{catalog.locale}: the compiled catalog answers other texts for {wrong[:SHOWN]}"

def _compiled_differently(catalog: Catalog) -> list[str]:
    """Messages the compiled `.mo` answers another text for (a context message through pgettext)."""
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    compiled = gettext.GNUTranslations(buffer)
    return [_name(m) for m in catalog if isinstance(m.id, str) and m.id and m.string and not m.fuzzy
            and (compiled.pgettext(m.context, m.id) if m.context else compiled.gettext(m.id)) != m.string]


def test_a_message_of_a_context_is_its_own_message():
    template = Catalog(locale="ja")
    template.add("Account")
    template.add("Account", context="ledger")
    translated = Catalog(locale="ja")
    translated.add("Account", "アカウント")
    assert _untranslated(template, translated) == ["[ledger] Account"]
    translated.add("Account", "勘定科目", context="ledger")
    assert _untranslated(template, translated) == []
    assert _compiled_differently(translated) == []
    assert _placeholder_problem(Message("{code} account", "{code}", context="ledger"), "{code} account",
                                "勘定科目") is not None


def test_the_ledgers_account_is_a_context_of_its_own(template: Catalog):
    assert template.get("Account", context="ledger") is not None and template.get("Account") is not None
    for lang, word in (("ja", "勘定科目"), ("ko", "계정과목")):
        po = _read(LOCALE_DIR / lang / "LC_MESSAGES" / "takt.po", lang)
        assert po.get("Account", context="ledger").string == word
        assert po.get("Account").string != word


def test_a_translation_that_drops_a_placeholder_is_caught():
    message = Message("{n} open NCR", "未完了の NCR")
    assert _placeholder_problem(message, "{n} open NCR", "未完了の NCR") is not None
    assert _placeholder_problem(message, "{idle:.0f} min", "{idle} 分") is not None
    assert _placeholder_problem(message, "{n} open NCR", "未完了の NCR {n} 件") is None
    formatted = Message("%(count)d lots", "%(count)s ロット", flags=["python-format"])
    assert _placeholder_problem(formatted, "%(count)d lots", "%(count)s ロット") is not None
    assert _placeholder_problem(formatted, "%(count)d lots", "ロット %(count)d 件") is None
