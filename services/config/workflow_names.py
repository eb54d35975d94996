"""The names Takt ships in its default workflows (states, transitions, condition messages), read in the
reader's language.

Workflows are stored as data: an organization's version 1 is a copy of services/config/workflow_defaults.py
in English, and admins rename states and transitions as they like. A name is shown translated only when the
stored text is exactly one Takt ships (a catalog message id, marked in services/config/workflow_defaults.py with
`default_name()` so `python -m rxapp.i18n` extracts it, or with `default_name_as()` when it has a context); an
organization's own words are shown as written. The purchase-order finance routes carry their amount and
currency in their texts: `shipped_text` recognises them by the shipped template and renders the translated
template with the stored amount and currency.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from services.config.workflow_defaults import PO_ABOVE_LIMIT, PO_FINANCE_ROUTE, PO_OTHER_CURRENCY, SHIPPED_CONTEXTS
from services.core.messages import Message

__all__ = ["shipped_text"]


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    out = ""
    for i, part in enumerate(parts):
        if i % 2:
            out += r"(?P<limit>\d+(?:\.\d+)?)" if part == "limit" else r"(?P<currency>[A-Z]{3})"
        else:
            out += re.escape(part)
    return re.compile(out)


_TEMPLATES = [(template, _pattern(template)) for template in (PO_FINANCE_ROUTE, PO_OTHER_CURRENCY, PO_ABOVE_LIMIT)]


def shipped_text(text: str | None) -> str:
    """`text` (a stored workflow name or condition message) in the language being served: the translation
    when it is a shipped default (or a shipped template filled with an amount and a currency), else `text`
    as written. English is always `text` exactly."""
    if not text or isinstance(text, Message):
        return text or ""
    for template, pattern in _TEMPLATES:
        if (found := pattern.fullmatch(text)) is not None:
            params: dict[str, object] = dict(found.groupdict())
            if "limit" in params:
                try:
                    params["limit"] = Decimal(str(params["limit"]))
                except InvalidOperation:
                    return text
            return Message(template, params, text)
    return Message(text, None, text, SHIPPED_CONTEXTS.get(text))
