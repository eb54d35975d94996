"""The languages Takt speaks and how a person's language is chosen.

A person's language is their own setting, else their organization's default, else what their browser
asks for (`Accept-Language`), else the deployment's (`TAKT_LANGUAGE`, English when unset).

The language of the request or event being served lives in a context variable (`set_language`,
`use_language`, `current_language`), so a service formats and words its messages for the person without
taking the language as an argument.

Invariants: every language answered here is one of `SUPPORTED`; `normalize` and `negotiate` never raise.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

SUPPORTED = ("en", "ja", "ko")

# The language of the person being served now: set per Reflex event and per API request by the doors
# (rxapp/i18n.py), read by messages and formats made at run time (services/core/formats.py, rxapp.i18n._).
_person_language: ContextVar[str | None] = ContextVar("takt_person_language", default=None)


def normalize(code: str | None) -> str | None:
    """A supported language for a language tag ("ja-JP" -> "ja", "KO" -> "ko"); None when not supported."""
    base = (code or "").strip().replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED else None


def deployment_language() -> str:
    """The deployment's language (`TAKT_LANGUAGE`), English when unset or not supported."""
    return normalize(os.environ.get("TAKT_LANGUAGE")) or "en"


def negotiate(accept_language: str | None) -> str | None:
    """The supported language a browser's `Accept-Language` header prefers most; None when it names none."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        lang = normalize(tag)
        if lang and quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else None


def choose(own: str | None, organization: str | None, accept_language: str | None) -> str:
    """A person's language: their own, their organization's, their browser's, the deployment's."""
    return normalize(own) or normalize(organization) or negotiate(accept_language) or deployment_language()


def person_language() -> str | None:
    """The language set for the current request or event; None outside one (page compile, CLI, import)."""
    return _person_language.get()


def current_language() -> str:
    """The language of the person being served now, else the deployment's."""
    return _person_language.get() or deployment_language()


def set_language(lang: str | None) -> Token:
    """Serve the rest of this request or event in `lang` (None or unsupported: the deployment's default)."""
    return _person_language.set(normalize(lang) or deployment_language())


@contextmanager
def use_language(lang: str | None) -> Iterator[None]:
    """`with use_language("ja"): ...` runs the block in that language and restores the previous one."""
    token = set_language(lang)
    try:
        yield
    finally:
        _person_language.reset(token)
