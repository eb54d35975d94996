"""Demo configuration for Acme: two custom fields (a product's drawing number, a work order's
customer PO) and a welcome notification for the admin and quality staff. Small on purpose."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from services.config import custom_fields, notifications
from services.config.custom_fields import CustomFieldCreate
from services.core.messages import t
from services.org import organizations


def seed_demo_config(session: Session, organization_id: int, *, now: datetime) -> None:
    system = organizations.system_actor(session, organization_id)
    custom_fields.create_definition(session, system, CustomFieldCreate(
        entity_type="product", key="drawing_number", label="Drawing number", field_type="text",
        help_text="As printed on the drawing's title block."), now=now)
    custom_fields.create_definition(session, system, CustomFieldCreate(
        entity_type="work_order", key="customer_po", label="Customer PO", field_type="text"), now=now)
    notifications.notify(session, organization_id=organization_id, title=t("Welcome to Takt"),
                         body=t("Shape your pick lists under Administration > Type lists and add fields to products "
                                "and work orders under Administration > Custom fields."),
                         link="/admin/custom-fields", roles=["admin", "quality"], now=now)
