"""Text search that finds full-width and half-width forms alike (Japanese and Korean input).

An IME often types Latin letters and digits full-width ("ＷＯ－０１２") and some systems store katakana
half-width ("ｶﾞｽｹｯﾄ"). `search_forms` answers the forms of a search term a stored text may be in: its NFKC form
(full-width Latin and digits become ASCII, half-width katakana becomes full-width), that form with ASCII made
full-width (small and capital), and that form with katakana made half-width. `matches(search, *columns)` is the SQL condition:
any column, lower-cased, contains any of the forms (LIKE with `\\` escaping, the same on SQLite and PostgreSQL).

Invariants: every form is stripped and, but for the full-width capitals form (SQLite's lower() folds only ASCII),
lower-cased; an empty term has no forms (callers skip the filter). A text mixing widths within the term
("ＦＷ-12") matches only a term typed the same way.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_

_FULLWIDTH_OFFSET = 0xFEE0          # "!" (U+0021) .. "~" (U+007E) -> U+FF01 .. U+FF5E


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def _full_width_ascii(text: str) -> str:
    return "".join(chr(ord(c) + _FULLWIDTH_OFFSET) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


@lru_cache(maxsize=1)
def _half_width_katakana() -> dict[str, str]:
    """Full-width katakana (and the voiced ones, which NFKC composes from a half-width pair) -> half-width."""
    table: dict[str, str] = {}
    half = [chr(c) for c in range(0xFF61, 0xFFA0)]
    for h in half:
        table.setdefault(unicodedata.normalize("NFKC", h), h)
    for h in half:
        for mark in ("\uff9e", "\uff9f"):           # ﾞ ﾟ
            composed = unicodedata.normalize("NFKC", h + mark)
            if len(composed) == 1:
                table.setdefault(composed, h + mark)
    return {k: v for k, v in table.items() if k != v}


def _half_width_kana(text: str) -> str:
    table = _half_width_katakana()
    return "".join(table.get(c, c) for c in text)


def search_forms(search: str | None) -> list[str]:
    """The forms of a search term to look for, the NFKC form first; [] for an empty term."""
    base = nfkc(search or "")
    if not base:
        return []
    # SQLite's lower() folds ASCII only: full-width capitals stored as such need their own form
    forms = [base, _full_width_ascii(base), _full_width_ascii(base.upper()), _half_width_kana(base)]
    return list(dict.fromkeys(forms))


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matches(search: str | None, *columns: Any) -> ColumnElement[bool]:
    """Any of `columns` contains any form of `search` (case-insensitive for ASCII); false for an empty term."""
    patterns = [f"%{like_escape(form)}%" for form in search_forms(search)]
    if not patterns:
        return false()
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns for pattern in patterns))
