"""How a translated text (`rxapp.i18n.Text`) reaches the browser: as a lookup in the tab's catalog.

Reflex turns every Python value in a component (a child, a prop, an event argument) into a Var through
`LiteralVar.create`, which picks the literal class registered for the value's type. `LiteralTextVar`
is registered for `Text`, so `rx.text(_("Scrap"))` compiles to
`takt_tr(<LanguageState.lang>, "Scrap", "<the text in the deployment's language>")`, where `takt_tr`
comes from the `useTaktCatalogs()` hook of assets/takt_i18n.js. The expression refers to the one state
var `LanguageState.lang`, so React re-renders every translated text when the tab's language changes;
the hook re-renders it again when the language's catalog (fetched once per language from
/api/v1/i18n/<lang>) arrives. Nothing is remounted: what a person is typing stays. A Text given as an
aria-* or data-* attribute is looked up when its element renders, in the language the page last rendered.

`Text.format(name=<Var>)` (a message with a placeholder filled from state) compiles to
`fill(takt_tr(...), {name: <var>})`; with plain values it is `str.format`.

A text with a context (`pgettext("ledger", "Account")`) has the id "ledger\x04Account", the key the browser's
catalog holds it under; untranslated, the browser shows the id's English part.
"""
from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex.vars import LiteralVar, StringVar, Var, VarData

from rxapp.i18n import Text, set_language
from rxapp.state.language import LanguageState
from services.core import formats

CLIENT_MODULE = rx.asset("takt_i18n.js").importable_path
HOOK = "const takt_tr = useTaktCatalogs();"


def _hook_data() -> VarData:
    return VarData(imports={CLIENT_MODULE: ["useTaktCatalogs"]}, hooks={HOOK: None})


def is_var(value: Any) -> bool:
    return isinstance(value, Var)


def text_var(text: Text) -> StringVar:
    """The browser-side lookup of `text` in the tab's language."""
    lang = LanguageState.lang
    msgid, fallback = json.dumps(text.msgid), json.dumps(str(text))
    # Reflex collects no hooks for a Text in `custom_attrs` (aria-*, data-*: it reads a str there as a plain
    # literal), so there the lookup goes through the module's global, in the language last rendered.
    expr = (f'(typeof takt_tr === "function" ? takt_tr({lang!s}, {msgid}, {fallback}) : '
            f'(typeof window !== "undefined" && window.takt_i18n ? window.takt_i18n.t({msgid}, {fallback}) : {fallback}))')
    data = VarData.merge(lang._get_all_var_data(), _hook_data())
    return Var(_js_expr=expr, _var_type=str, _var_data=data).to(StringVar, str)


def format_var(text: Text, values: dict[str, Any]) -> StringVar:
    """`text` with its `{name}` placeholders filled in the browser from `values` (Vars or plain values)."""
    filled = {name: Var.create(value) for name, value in values.items()}
    pairs = ", ".join(f"{json.dumps(name)}: {value!s}" for name, value in filled.items())
    lookup = text_var(text)
    data = VarData.merge(lookup._get_all_var_data(), *(v._get_all_var_data() for v in filled.values()),
                         VarData(imports={CLIENT_MODULE: ["fill"]}))
    return Var(_js_expr=f"fill({lookup!s}, {{{pairs}}})", _var_type=str, _var_data=data).to(StringVar, str)


class TextVar(StringVar, python_types=Text):
    """A Var made from a `Text`."""


class LiteralTextVar(LiteralVar, TextVar):
    @classmethod
    def create(cls, value: Any, _var_type: Any = None, _var_data: VarData | None = None) -> Any:  # type: ignore[override]
        var = text_var(value)
        return var if _var_data is None else var._replace(merge_var_data=_var_data)


async def serve_in_tab_language(root: Any) -> None:
    """Before each event: `_()` in its handler answers in the tab's language (`LanguageState.lang`), and numbers
    are formatted in its organization's number format (`LanguageState.number_format`)."""
    tab = await root.get_state(LanguageState)
    set_language(tab.lang)
    formats.set_number_format(tab.number_format or None)
