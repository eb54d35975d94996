"""Tax rules as configuration: VAT and withholding per jurisdiction, with effective dates, computed exactly.

A rule has one or more components; each component has tiers (a flat rate is one open tier), a base (the
rule's base, or an earlier component's amount: Korea's local income tax is 10 % of the income tax) and
its own rounding (half-up or truncation, to the currency's minor unit or a coarser unit). Tiers are
marginal: Japan withholds 10.21 % of a fee up to 1,000,000 yen and 20.42 % of the part above. The rule's
base says whether VAT is in it (Japan: the fee without consumption tax when that tax is stated separately).

Invariants: reading and writing need FINANCE; rules of one code never overlap in time; a rule in force
on a date is found by code (`rule_in_force`); every figure is a Decimal rounded as its component says,
and a rule's total is the exact sum of its shown components.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session, col, or_, select

from models.base import pk
from models.finance import Rounding, TaxBase, TaxKind, TaxRule
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Invalid, NotFound
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.finance.events import TaxRuleCreated
from services.finance.money import decimal_places, describe_rounding, minor_units, round_money


class TierInput(BaseModel):
    up_to: Decimal | None = None           # the tier's ceiling of the base; None: no ceiling (the last tier)
    rate: Decimal                          # 0.1021 = 10.21 %


class ComponentInput(BaseModel):
    name: str
    tiers: list[TierInput]
    base: str = "amount"                   # "amount" or the name of an earlier component
    rounding: Rounding = Rounding.HALF_UP
    unit: Decimal | None = None            # round to this unit (10 = tens of won); None: the minor unit


class TaxRuleCreate(BaseModel):
    code: str
    name: str
    jurisdiction: str
    kind: TaxKind
    currency: str
    base: TaxBase = TaxBase.NET
    effective_from: date
    effective_to: date | None = None
    components: list[ComponentInput] = Field(min_length=1)
    note: str = ""


class TaxRuleRead(TaxRuleCreate):
    id: int
    rounding_text: list[str]


class ComponentResult(BaseModel):
    name: str
    base: Decimal
    rates: str                              # "10.21 % up to 1000000, 20.42 % above"
    amount: Decimal
    rounding: str


class TaxResult(BaseModel):
    rule_code: str
    rule_name: str
    kind: TaxKind
    currency: str
    base: Decimal
    components: list[ComponentResult]
    total: Decimal


def list_tax_rules(session: Session, actor: Actor, *, on: date | None = None, kind: TaxKind | None = None,
                   jurisdiction: str | None = None) -> list[TaxRuleRead]:
    require(actor, Permission.FINANCE)
    query = select(TaxRule).where(TaxRule.organization_id == actor.organization_id)
    if on is not None:
        query = query.where(TaxRule.effective_from <= on, or_(col(TaxRule.effective_to).is_(None), col(TaxRule.effective_to) > on))
    if kind is not None:
        query = query.where(TaxRule.kind == kind)
    if jurisdiction:
        query = query.where(TaxRule.jurisdiction == jurisdiction.strip().upper())
    rows = session.exec(query.order_by(col(TaxRule.jurisdiction), col(TaxRule.code), col(TaxRule.effective_from))).all()
    return [_read(r) for r in rows]


def get_tax_rule(session: Session, actor: Actor, rule_id: int) -> TaxRuleRead:
    require(actor, Permission.FINANCE)
    return _read(get_scoped(session, actor, TaxRule, rule_id, t("Tax rule")))


def create_tax_rule(session: Session, actor: Actor, data: TaxRuleCreate, *, now: datetime) -> TaxRuleRead:
    require(actor, Permission.FINANCE)
    values = _clean(data)
    _refuse_overlap(session, actor, values["code"], values["effective_from"], values["effective_to"])
    rule = TaxRule(organization_id=actor.organization_id, created_at=now, updated_at=now, created_by=actor.user_id,
                   updated_by=actor.user_id, **values)
    session.add(rule)
    session.flush()
    audit(session, actor, "tax_rule", rule.id, "create", {"code": values["code"], "from": str(values["effective_from"])},
          at=now)
    record(session, TaxRuleCreated(organization_id=actor.organization_id, actor_user_id=actor.user_id, at=now,
                                   tax_rule_id=pk(rule)))
    return _read(rule)


def end_tax_rule(session: Session, actor: Actor, rule_id: int, effective_to: date, *, now: datetime) -> TaxRuleRead:
    """A rule stops applying on `effective_to` (exclusive): a new rate starts with a new rule from that date."""
    require(actor, Permission.FINANCE)
    rule = get_scoped(session, actor, TaxRule, rule_id, t("Tax rule"))
    if effective_to <= rule.effective_from:
        raise Invalid(fields={"effective_to": t("Must be after the date the rule starts.")})
    before, rule.effective_to = rule.effective_to, effective_to
    rule.updated_at, rule.updated_by = now, actor.user_id
    session.add(rule)
    audit(session, actor, "tax_rule", rule.id, "update",
          {"effective_to": {"before": str(before) if before else None, "after": str(effective_to)}}, at=now)
    return _read(rule)


def rule_in_force(session: Session, actor: Actor, code: str, on: date) -> TaxRule:
    """The rule of `code` in force on `on`, or NotFound naming the code and date."""
    require(actor, Permission.FINANCE)
    return organization_rule(session, actor.organization_id, code, on)


def organization_rule(session: Session, organization_id: int, code: str, on: date) -> TaxRule:
    """`rule_in_force` without the permission check, for documents whose reader may see their taxes (a vendor
    reading its purchase order) but not the rule book."""
    rule = session.exec(select(TaxRule).where(
        TaxRule.organization_id == organization_id, TaxRule.code == code.strip().upper(),
        TaxRule.effective_from <= on, or_(col(TaxRule.effective_to).is_(None), col(TaxRule.effective_to) > on))).first()
    if rule is None:
        raise NotFound(t("No tax rule {code} is in force on {day}.", code=code, day=on.isoformat()))
    return rule


def compute(rule: TaxRule | TaxRuleRead, amount: Decimal, *, vat: Decimal = Decimal("0")) -> TaxResult:
    """The tax of `rule` on `amount` (net of VAT; `vat` is added first when the rule's base is gross)."""
    base = Decimal(amount) + (Decimal(vat) if TaxBase(rule.base) == TaxBase.GROSS else Decimal("0"))
    done: dict[str, Decimal] = {}
    results: list[ComponentResult] = []
    for raw in rule.components:
        comp = raw if isinstance(raw, ComponentInput) else ComponentInput.model_validate(raw)
        comp_base = base if comp.base == "amount" else done[comp.base]
        exact = _tiered(comp_base, comp.tiers)
        value = round_money(exact, rule.currency, comp.rounding, comp.unit)
        done[comp.name] = value
        results.append(ComponentResult(name=comp.name, base=comp_base, rates=_rates_text(comp.tiers), amount=value,
                                       rounding=describe_rounding(rule.currency, comp.rounding, comp.unit)))
    return TaxResult(rule_code=rule.code, rule_name=rule.name, kind=TaxKind(rule.kind), currency=rule.currency,
                     base=base, components=results, total=sum((r.amount for r in results), Decimal("0")))


def compute_by_code(session: Session, actor: Actor, code: str, amount: Decimal, *, on: date,
                    vat: Decimal = Decimal("0")) -> TaxResult:
    return compute(rule_in_force(session, actor, code, on), amount, vat=vat)


def _tiered(base: Decimal, tiers: list[TierInput]) -> Decimal:
    total, floor = Decimal("0"), Decimal("0")
    for tier in tiers:
        ceiling = base if tier.up_to is None else min(base, tier.up_to)
        if ceiling > floor:
            total += (ceiling - floor) * tier.rate
        if tier.up_to is None or base <= tier.up_to:
            break
        floor = tier.up_to
    return total


def _rates_text(tiers: list[TierInput]) -> str:
    def plain(value: Decimal) -> str:
        return format(value.normalize(), "f")

    def pct(rate: Decimal) -> str:
        return plain(rate * 100) + " %"
    if len(tiers) == 1:
        return pct(tiers[0].rate)
    parts = [t("{rate} up to {limit}", rate=pct(tier.rate), limit=plain(tier.up_to))
             for tier in tiers[:-1] if tier.up_to is not None]
    return ", ".join(parts + [t("{rate} above", rate=pct(tiers[-1].rate))])


def _clean(data: TaxRuleCreate) -> dict[str, Any]:
    problems: dict[str, str] = {}
    code, name = data.code.strip().upper(), data.name.strip()
    jurisdiction, currency = data.jurisdiction.strip().upper(), data.currency.strip().upper()
    if not code or len(code) > 32:
        problems["code"] = t("Use 1 to 32 characters.")
    if not name or len(name) > 200:
        problems["name"] = t("Required, at most 200 characters.")
    if not (2 <= len(jurisdiction) <= 8 and jurisdiction.isalpha()):
        problems["jurisdiction"] = t("Use the country code, e.g. KR, JP, BD.")
    if not (len(currency) == 3 and currency.isalpha()):
        problems["currency"] = t("Use a three-letter currency code, e.g. KRW.")
    if data.effective_to is not None and data.effective_to <= data.effective_from:
        problems["effective_to"] = t("Must be after the date the rule starts.")
    seen: list[str] = []
    for i, comp in enumerate(data.components):
        problem = _component_problem(comp, seen, currency if not problems.get("currency") else "XXX")
        if problem:
            problems[f"components.{i}"] = problem
        seen.append(comp.name.strip())
    if problems:
        raise Invalid(fields=problems)
    components = [{"name": c.name.strip(), "base": c.base, "rounding": c.rounding.value,
                   "unit": str(c.unit) if c.unit is not None else None,
                   "tiers": [{"up_to": str(tier.up_to) if tier.up_to is not None else None, "rate": str(tier.rate)} for tier in c.tiers]}
                  for c in data.components]
    return {"code": code, "name": name, "jurisdiction": jurisdiction, "kind": data.kind, "currency": currency,
            "base": data.base, "effective_from": data.effective_from, "effective_to": data.effective_to,
            "components": components, "note": data.note.strip()[:1000]}


def _component_problem(comp: ComponentInput, earlier: list[str], currency: str) -> str | None:
    name = comp.name.strip()
    if not name or len(name) > 80:
        return t("Name each component (at most 80 characters).")
    if name in earlier:
        return t("Two components are called {name}.", name=name)
    if comp.base != "amount" and comp.base not in earlier:
        return t("A component's base is the amount or an earlier component.")
    if not comp.tiers:
        return t("Give at least one rate.")
    try:
        rates_ok = all(Decimal(0) <= tier.rate <= Decimal(1) and tier.rate.is_finite() for tier in comp.tiers)
    except InvalidOperation:
        rates_ok = False
    if not rates_ok:
        return t("Rates are fractions between 0 and 1 (0.1021 for 10.21 %).")
    ceilings = [tier.up_to for tier in comp.tiers[:-1]]
    if comp.tiers[-1].up_to is not None or any(c is None or c <= 0 for c in ceilings):
        return t("Every tier but the last has a positive ceiling; the last has none.")
    if any(b <= a for a, b in zip(ceilings, ceilings[1:], strict=False)):  # type: ignore[operator]
        return t("Tier ceilings must rise.")
    if comp.unit is not None and (not comp.unit.is_finite() or comp.unit <= 0
                                  or decimal_places(comp.unit) > minor_units(currency)):
        return t("The rounding unit is a positive amount of the currency.")
    return None


def _refuse_overlap(session: Session, actor: Actor, code: str, start: date, end: date | None) -> None:
    query = select(TaxRule.id).where(TaxRule.organization_id == actor.organization_id, TaxRule.code == code,
                                     or_(col(TaxRule.effective_to).is_(None), col(TaxRule.effective_to) > start))
    if end is not None:
        query = query.where(TaxRule.effective_from < end)
    if session.exec(query).first() is not None:
        raise Conflict(t("Tax rule {code} already applies in that time: end the current rule first.", code=code),
                       fields={"effective_from": t("Overlaps another rule of this code.")})


def _read(rule: TaxRule) -> TaxRuleRead:
    comps = [ComponentInput.model_validate(c) for c in rule.components]
    return TaxRuleRead(id=rule.id, code=rule.code, name=rule.name, jurisdiction=rule.jurisdiction, kind=rule.kind,
                       currency=rule.currency, base=rule.base, effective_from=rule.effective_from,
                       effective_to=rule.effective_to, components=comps, note=rule.note,
                       rounding_text=[f"{c.name}: {describe_rounding(rule.currency, c.rounding, c.unit)}" for c in comps])
