"""Customers: who orders. Codes are unique per organization (upper-case, 1-32 letters, digits,
dot, dash, underscore); the email, when given, looks like one. Customers are deactivated, never
deleted (orders keep pointing at them). A customer may keep a second name in English, Japanese or Korean,
checked by services/core/display_names.second_name; reads carry `display_name` in the viewer's language and
search matches either name. Reading needs VIEW; writing needs PLAN.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, func, select

from models.catalog import Customer
from services.core.access import Actor
from services.core.display_names import display_name, second_name, set_second_name
from services.core.errors import Conflict
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.search import matches
from services.core.validation import CODE_RE, EMAIL_RE, check
from services.master.common import (
    announce,
    apply_changes,
    require_plan,
    require_view,
    stamp,
    stamp_new,
    text_problem,
)


class CustomerCreate(BaseModel):
    code: str
    name: str
    name2: str = ""                             # the name in a second language (services/core/display_names.py)
    name2_language: str | None = None           # en, ja or ko; None: what name2's script says
    email: str | None = None
    phone: str | None = None
    address: str = ""


class CustomerUpdate(BaseModel):
    code: str | None = None
    name: str | None = None
    name2: str | None = None
    name2_language: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


class CustomerRead(BaseModel):
    id: int
    organization_id: int
    code: str
    name: str
    name2: str = ""
    name2_language: str | None = None
    display_name: str = ""                      # the name in the viewer's language
    email: str | None
    phone: str | None
    address: str
    is_active: bool


CUSTOMER_COLUMNS = [("code", t("Code")), ("name", t("Name")), ("email", t("Email")), ("phone", t("Phone")),
                    ("address", t("Address")), ("is_active", t("Active"))]


def list_customers(session: Session, actor: Actor, *, search: str | None = None, active: bool | None = True,
                   limit: int = 1000, offset: int = 0) -> list[CustomerRead]:
    require_view(actor)
    query = select(Customer).where(Customer.organization_id == actor.organization_id)
    if search and search.strip():
        query = query.where(matches(search, Customer.code, Customer.name, Customer.name2, func.coalesce(Customer.email, "")))
    if active is not None:
        query = query.where(Customer.is_active == active)
    rows = session.exec(query.order_by(Customer.code).offset(offset).limit(limit)).all()
    return [_read(c) for c in rows]


def get_customer(session: Session, actor: Actor, customer_id: int) -> CustomerRead:
    require_view(actor)
    return _read(get_scoped(session, actor, Customer, customer_id, t("Customer")))


def create_customer(session: Session, actor: Actor, data: CustomerCreate, *, now: datetime) -> CustomerRead:
    require_plan(actor)
    values = _values(data.code, data.name, data.email, data.phone, data.address, data.name2, data.name2_language)
    _unique_code(session, actor, values["code"])
    if not values["name2"]:
        values = {k: v for k, v in values.items() if k not in ("name2", "name2_language")}
    customer = stamp_new(Customer(organization_id=actor.organization_id, **values), actor, now)
    session.add(customer)
    session.flush()
    announce(session, actor, "customer", customer.id, "create", values, now=now)
    return _read(customer)


def update_customer(session: Session, actor: Actor, customer_id: int, data: CustomerUpdate, *,
                    now: datetime) -> CustomerRead:
    """Change the given fields; an empty email or phone clears it."""
    require_plan(actor)
    customer = get_scoped(session, actor, Customer, customer_id, t("Customer"))
    values = _values(customer.code if data.code is None else data.code,
                     customer.name if data.name is None else data.name,
                     customer.email if data.email is None else data.email,
                     customer.phone if data.phone is None else data.phone,
                     customer.address if data.address is None else data.address,
                     data.name2, data.name2_language, current=(customer.name2, customer.name2_language))
    if values["code"] != customer.code:
        _unique_code(session, actor, values["code"])
    optional = {k: values.pop(k) for k in ("email", "phone")}
    name2, name2_language = values.pop("name2"), values.pop("name2_language")
    changes = apply_changes(customer, values) | set_second_name(customer, name2, name2_language)
    for key, value in optional.items():
        if getattr(customer, key) != value:
            changes[key] = {"before": getattr(customer, key), "after": value}
            setattr(customer, key, value)
    if changes:
        session.add(stamp(customer, actor, now))
        announce(session, actor, "customer", customer.id, "update", changes, now=now,
                 payload={"fields": sorted(changes)})
    return _read(customer)


def set_customer_active(session: Session, actor: Actor, customer_id: int, active: bool, *,
                        now: datetime) -> CustomerRead:
    require_plan(actor)
    customer = get_scoped(session, actor, Customer, customer_id, t("Customer"))
    if customer.is_active != active:
        customer.is_active = active
        session.add(stamp(customer, actor, now))
        announce(session, actor, "customer", customer.id, "reactivate" if active else "deactivate",
                 {"is_active": {"before": not active, "after": active}}, now=now)
    return _read(customer)


def _values(code, name, email, phone, address, name2=None, name2_language=None, *,
            current: tuple[str, str | None] = ("", None)) -> dict:
    problems: dict[str, str] = {}
    name2, name2_language = second_name(name2, name2_language, problems, current=current)
    code = (code or "").strip().upper()
    name, address = (name or "").strip(), (address or "").strip()
    email, phone = (email or "").strip() or None, (phone or "").strip() or None
    if not CODE_RE.match(code):
        problems["code"] = t("Use 1 to 32 letters, digits, dot, dash or underscore.")
    for field, value, limit, required in [("name", name, 200, True), ("address", address, 1000, False),
                                          ("phone", phone, 64, False), ("email", email, 254, False)]:
        problem = text_problem(value, max_length=limit, required=required)
        if problem:
            problems[field] = problem
    if email and "email" not in problems and not EMAIL_RE.match(email):
        problems["email"] = t("This is not an email address.")
    check(problems)
    return {"code": code, "name": name, "email": email, "phone": phone, "address": address, "name2": name2,
            "name2_language": name2_language}


def _unique_code(session: Session, actor: Actor, code: str) -> None:
    taken = session.exec(select(Customer.id).where(Customer.organization_id == actor.organization_id,
                                                   Customer.code == code)).first()
    if taken is not None:
        raise Conflict(t("A customer with code {code} exists.", code=code), fields={"code": t("Already used.")})


def _read(customer: Customer) -> CustomerRead:
    return CustomerRead.model_validate(customer, from_attributes=True).model_copy(
        update={"display_name": display_name(customer)})
