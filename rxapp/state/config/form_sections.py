"""An entity's form as its organization laid it out (services/config/form_layouts.py): sections of slots, each a
built-in field (the page supplies its control by key) or a custom field (with its `CustomInput`), with the
layout's required mark and help text. Plain rows, safe in state; pages render them with
rxapp/components/form_sections.py."""
from __future__ import annotations

from dataclasses import dataclass, field

from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import PREFIX, CustomInput
from services.config.form_layouts import FormLayoutRead


@dataclass
class FormSlot:
    key: str = ""                  # the field error key: "code", "custom.finish"
    label: str = ""
    required: bool = False
    help: str = ""
    is_custom: bool = False
    input: CustomInput = field(default_factory=CustomInput)


@dataclass
class FormSection:
    title: str = ""
    slots: list[FormSlot] = field(default_factory=list)


def form_sections(layout: FormLayoutRead, inputs: list[CustomInput]) -> list[FormSection]:
    """The layout's sections with the custom inputs placed where it puts their fields (required and help as the
    layout says); a section left without fields is not shown."""
    by_key = {f"{PREFIX}{i.key}": i for i in inputs}
    sections = []
    for s in layout.sections:
        slots = []
        for f in s.fields:
            if not f.custom:
                slots.append(FormSlot(key=f.key, label=_(f.label), required=f.required, help=f.help))
            elif f.key in by_key:
                base = by_key[f.key]
                custom = CustomInput(**{**base.__dict__, "required": f.required, "hint": f.help or base.hint})
                slots.append(FormSlot(key=f.key, label=custom.label, required=f.required, help=custom.hint,
                                      is_custom=True, input=custom))
        if slots:
            sections.append(FormSection(title=s.title, slots=slots))
    return sections
