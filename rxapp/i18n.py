"""One translation function for every user-facing string: `_("Log in")`.

English is the source language: the strings in the code are the message ids. After adding or
changing strings, `python -m rxapp.i18n` extracts them into the catalog template
(`rxapp/locale/takt.pot`) and merges them into every catalog (`rxapp/locale/<lang>/LC_MESSAGES/takt.po`,
English first; compiled to `.mo` with `pybabel compile -d rxapp/locale -D takt`); a test checks
that the template holds every string of the UI. The language is chosen per deployment with
`TAKT_LANGUAGE` (default `en`); a missing catalog falls back to English. Page text is compiled
into the frontend, so a change of language needs a rebuild; messages made at run time (toasts,
field errors) are translated when they are made.

Dates and numbers are formatted with babel in the same locale (`format_datetime`).
"""
from __future__ import annotations

import gettext
import os
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as _babel_format_datetime

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "takt"


def language() -> str:
    return os.environ.get("TAKT_LANGUAGE", "en").strip() or "en"


@lru_cache(maxsize=8)
def _translations(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)


def _(message: str) -> str:
    """Translate `message` (an English source string) into the deployment's language."""
    if not message:
        return message
    return _translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations(language()).ngettext(singular, plural, n)


def format_datetime(value: datetime | None, timezone: str = "UTC", fmt: str = "medium") -> str:
    """A UTC datetime shown in `timezone` and the deployment's locale; "" for None."""
    if value is None:
        return ""
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return _babel_format_datetime(value, format=fmt, tzinfo=zone, locale=language().replace("-", "_"))


def update_catalogs() -> None:
    """Re-extract every `_()` string into the template and merge it into each catalog."""
    from babel.messages.frontend import CommandLineInterface

    root = LOCALE_DIR.parent.parent
    template = LOCALE_DIR / f"{DOMAIN}.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(LOCALE_DIR / "babel.cfg"), "-o", str(template),
                                "--project=Takt", "--no-location", "--sort-output", str(root)])
    for catalog in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        CommandLineInterface().run(["pybabel", "-q", "update", "-i", str(template), "-d", str(LOCALE_DIR),
                                    "-D", DOMAIN, "-l", catalog.parent.parent.name])


if __name__ == "__main__":
    update_catalogs()
