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

A word with two meanings gets a context: `pgettext("ledger", "Account")` (the ledger's account, 勘定科目)
is the catalog's "Account" of context "ledger", while `_("Account")` stays the person's account; in
English both read "Account". Its `Text` carries the context in its id ("ledger\x04Account"), which the
browser's catalog knows under the same key.

A service's message (`services.core.messages.t`, a `Message` with a template and parameters, e.g. a
DomainError's message and field messages) given to `_()` is rendered in the person's language.

Dates, numbers and money are formatted in services/core/formats.py (babel), in the same language.

Invariants: an unknown language, a missing catalog or an untranslated message falls back to English;
`language()` is always one of `SUPPORTED`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from services.core import formats
from services.core.catalogs import DOMAIN, LOCALE_DIR, Catalog, catalog, context_key, locale_dirs, translate
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
from services.core.messages import Message, render

LANGUAGE_NAMES = {"en": "English", "ja": "日本語", "ko": "한국어"}   # each in its own language: never translated

__all__ = ["DOMAIN", "LANGUAGE_NAMES", "LOCALE_DIR", "SUPPORTED", "Catalog", "Text", "_", "catalog", "default_language",
           "language", "locale_dirs", "negotiate", "ngettext", "normalize", "person_language", "pgettext", "set_language",
           "translate", "use_language"]

# The catalogs (rxapp/locale, read in services/core/catalogs.py) are shared with the services' own messages.

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
    if isinstance(message, Text):           # a module constant made at import: translated again, from its id
        message = message.msgid
    lang = person_language()
    if isinstance(message, Message):       # a service's message: its template translated, its parameters filled
        return render(message, lang or default_language())
    return _looked_up(message, None, lang)


def pgettext(context: str, message: str) -> str:
    """`_()` for a word with two meanings: `message` as the catalog's message of `context` ("ledger")."""
    if not message:
        return message
    return _looked_up(message, context, person_language())


def _looked_up(message: str, context: str | None, lang: str | None) -> str:
    """`message` (of `context`) in `lang`, else a `Text` in the deployment's language keeping its catalog key."""
    if lang is not None:
        return translate(message, lang, context)
    return Text(translate(message, default_language(), context), context_key(message, context))


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
                                "-k", "t", "-k", "pt:1c,2", "-k", "pgettext:1c,2", "-k", "default_name", "-k", "default_name_as:1c,2",
                                "--project=Takt", "--no-location",
                                "--sort-output", str(root)])
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        CommandLineInterface().run(["pybabel", "-q", "update", "-i", str(template), "-d", str(LOCALE_DIR),
                                    "-D", DOMAIN, "-l", po.parent.parent.name])


if __name__ == "__main__":
    update_catalogs()
else:
    from rxapp import i18n_client  # noqa: F401,E402  (registers how Reflex renders a Text in a page)
