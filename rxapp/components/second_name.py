"""The second-language name of a form: the name and the language it is in (services/core/display_names.py
checks them). Pure functions of vars."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field, select_control
from rxapp.components.ui import field_error, text_input
from rxapp.i18n import LANGUAGE_NAMES, _


def language_options() -> list[tuple[str, str]]:
    """(value, label): "" lets the service read the language from the name's script (kana, kanji, hangul)."""
    return [("", _("From its script")), *LANGUAGE_NAMES.items()]


def second_name_fields(errors: rx.Var, name_default=None, language_default=None, *, name_key: str = "name2",
                       language_key: str = "name2_language") -> rx.Component:
    """The second name's input and its language's select, side by side (stacked on phones)."""
    return rx.flex(
        rx.box(form_field(_("Name in a second language"), text_input(name_key, default_value=name_default),
                          errors, name_key), flex="2", min_width="200px"),
        rx.box(form_field(_("Its language"), select_control(language_key, language_options(),
                                                             default_value=language_default),
                          errors, language_key), flex="1", min_width="140px"),
        spacing="3", wrap="wrap", width="100%",
    )


def second_name_control(errors: rx.Var, name_default=None, language_default=None) -> rx.Component:
    """The second name as one control of a laid-out form (rxapp/components/form_sections.py labels it and shows the
    name's error): its input beside the language's select, named by its aria label, with the language's error."""
    return rx.box(
        rx.flex(
            rx.box(text_input("name2", default_value=name_default), flex="2", min_width="200px"),
            rx.box(select_control("name2_language", language_options(), default_value=language_default,
                                  aria_label=_("Its language"), title=_("Its language")),
                   flex="1", min_width="140px"),
            spacing="3", wrap="wrap", width="100%",
        ),
        field_error(errors.get("name2_language", "")),
        width="100%",
    )
