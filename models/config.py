"""The configuration engine's tables: admin-editable type lists and their values, custom field
definitions per entity type, in-app notifications with per-user preferences, and the email outbox.

Custom field *values* live on the entities themselves (a `custom` JSON column, e.g. on
`work_order` and `product`); only their definitions are here.

Every organization is born with the shipped type lists (`DEFAULT_TYPE_LISTS`): they are inserted
in the same flush as the organization row, whoever creates it (a service, the CLI, a test).
Modules may add their own shipped lists with `services.config.type_lists.register_default_list`.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, str_enum, utcnow
from models.organization import Organization


class TypeList(TimestampMixin, SQLModel, table=True):
    """A named pick list of one organization (defect codes, root-cause categories ...)."""
    __tablename__ = "type_list"
    __table_args__ = (UniqueConstraint("organization_id", "key", name="uq_type_list_org_key"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    key: str = Field(max_length=48)                      # stable name code refers to, e.g. "defect_codes"
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=1000)
    is_system: bool = Field(default=False)               # shipped with Takt: renamed, never deleted


class TypeListValue(TimestampMixin, SQLModel, table=True):
    """One value of a type list; a value in use is retired (is_active False), never deleted."""
    __tablename__ = "type_list_value"
    __table_args__ = (UniqueConstraint("type_list_id", "code", name="uq_type_list_value_list_code"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    type_list_id: int = Field(foreign_key="type_list.id", index=True)
    code: str = Field(max_length=32)
    label: str = Field(max_length=200)
    position: int = Field(default=100)
    is_active: bool = Field(default=True)


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"        # a value of a type list (stored as the value's id)
    USER = "user"            # a user of the organization (stored as the user's id)


class CustomFieldDefinition(TimestampMixin, SQLModel, table=True):
    __tablename__ = "custom_field_definition"
    __table_args__ = (UniqueConstraint("organization_id", "entity_type", "key", name="uq_custom_field_org_entity_key"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    entity_type: str = Field(max_length=32, index=True)  # work_order, product, ncr, lot ...
    key: str = Field(max_length=40)                      # the JSON key on the entity; never changes
    label: str = Field(max_length=200)
    field_type: FieldType = Field(sa_type=str_enum(FieldType, 16))
    required: bool = Field(default=False)
    help_text: str = Field(default="", max_length=500)
    unit: str = Field(default="", max_length=16)         # number fields
    min_value: Decimal | None = Field(default=None, sa_type=sa.Numeric(18, 6))
    max_value: Decimal | None = Field(default=None, sa_type=sa.Numeric(18, 6))
    type_list_key: str = Field(default="", max_length=48)  # choice fields
    position: int = Field(default=100)
    is_active: bool = Field(default=True)


class Notification(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_notification_user_unread", "user_id", "read_at"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    plant_id: int | None = Field(default=None, foreign_key="plant.id")
    kind: str = Field(default="info", max_length=32)
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=2000)
    # The title and body as messages (services/core/messages.to_data), rendered in the reader's language;
    # None: `title`/`body` are the text (written as they are, or before messages were stored).
    title_message: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    body_message: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    link: str = Field(default="", max_length=500)
    entity_type: str = Field(default="", max_length=32)
    entity_id: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NotificationPreference(SQLModel, table=True):
    """A user's choice for one kind of notification; no row means the kind's default."""
    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_notification_preference_user_kind"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    kind: str = Field(max_length=32)
    in_app: bool = Field(default=True)
    email: bool = Field(default=False)


class OutboxStatus(StrEnum):
    PENDING = "pending"      # waiting for its next attempt
    SENDING = "sending"      # claimed by a sender
    SENT = "sent"
    FAILED = "failed"        # gave up after the last attempt


class EmailOutbox(SQLModel, table=True):
    __tablename__ = "email_outbox"
    __table_args__ = (sa.Index("ix_email_outbox_status_next", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    notification_id: int | None = Field(default=None, foreign_key="notification.id")
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str = Field(default="", sa_type=sa.Text)
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=str_enum(OutboxStatus, 16))
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_error: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# key -> (name, description, [(code, label), ...]); services.config.type_lists names the keys.
DEFAULT_TYPE_LISTS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "defect_codes": ("Defect codes", "What is wrong with a part.", [
        ("DIM", "Dimension out of tolerance"), ("SURF", "Surface defect"), ("CRACK", "Crack"),
        ("BURR", "Burr"), ("ASSY", "Assembly error"), ("MAT", "Material defect")]),
    "root_cause_categories": ("Root-cause categories", "The 6M of an Ishikawa diagram.", [
        ("MAN", "Man"), ("MACHINE", "Machine"), ("METHOD", "Method"), ("MATERIAL", "Material"),
        ("MEASUREMENT", "Measurement"), ("ENVIRONMENT", "Environment")]),
    "dispositions": ("Dispositions", "What happens to a rejected part.", [
        ("SCRAP", "Scrap"), ("REWORK", "Rework"), ("USE_AS_IS", "Use as is"),
        ("RETURN_TO_VENDOR", "Return to vendor")]),
}


def insert_default_type_lists(connection: sa.Connection, organization_id: int, *, only: set[str] | None = None) -> None:
    """Insert the shipped lists (all, or the keys in `only`) for one organization."""
    now = utcnow()
    lists: sa.Table = TypeList.__table__  # type: ignore[attr-defined]  # SQLModel declares no __table__
    values: sa.Table = TypeListValue.__table__  # type: ignore[attr-defined]
    for key, (name, description, defaults) in DEFAULT_TYPE_LISTS.items():
        if only is not None and key not in only:
            continue
        inserted = connection.execute(lists.insert().values(
            organization_id=organization_id, key=key, name=name, description=description, is_system=True,
            created_at=now, updated_at=now)).inserted_primary_key
        assert inserted is not None                         # a single-row insert always has its key
        list_id = inserted[0]
        if defaults:
            connection.execute(values.insert(), [
                {"organization_id": organization_id, "type_list_id": list_id, "code": code, "label": label,
                 "position": position * 10, "is_active": True, "created_at": now, "updated_at": now}
                for position, (code, label) in enumerate(defaults, start=1)])


@sa.event.listens_for(Organization, "after_insert")
def _seed_type_lists(_mapper, connection: sa.Connection, organization: Organization) -> None:
    """The new organization's shipped lists, written for it: on PostgreSQL under its `takt.organization_id`
    (row-level security, models/migrations/rls.py), the transaction's setting put back afterwards."""
    assert organization.id is not None                    # after_insert: the row has its key
    if connection.dialect.name != "postgresql":
        insert_default_type_lists(connection, organization.id)
        return
    setting = sa.text("SELECT set_config('takt.organization_id', :org, true)")
    before = connection.execute(sa.text("SELECT current_setting('takt.organization_id', true)")).scalar()
    connection.execute(setting, {"org": str(organization.id)})
    insert_default_type_lists(connection, organization.id)
    connection.execute(setting, {"org": before or ""})
