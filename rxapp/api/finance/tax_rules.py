"""Tax rules: VAT and withholding per jurisdiction with effective dates, and the tax of an amount (FINANCE)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from models.base import utcnow
from models.finance import TaxKind
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.finance import tax_rules
from services.finance.tax_rules import TaxResult, TaxRuleCreate, TaxRuleRead

router = APIRouter(prefix="/finance", tags=["finance"], responses=AUTHENTICATED)


class EndRule(BaseModel):
    effective_to: date


class ComputeRequest(BaseModel):
    code: str = Field(max_length=32)
    amount: Decimal = Field(ge=0, lt=Decimal(10) ** 14)
    vat: Decimal = Field(default=Decimal("0"), ge=0, lt=Decimal(10) ** 14)
    on: date


@router.get("/tax-rules", response_model=list[TaxRuleRead], summary="List tax rules (in force on a date, by kind)")
def list_rules(actor: CurrentActor, on: date | None = None, kind: TaxKind | None = None,
               jurisdiction: str | None = None) -> list[TaxRuleRead]:
    with db_session() as s, transaction(s):
        return tax_rules.list_tax_rules(s, actor, on=on, kind=kind, jurisdiction=jurisdiction)


@router.post("/tax-rules", response_model=TaxRuleRead, status_code=status.HTTP_201_CREATED,
             summary="Create a tax rule from a date", responses=errors(409))
def create_rule(body: TaxRuleCreate, actor: CurrentActor) -> TaxRuleRead:
    with db_session() as s, transaction(s):
        return tax_rules.create_tax_rule(s, actor, body, now=utcnow())


@router.get("/tax-rules/{rule_id}", response_model=TaxRuleRead, summary="Get a tax rule")
def get_rule(rule_id: int, actor: CurrentActor) -> TaxRuleRead:
    with db_session() as s, transaction(s):
        return tax_rules.get_tax_rule(s, actor, rule_id)


@router.post("/tax-rules/{rule_id}/end", response_model=TaxRuleRead, summary="End a tax rule on a date")
def end_rule(rule_id: int, body: EndRule, actor: CurrentActor) -> TaxRuleRead:
    with db_session() as s, transaction(s):
        return tax_rules.end_tax_rule(s, actor, rule_id, body.effective_to, now=utcnow())


@router.post("/tax/compute", response_model=TaxResult, summary="The tax of an amount by the rule in force on a date")
def compute(body: ComputeRequest, actor: CurrentActor) -> TaxResult:
    with db_session() as s, transaction(s):
        return tax_rules.compute_by_code(s, actor, body.code, body.amount, on=body.on, vat=body.vat)
