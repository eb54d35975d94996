"""An entity's form as its organization laid it out (services/config/form_layouts.py): sections of slots, each a
built-in field (the page supplies its control by key) or a custom field (with its `CustomInput`), with the
layout's required mark and help text. Plain rows, safe in state; pages render them with
rxapp/components/form_sections.py."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import PREFIX, CustomInput, custom_inputs
from services.config import custom_field_views, form_layouts
from services.config.form_layouts import FormLayoutRead

# What services call their forms, their built-in fields and the default sections (services/config/form_layouts.py
# register_form), written here so the catalogs hold them: `form_sections` translates them with `_(label)` at run time.
# tests/ui/test_state_form_layouts_entities.py fails when a registered label has no ja or ko translation.
FORM_LABELS = (
    _("Details"), _("Additional fields"),
    _("Products"), _("Code"), _("Name"), _("Name in a second language"), _("Description"), _("Unit"), _("Type"),
    _("Standard cost"),
    _("Maintenance tickets"), _("Machine"), _("Title"), _("Priority"), _("Reason"),
    _("NCRs"), _("Plant"), _("Severity"), _("Lot"), _("Quantity"), _("Containment"),
    _("SOP tickets"), _("Charging department"), _("Charged department"), _("SOP"), _("What happened"),
    _("Lots"), _("Product"), _("Supplier"), _("Supplier lot reference"), _("Location"), _("Serial numbers"),
    _("Shipments"), _("Order lines"), _("Note"), _("Work orders"),
)


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


def form_sections(layout: FormLayoutRead, inputs: list[CustomInput], *, custom_only: bool = False) -> list[FormSection]:
    """The layout's sections with the custom inputs placed where it puts their fields (required and help as the
    layout says); a section left without fields is not shown. `custom_only`: a form of custom values alone (the
    built-in fields are edited elsewhere or not at all)."""
    by_key = {f"{PREFIX}{i.key}": i for i in inputs}
    sections = []
    for s in layout.sections:
        slots = []
        for f in s.fields:
            if not f.custom:
                if not custom_only:
                    slots.append(FormSlot(key=f.key, label=_(f.label), required=f.required, help=f.help))
            elif f.key in by_key:
                base = by_key[f.key]
                custom = CustomInput(**{**base.__dict__, "required": f.required, "hint": f.help or base.hint})
                slots.append(FormSlot(key=f.key, label=custom.label, required=f.required, help=custom.hint,
                                      is_custom=True, input=custom))
        if slots:
            sections.append(FormSection(title=_(s.title) if not layout.saved else s.title, slots=slots))
    return sections


def entity_form(use_case: Callable[..., Any], entity_type: str, current: dict[str, Any] | None = None, *,
                custom_only: bool = False) -> tuple[list[CustomInput], list[FormSection]]:
    """An entity's form for a page state: its custom inputs (filled from `current`) and its sections as the
    organization laid them out. `use_case` is the state's `_use_case` (raises DomainError like any use case)."""
    inputs = custom_inputs(use_case(custom_field_views.form_inputs, entity_type, current or {}))
    return inputs, form_sections(use_case(form_layouts.get_layout, entity_type), inputs, custom_only=custom_only)
