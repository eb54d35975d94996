"""Names in two languages: the name a viewer sees, and the checks of a second name and its language.

Organizations, plants, products, people, studio projects, partners, episodes, assets and member slots keep
their main name and may keep a second name in one of the supported languages (the Japanese title of a
series, a Korean subcontractor's name in hangul). Each such table names its three columns in a `NAMES`
class attribute (main, second, second's language), so `display_name(row)` reads any of them the same way.

Invariants: `display_name` answers the second name only to a viewer of exactly its language, else the main
name (the second one only when there is no main name); the viewer's language is the one given, else the
person being served now (services/core/languages.current_language); a stored second name always has a
supported language, and no language is stored without a second name (`second_name` refuses or clears it).
"""
from __future__ import annotations

from typing import Any

from services.core.languages import current_language, normalize
from services.core.messages import t

SECOND_NAME_MAX = 200

# The field messages, rendered in each person's language (services/core/messages.py).
TOO_LONG = t("Use at most {max_length} characters.", max_length=SECOND_NAME_MAX)
UNSUPPORTED = t("Pick English, Japanese or Korean.")
LANGUAGE_NEEDED = t("Say which language the second name is in.")


def pick(main: str | None, second: str | None, second_language: str | None, language: str | None = None) -> str:
    """The name to show a viewer of `language` (None: the person being served now)."""
    viewer = normalize(language) or current_language()
    if second and second_language == viewer:
        return second
    return main or second or ""


def display_name(row: Any, language: str | None = None) -> str:
    """A named row's name in the viewer's language (its `NAMES` columns; see `pick`)."""
    main, second, second_language = type(row).NAMES
    return pick(getattr(row, main), getattr(row, second), getattr(row, second_language), language)


def names_of(row: Any) -> tuple[str, str, str | None]:
    """A named row's (main name, second name, second name's language)."""
    main, second, second_language = type(row).NAMES
    return getattr(row, main), getattr(row, second), getattr(row, second_language)


def guess_language(text: str) -> str | None:
    """The language a second name's script says: hangul is Korean, kana or kanji Japanese; None for others."""
    if any("\uac00" <= c <= "\ud7a3" or "\u1100" <= c <= "\u11ff" or "\u3130" <= c <= "\u318f" for c in text):
        return "ko"
    if any("\u3040" <= c <= "\u30ff" or "\uff66" <= c <= "\uff9f" or "\u4e00" <= c <= "\u9fff" for c in text):
        return "ja"
    return None


def second_name(name2: str | None, language: str | None, problems: dict[str, str], *,
                current: tuple[str, str | None] = ("", None),
                fields: tuple[str, str] = ("name2", "name2_language")) -> tuple[str, str | None]:
    """The (second name, language) to store, from a create's or update's input; problems go into `problems`.

    None leaves a value as it is (`current`, an update's stored pair). A new second name without a language
    takes the one its script says (kana or kanji: ja, hangul: ko), else the current one; a Latin second name
    with no language named is a problem, as is a language other than en, ja, ko. An empty second name clears
    its language.
    """
    name_field, language_field = fields
    name = current[0] if name2 is None else name2.strip()
    given = (language or "").strip()
    if given:
        lang = normalize(given)
        if lang is None:
            problems[language_field] = UNSUPPORTED
            return name, None
    elif name2 is None:
        lang = current[1]
    else:
        lang = guess_language(name) or current[1]
    if len(name) > SECOND_NAME_MAX:
        problems[name_field] = TOO_LONG
    if not name:
        return "", None
    if lang is None:
        problems[language_field] = LANGUAGE_NEEDED
    return name, lang


def set_second_name(row: Any, name: str, language: str | None) -> dict[str, dict[str, Any]]:
    """Store a checked (second name, language) on a named row; answer the changes ({field: {before, after}})
    for the audit trail (a cleared language included, which `changes.apply_changes` would skip as None)."""
    _main, second, second_language = type(row).NAMES
    changes: dict[str, dict[str, Any]] = {}
    for field, value in ((second, name), (second_language, language)):
        if getattr(row, field) != value:
            changes[field] = {"before": getattr(row, field), "after": value}
            setattr(row, field, value)
    return changes


def both_names(row: Any, language: str | None = None) -> str:
    """The viewer's name with the other one in brackets ("灯台守 (The Lighthouse Keeper)" for a Japanese viewer,
    "The Lighthouse Keeper (灯台守)" for anyone else); the one name when there is no second."""
    main, second, _language = names_of(row)
    shown = display_name(row, language)
    other = main if shown == second else second
    return f"{shown} ({other})" if other and other != shown else shown
