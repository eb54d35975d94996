"""An organization's form layout per entity type: sections, field order, required flags and help texts.

One row per organization and entity type (absent: the default layout of `services.config.form_layouts`).
`sections` is a JSON list of {"title": str, "fields": [{"key": str, "required": bool, "help": str}]};
built-in fields are keyed by their name ("code"), custom fields by "custom.<key>", the keys of field errors.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin


class FormLayout(TimestampMixin, SQLModel, table=True):
    __tablename__ = "form_layout"
    __table_args__ = (UniqueConstraint("organization_id", "entity_type", name="uq_form_layout_org_entity"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    entity_type: str = Field(max_length=32)
    sections: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
