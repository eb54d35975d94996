"""One translation function for every user-facing string: `_("Log in")`, in each person's language.

English is the source language: the strings in the code are the message ids. After adding or
changing strings, `python -m rxapp.i18n` extracts them into the catalog template
(`rxapp/locale/takt.pot`) and merges them into every catalog (`rxapp/locale/<lang>/LC_MESSAGES/takt.po`);
a test checks that the template holds every string of the UI. Catalogs are read from the `.po` files
(no compile step); directories named in `TAKT_LOCALE_PATH` (os.pathsep-separated, same layout) are
consulted first, so a deployment can override or add translations.

Two kinds of call, one function:
- Inside a person's request or event (the REST API's middleware and the Reflex event middleware set
  the language with `use_language`/`set_language`), `_()` answers a plain `str` in that person's
  language: toasts, field errors and messages built in handlers and services.
- Outside any person's context (page code compiled into the frontend, module constants), `_()` answers a
  `Text`: a `str` in the deployment's language (`TAKT_LANGUAGE`, default `en`) that remembers its
  message id. Reflex turns a `Text` in a component into a lookup in the browser's catalog for the tab's
  language (rxapp/i18n_client.py), so pages switch language at run time without a rebuild.

Dates, numbers and money are formatted in services/core/formats.py (babel), in the same language.

Invariants: an unknown language, a missing catalog or an untranslated message falls back to English;
`language()` is always one of `SUPPORTED`.
"""
from __future__ import annotations

import gettext
import os
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from services.core import formats
from services.core.languages import (
    SUPPORTED,
    negotiate,
    normalize,
    person_language,
    set_language,
    use_language,
)
from services.core.languages import current_language as language
from services.core.languages import deployment_language as default_language

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "takt"
LANGUAGE_NAMES = {"en": "English", "ja": "日本語", "ko": "한국어"}   # each in its own language: never translated

__all__ = ["LANGUAGE_NAMES", "SUPPORTED", "Text", "_", "default_language", "language", "negotiate", "ngettext",
           "normalize", "person_language", "set_language", "use_language"]

# ----- catalogs --------------------------------------------------------------------------------------

def locale_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("TAKT_LOCALE_PATH", "").split(os.pathsep) if p.strip()]
    return [*extra, LOCALE_DIR]


@dataclass(frozen=True)
class Catalog:
    """One language's translations: message id -> text, and plural forms (msgid -> list of texts)."""

    messages: dict[str, str]
    plurals: dict[str, list[str]]
    plural_rule: Any

    def plural(self, singular: str, plural: str, n: int) -> str:
        forms = self.plurals.get(singular)
        if not forms:
            return singular if n == 1 else plural
        index = self.plural_rule(n)
        return forms[index] if index < len(forms) and forms[index] else (singular if n == 1 else plural)


def _po_files(lang: str) -> list[Path]:
    return [f for d in locale_dirs() if (f := d / lang / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()]


def _signature(lang: str) -> tuple[tuple[str, float], ...]:
    return tuple((str(f), f.stat().st_mtime) for f in _po_files(lang))


@lru_cache(maxsize=16)
def _load(lang: str, signature: tuple[tuple[str, float], ...]) -> Catalog:
    messages: dict[str, str] = {}
    plurals: dict[str, list[str]] = {}
    rule: Any = lambda n: 0 if n == 1 else 1  # noqa: E731
    for path, _mtime in reversed(signature):            # the first directory wins: read it last
        with open(path, encoding="utf-8") as f:
            po = read_po(f, locale=lang)
        rule = gettext.c2py(po.plural_expr) if po.plural_expr else rule
        for message in po:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, tuple):
                forms = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
                if any(forms):
                    plurals[message.id[0]] = forms
            elif message.string:
                messages[message.id] = message.string
    return Catalog(messages, plurals, rule)


def catalog(lang: str) -> Catalog:
    """The catalog of `lang` as its `.po` files say now (re-read when a file changes); empty for English."""
    lang = normalize(lang) or "en"
    return _load(lang, _signature(lang))


def translate(message: str, lang: str) -> str:
    return catalog(lang).messages.get(message, message)


# ----- the translation function ---------------------------------------------------------------------

class Text(str):
    """A message translated into the deployment's language that remembers its English id (`msgid`), so the
    browser can show it in each tab's language. Any str operation answers a plain str."""

    msgid: str

    def __new__(cls, text: str, msgid: str) -> Text:
        obj = super().__new__(cls, text)
        obj.msgid = msgid
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (str(self), self.msgid))

    def format(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """`str.format`; with a Reflex Var among the values, a Var that fills the placeholders in the browser."""
        from rxapp.i18n_client import format_var, is_var
        if not args and any(is_var(v) for v in kwargs.values()):
            return format_var(self, kwargs)
        return str.format(self, *args, **kwargs)


def _(message: str) -> str:
    """Translate `message` (an English source string): a str in the person's language inside a request or
    event, else a `Text` (see the module docstring)."""
    if not message:
        return message
    lang = person_language()
    if lang is not None:
        return translate(message, lang)
    return Text(translate(message, default_language()), message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(language()).plural(singular, plural, n)


def format_datetime(value: datetime | None, timezone: str = "UTC", fmt: str = "medium") -> str:
    """A UTC datetime shown in `timezone` and the current language's locale; "" for None
    (services/core/formats.moment: every local format lives there)."""
    return formats.moment(value, timezone, fmt=fmt)


def update_catalogs() -> None:
    """Re-extract every `_()` string into the template and merge it into each catalog."""
    from babel.messages.frontend import CommandLineInterface

    root = LOCALE_DIR.parent.parent
    template = LOCALE_DIR / f"{DOMAIN}.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(LOCALE_DIR / "babel.cfg"), "-o", str(template),
                                "--project=Takt", "--no-location", "--sort-output", str(root)])
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        CommandLineInterface().run(["pybabel", "-q", "update", "-i", str(template), "-d", str(LOCALE_DIR),
                                    "-D", DOMAIN, "-l", po.parent.parent.name])


if __name__ == "__main__":
    update_catalogs()
else:
    from rxapp import i18n_client  # noqa: F401,E402  (registers how Reflex renders a Text in a page)
