"""Messages from the services, built with keys and parameters so each door renders them in the person's
language: `t("A product with code {code} exists.", code=code)`.

`t()` answers a `Message`: a `str` that reads as English (the template filled with the parameters, exactly
as an f-string would have written it), so every caller that prints, compares or logs it keeps working. It
also remembers its template (the catalog's message id) and its parameters; `render(message, lang)` looks
the template up in the catalogs (services/core/catalogs.py) and fills the translated template. The UI and
the REST API render through `rxapp.i18n._`, which renders a Message in the tab's or request's language.

Writing messages:
- the template is a literal English sentence with named `{placeholders}` (never an f-string), so
  `python -m rxapp.i18n` extracts it into the catalogs (keyword `t`, rxapp/locale/babel.cfg);
- a parameter may itself be a Message (a label, a reason): it is rendered in the same language;
- without parameters the template is the text as it is (no formatting: braces stay braces).

Invariants: a template missing from a catalog, or a translation whose placeholders do not fit the
parameters, renders the English template with the parameters (never raises); English renders exactly as
`str(message)`; in Japanese and Korean, dates, datetimes (UTC) and Decimals in a placeholder without a
format spec are written in the language's local format (services/core/formats.py).
"""
from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from services.core import formats
from services.core.catalogs import translate
from services.core.languages import current_language, normalize

__all__ = ["Message", "as_message", "render", "render_fields", "t"]


class Message(str):
    """A service message: English text that remembers its template (message id) and parameters."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: Mapping[str, Any] | None = None) -> Message:
        values = dict(params or {})
        obj = super().__new__(cls, _fill(template, values, None))
        obj.template = template
        obj.params = values
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.template, self.params))

    def __repr__(self) -> str:
        return f"t({self.template!r}, **{self.params!r})" if self.params else f"t({self.template!r})"


def t(template: str, /, **params: Any) -> Message:
    """A message for people: `template` is the English sentence with `{name}` placeholders, `params` their
    values (extracted for translation by `python -m rxapp.i18n`)."""
    return Message(template, params)


def as_message(text: str) -> Message:
    """`text` as a Message: itself when it is one, else a message whose template is the sentence as written
    (translated when a catalog holds exactly that sentence)."""
    return text if isinstance(text, Message) else Message(str(text))


def render(message: str, lang: str | None = None) -> str:
    """`message` in `lang` (default: the language being served now); a plain str is looked up as it is."""
    lang = normalize(lang) or current_language()
    if lang == "en":
        return str.__str__(message)
    if not isinstance(message, Message):
        return translate(message, lang)
    translated = translate(message.template, lang)
    try:
        return _fill(translated, message.params, lang)
    except (KeyError, IndexError, ValueError, TypeError):
        return _fill(message.template, message.params, lang)


def render_fields(fields: Mapping[str, str], lang: str | None = None) -> dict[str, str]:
    """Field messages (field -> message) rendered in `lang`."""
    return {name: render(text, lang) for name, text in fields.items()}


def _fill(template: str, params: Mapping[str, Any], lang: str | None) -> str:
    if not params:
        return template
    values = dict(params)
    for _literal, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        key = name.split(".")[0].split("[")[0]
        if key in values and lang is not None and not spec and not conversion:
            values[key] = _local(values[key], lang)
        elif key in values and isinstance(values[key], Message):
            values[key] = render(values[key], lang) if lang else str.__str__(values[key])
    return template.format(**values)


def _local(value: Any, lang: str) -> Any:
    """A parameter written for people in `lang` (only Japanese and Korean get here)."""
    if isinstance(value, Message):
        return render(value, lang)
    if isinstance(value, datetime):
        return formats.moment(value, "UTC", lang)
    if isinstance(value, date):
        return formats.day(value, lang)
    if isinstance(value, Decimal) and value.is_finite():
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return formats.number(value, lang, decimals=places)
    return value
