"""The language this tab shows: the one state var every translated text in a page refers to.

`AuthState` builds on `LanguageState` and sets `lang` from the signed-in person (their own setting, else
their organization's default, else the browser's Accept-Language, else the deployment's `TAKT_LANGUAGE`).
`number_format` is the person's organization's number format, set with it: every event formats numbers in it
(rxapp/i18n_client.serve_in_tab_language, services/core/formats.py). It imports nothing from the app but
rxapp.i18n's language helpers.
"""
from __future__ import annotations

import reflex as rx

from rxapp.i18n import default_language


class LanguageState(rx.State):
    lang: str = default_language()
    number_format: str = ""      # the organization's number format ("1.234,56"); "": the language's own signs
