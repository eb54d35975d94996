"""Custom fields inside an entity's own form and list (products, work orders ...): plain rows for
the form inputs, the values a submitted form carries, and a one-line summary for list rows.
Validation stays in services/config/custom_fields.py, so the UI and the API get the same field errors
(keyed `custom.<key>`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rxapp.i18n import _
from rxapp.state.master.common import Option
from services.config.custom_field_views import FieldInput

PREFIX = "custom."


@dataclass
class CustomInput:
    key: str = ""
    name: str = ""                 # the form input's name: custom.<key>
    label: str = ""
    field_type: str = "text"
    required: bool = False
    unit: str = ""
    hint: str = ""
    value: str = ""
    options: list[Option] = field(default_factory=list)


@dataclass
class CustomFilterField:
    key: str = ""
    label: str = ""


def custom_inputs(fields: list[FieldInput]) -> list[CustomInput]:
    out = []
    for f in fields:
        options = [Option(value=v, label=label) for v, label in f.choices]
        if f.field_type == "boolean":
            options = [Option(value="true", label=_("Yes")), Option(value="false", label=_("No"))]
        out.append(CustomInput(key=f.key, name=PREFIX + f.key, label=f.label, field_type=f.field_type.value,
                               required=f.required, unit=f.unit, hint=f.help_text, value=f.value, options=options))
    return out


def submitted_custom(form: dict[str, Any], inputs: list[CustomInput]) -> dict[str, str]:
    """{key: text} for every custom input of the form (an empty text clears the field)."""
    return {i.key: str(form.get(i.name) or "").strip() for i in inputs}


def summary(shown: dict[str, str], labels: dict[str, str]) -> str:
    """`Label: value · Label: value` for a list row, in field order."""
    return " · ".join(f"{labels[k]}: {v}" for k, v in shown.items() if k in labels)
