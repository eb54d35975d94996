"""A studio that buys work: a finance writer, a ledger with an open 2026, Korean VAT and 3.3 % withholding rules, an
individual vendor with a task, and purchase orders to it (`make_po`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlmodel import Session

from models.finance import Rounding, TaxKind
from models.studio import StudioPartner
from services.core.access import Actor
from services.core.db import transaction
from services.finance import accounts, periods, po_approval, purchasing, tax_rules
from services.finance.purchasing import PoCreate, PoLineInput, PoRead
from services.finance.tax_rules import ComponentInput, TaxRuleCreate, TierInput
from tests.factories.org import World, make_user
from tests.factories.studio import Studio, make_studio

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


@dataclass
class Buying:
    studio: Studio
    fin: Actor                  # writes orders
    fin2: Actor                 # another finance person
    admin: Actor
    manager: Actor              # the studio's production manager


def make_buying(session: Session, world: World) -> Buying:
    studio = make_studio(session, world)
    admin = world.actor(world.admin_a)
    fin = world.actor(make_user(session, world.org_a, roles=["finance"], username="fin.one"))
    fin2 = world.actor(make_user(session, world.org_a, roles=["finance"], username="fin.two"))
    with transaction(session):
        periods.open_year(session, admin, 2026, now=NOW)
        accounts.apply_chart_template(session, admin, now=NOW)
        for rule in (TaxRuleCreate(code="KR-VAT-10", name="VAT", jurisdiction="KR", kind=TaxKind.VAT, currency="KRW",
                                   effective_from=date(2020, 1, 1),
                                   components=[ComponentInput(name="VAT", tiers=[TierInput(rate=Decimal("0.1"))],
                                                              rounding=Rounding.TRUNCATE)]),
                     TaxRuleCreate(code="KR-WHT-3.3", name="WHT", jurisdiction="KR", kind=TaxKind.WITHHOLDING,
                                   currency="KRW", effective_from=date(2020, 1, 1), components=[
                                       ComponentInput(name="Income tax", tiers=[TierInput(rate=Decimal("0.03"))],
                                                      rounding=Rounding.TRUNCATE, unit=Decimal(10)),
                                       ComponentInput(name="Local income tax", base="Income tax",
                                                      tiers=[TierInput(rate=Decimal("0.1"))], rounding=Rounding.TRUNCATE,
                                                      unit=Decimal(10))])):
            tax_rules.create_tax_rule(session, admin, rule, now=NOW)
        vendor = session.get(StudioPartner, studio.vendor_id)
        assert vendor is not None
        vendor.is_individual = True
        session.add(vendor)
    return Buying(studio=studio, fin=fin, fin2=fin2, admin=admin, manager=world.actor(studio.pm))


def make_po(session: Session, buying: Buying, *, unit_price: Decimal = Decimal("150000"), quantity: int = 1,
            task_ids: list[int | None] | None = None, **changes) -> PoRead:
    """An order of `fin` to the vendor: one line per task id (default: the vendor's task), 1.20 x 1.50 rates."""
    studio = buying.studio
    lines = [PoLineInput(description=f"Line {i + 1}", quantity=quantity, unit_price=unit_price,
                         difficulty_rate=Decimal("1.20"), urgency_rate=Decimal("1.50"), task_id=task_id)
             for i, task_id in enumerate(task_ids if task_ids is not None else [studio.vendor_task_id])]
    data = PoCreate(vendor_partner_id=studio.vendor_id, project_id=studio.project_id, process_type="In-between",
                    currency="KRW", vat_rule_code="KR-VAT-10", withholding_rule_code="KR-WHT-3.3",
                    order_date=date(2026, 12, 1), lines=lines)
    with transaction(session):
        return purchasing.create_po(session, buying.fin, data.model_copy(update=changes), now=NOW)


def approved_po(session: Session, buying: Buying, **kw) -> PoRead:
    """`make_po`, submitted by its writer and approved by the admin."""
    po = make_po(session, buying, **kw)
    with transaction(session):
        po_approval.submit_po(session, buying.fin, po.id, now=NOW)
    with transaction(session):
        return po_approval.approve_po(session, buying.admin, po.id, now=NOW)
