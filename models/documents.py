"""Document control: controlled documents (drawings, SOPs, work instructions, specifications, change orders)
attached through `DocumentLink` to any number of products, routing steps, machines, studio projects, work orders
or customer orders; their revisions, the files of each revision, change orders that release several revisions
together, and the organization's revision scheme.

A change order is a document of kind "change_order" (its number, revision, files and status in the documents
list) with a `ChangeOrder` row that points at it and keeps what it changes (`ChangeOrderItem`): the new
revisions of other documents it releases and the products it changes.

Invariants kept by constraints: a document number (DOC-000001, or CO-000001 for a change order's document) and a
change order number are unique per organization; a document is linked to a target at most once
(`uq_document_link_target`); a change order has one document (`uq_change_order_document`); a revision's sequence
(1, 2, 3 ...) and label (A, B, C or 1, 2, 3) are unique per document; a revision is in at most one change order
(`uq_change_order_item_revision`). services/documents keeps the rest: every document but a change order's has at
least one target, all its plant-bound targets in one plant (`Document.plant_id`); at most one approved revision
per document (`Document.released_revision_id`), files only on drafts, and a revision's status mirroring its
workflow instance (a change order document's one revision mirrors the change order's workflow).
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin, UTCDateTime, str_enum


class DocumentKind(StrEnum):
    DRAWING = "drawing"
    SOP = "sop"
    WORK_INSTRUCTION = "work_instruction"
    SPECIFICATION = "specification"
    CHANGE_ORDER = "change_order"      # the document of a ChangeOrder (created by services/documents/change_orders)


class DocumentTarget(StrEnum):
    """What a document is attached to."""
    PRODUCT = "product"
    ROUTING_STEP = "routing_step"
    MACHINE = "machine"
    PROJECT = "project"               # a studio project
    WORK_ORDER = "work_order"
    CUSTOMER_ORDER = "customer_order"


class RevisionStatus(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"
    OBSOLETE = "obsolete"


class RevisionScheme(StrEnum):
    LETTERS = "letters"               # A, B, ..., Z, AA, AB ...
    NUMBERS = "numbers"               # 1, 2, 3 ...


class ChangeOrderStatus(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"
    CANCELLED = "cancelled"


class DocumentSettings(SQLModel, table=True):
    __tablename__ = "document_settings"
    organization_id: int = Field(foreign_key="organization.id", primary_key=True)
    revision_scheme: RevisionScheme = Field(default=RevisionScheme.LETTERS, sa_type=str_enum(RevisionScheme, 16))
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_by: int | None = Field(default=None)


class Document(TimestampMixin, SQLModel, table=True):
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_document_number"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int | None = Field(default=None, foreign_key="plant.id", index=True)   # its machines' or orders' plant
    number: str = Field(max_length=32)
    title: str = Field(max_length=200)
    kind: DocumentKind = Field(sa_type=str_enum(DocumentKind, 32), index=True)
    description: str = Field(default="", max_length=2000)
    released_revision_id: int | None = Field(default=None)     # the approved revision; no FK (revisions name the document)


class DocumentLink(SQLModel, table=True):
    """One target a document is attached to (a document has one or more; a change order's has none)."""
    __tablename__ = "document_link"
    __table_args__ = (UniqueConstraint("document_id", "target_type", "target_id", name="uq_document_link_target"),
                      sa.Index("ix_document_link_target", "organization_id", "target_type", "target_id"))
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    target_type: DocumentTarget = Field(sa_type=str_enum(DocumentTarget, 32))
    target_id: int
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: int | None = Field(default=None)


class DocumentRevision(SQLModel, table=True):
    __tablename__ = "document_revision"
    __table_args__ = (UniqueConstraint("document_id", "sequence", name="uq_document_revision_sequence"),
                      UniqueConstraint("document_id", "label", name="uq_document_revision_label"))
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    sequence: int
    label: str = Field(max_length=8)
    status: RevisionStatus = Field(default=RevisionStatus.DRAFT, sa_type=str_enum(RevisionStatus, 16), index=True)
    summary: str = Field(default="", max_length=1000)          # what changed in this revision
    change_order_id: int | None = Field(default=None, foreign_key="change_order.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: int | None = Field(default=None)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_by: int | None = Field(default=None)
    obsolete_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DocumentFile(SQLModel, table=True):
    __tablename__ = "document_file"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    revision_id: int = Field(foreign_key="document_revision.id", index=True)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=200)
    uploaded_at: datetime = Field(sa_type=UTCDateTime)
    uploaded_by: int | None = Field(default=None)


class ChangeOrder(TimestampMixin, SQLModel, table=True):
    __tablename__ = "change_order"
    __table_args__ = (UniqueConstraint("organization_id", "number", name="uq_change_order_number"),
                      sa.Index("uq_change_order_document", "document_id", unique=True))
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    document_id: int | None = Field(default=None)   # its document (kind change_order); no FK, as released_revision_id
    number: str = Field(max_length=32)
    title: str = Field(max_length=200)
    reason: str = Field(default="", max_length=2000)
    status: ChangeOrderStatus = Field(default=ChangeOrderStatus.DRAFT, sa_type=str_enum(ChangeOrderStatus, 16),
                                      index=True)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_by: int | None = Field(default=None)


class ChangeOrderItem(SQLModel, table=True):
    """One line of a change order: a new revision of a document it releases, or a product it changes."""
    __tablename__ = "change_order_item"
    __table_args__ = (UniqueConstraint("revision_id", name="uq_change_order_item_revision"),
                      UniqueConstraint("change_order_id", "product_id", name="uq_change_order_item_product"))
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    change_order_id: int = Field(foreign_key="change_order.id", index=True)
    revision_id: int | None = Field(default=None, foreign_key="document_revision.id")
    product_id: int | None = Field(default=None, foreign_key="product.id")
    note: str = Field(default="", max_length=500)
