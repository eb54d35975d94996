"""Messages from the services, built with keys and parameters so each door renders them in the person's
language: `t("A product with code {code} exists.", code=code)`.

`t()` answers a `Message`: a `str` in the language of the person being served (services/core/languages:
set per Reflex event and per API request), and in English outside one (tests, the CLI, module constants),
written exactly as an f-string would have written it, so every caller that prints, compares or logs it
keeps working, and messages a service returns as data (an import's row report, an ingest batch's results)
read in the person's language. It also remembers its template (the catalog's message id) and its
parameters; `render(message, lang)` looks the template up in the catalogs (services/core/catalogs.py) and
fills the translated template for any language. The UI and the REST API render errors through
`rxapp.i18n._`, which renders a Message in the tab's or request's language.

Writing messages:
- the template is a literal English sentence with named `{placeholders}` (never an f-string), so
  `python -m rxapp.i18n` extracts it into the catalogs (keyword `t`, rxapp/locale/babel.cfg);
- a parameter may itself be a Message (a label, a reason): it is rendered in the same language;
- without parameters the template is the text as it is (no formatting: braces stay braces);
- a word with two meanings gets a context, as gettext's pgettext: `pt("ledger", "Account")` is looked up
  as the catalog's message "Account" of context "ledger" (keyword `pt:1c,2`), and reads "Account" in
  English.

Stored messages: `to_data(message)` answers a JSON-safe dict (template, context, English override and
parameters, with dates, datetimes, Decimals and nested Messages tagged) and `from_data(data)` the Message
again, so a row written for several people (a notification) is rendered in each reader's language when
it is read.

Invariants: a template missing from a catalog, or a translation whose placeholders do not fit the
parameters, renders the English template with the parameters (never raises); English renders exactly as
the f-string would have; in Japanese and Korean, dates, datetimes (UTC) and Decimals in a placeholder without a
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
from services.core.languages import current_language, normalize, person_language

__all__ = ["Message", "as_message", "from_data", "in_sentence", "pt", "render", "render_fields", "t", "to_data", "word"]


class Message(str):
    """A service message: English text that remembers its template (message id) and parameters."""

    template: str
    params: dict[str, Any]
    english: str | None
    context: str | None

    def __new__(cls, template: str, params: Mapping[str, Any] | None = None, english: str | None = None,
                context: str | None = None) -> Message:
        values = dict(params or {})
        lang = person_language()
        if lang in (None, "en"):
            text = english if english is not None else _fill(template, values, None)
        else:
            text = _translated(template, values, lang, context)
        obj = super().__new__(cls, text)
        obj.template = template
        obj.params = values
        obj.english = english
        obj.context = context
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.template, self.params, self.english, self.context))

    def __repr__(self) -> str:
        head = f"pt({self.context!r}, {self.template!r}" if self.context else f"t({self.template!r}"
        return f"{head}, **{self.params!r})" if self.params else f"{head})"


def t(template: str, /, **params: Any) -> Message:
    """A message for people: `template` is the English sentence with `{name}` placeholders, `params` their
    values (extracted for translation by `python -m rxapp.i18n`)."""
    return Message(template, params)


def pt(context: str, template: str, /, **params: Any) -> Message:
    """`t()` for a template with two meanings: `context` ("ledger") tells the translators which one
    (extracted as the catalog's msgctxt; English reads the template)."""
    return Message(template, params, None, context)


def word(label: str, english: str) -> Message:
    """A word inside sentences (a status: "released") translated as the catalog's `label` ("Released") while
    English keeps writing `english`: one translation per meaning, without a second English id."""
    return Message(label, None, english)


def in_sentence(labels: Mapping[Any, Message], status: Any) -> Message:
    """A status inside a sentence ("PO-0001 is approved: ..."): the `word` of its label in `labels` ({status value:
    label message}, e.g. {"approved": t("Approved")}), English writing the status value itself; a status without a
    label reads as it is written."""
    value = str(status)
    label = labels.get(value)
    return word(label.template if label is not None else value, value)


def as_message(text: str) -> Message:
    """`text` as a Message: itself when it is one, else a message whose template is the sentence as written
    (translated when a catalog holds exactly that sentence)."""
    return text if isinstance(text, Message) else Message(str(text))


def render(message: str, lang: str | None = None) -> str:
    """`message` in `lang` (default: the language being served now); a plain str is looked up as it is."""
    lang = normalize(lang) or current_language()
    if not isinstance(message, Message):
        return translate(message, lang)
    if lang == "en":
        return message.english if message.english is not None else _fill(message.template, message.params, None)
    return _translated(message.template, message.params, lang, message.context)


def _translated(template: str, params: Mapping[str, Any], lang: str, context: str | None = None) -> str:
    try:
        return _fill(translate(template, lang, context), params, lang)
    except (KeyError, IndexError, ValueError, TypeError):
        return _fill(template, params, lang)


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
            values[key] = render(values[key], lang or "en")
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


# ----- stored messages ------------------------------------------------------------------------------

def to_data(message: Message) -> dict[str, Any]:
    """`message` as JSON-safe data (`from_data` makes the Message again)."""
    data: dict[str, Any] = {"t": message.template}
    if message.params:
        data["p"] = {name: _encode(value) for name, value in message.params.items()}
    if message.english is not None:
        data["e"] = message.english
    if message.context:
        data["c"] = message.context
    return data


def from_data(data: Mapping[str, Any]) -> Message:
    """The Message `to_data` wrote (rendered as a str in the language being served, like any Message)."""
    params = {name: _decode(value) for name, value in (data.get("p") or {}).items()}
    return Message(str(data["t"]), params, data.get("e"), data.get("c"))


def _encode(value: Any) -> Any:
    if isinstance(value, Message):
        return {"$m": to_data(value)}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$n": str(value)}
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if value == value and abs(value) != float("inf") else {"$f": str(value)}
    return str(value)


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        (tag, inner), = value.items()
        if tag == "$m":
            return from_data(inner)
        if tag == "$dt":
            return datetime.fromisoformat(inner)
        if tag == "$d":
            return date.fromisoformat(inner)
        if tag == "$n":
            return Decimal(inner)
        if tag == "$f":
            return float(inner)
    return value
