"""Translation catalogs, read from the `.po` files under rxapp/locale (and `TAKT_LOCALE_PATH` first).

The catalogs are data shared by every door: the UI and the REST API (rxapp/i18n.py) and the services'
own messages (services/core/messages.py) read them here, so services need no Reflex to speak Japanese or
Korean. Catalogs are read from the `.po` files (no compile step) and re-read when a file changes;
directories named in `TAKT_LOCALE_PATH` (os.pathsep-separated, same layout) are consulted first, so a
deployment can override or add translations.

A message with a context (gettext's msgctxt, written by `pgettext`/`pt`: one English word with two
meanings, "Account" of a person and "Account" of the ledger) is kept under the key
"<context>\x04<id>" (`context_key`), as gettext's own catalogs keep it; the same key reaches the browser.

Invariants: English is the source language (its catalog answers every id unchanged); a fuzzy or empty
translation counts as missing; a missing message answers its English id (without its context).
"""
from __future__ import annotations

import gettext
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from services.core.languages import normalize

CONTEXT_SEPARATOR = "\x04"
LOCALE_DIR = Path(__file__).resolve().parents[2] / "rxapp" / "locale"
DOMAIN = "takt"


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
            if isinstance(message.id, tuple | list):
                texts = message.string if isinstance(message.string, tuple | list) else [message.string]
                forms = [str(text or "") for text in texts]
                if any(forms):
                    plurals[context_key(str(message.id[0]), message.context)] = forms
            elif message.string:
                messages[context_key(str(message.id), message.context)] = str(message.string)
    return Catalog(messages, plurals, rule)


def catalog(lang: str) -> Catalog:
    """The catalog of `lang` as its `.po` files say now (re-read when a file changes); empty for English."""
    lang = normalize(lang) or "en"
    return _load(lang, _signature(lang))


def context_key(message: str, context: str | None = None) -> str:
    """The catalog key of `message` in `context` ("ledger\x04Account"); the message itself without one."""
    return f"{context}{CONTEXT_SEPARATOR}{message}" if context else message


def translate(message: str, lang: str, context: str | None = None) -> str:
    """`message` (an English id, in `context` when given) in `lang`; the English id itself when the catalog
    has no translation. `message` may also be a context key."""
    key = context_key(message, context)
    return catalog(lang).messages.get(key, key.rpartition(CONTEXT_SEPARATOR)[2])
