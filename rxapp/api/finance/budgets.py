"""Budgets per project and per cost centre, and a project's spend against its budget (finance)."""
from __future__ import annotations

from fastapi import APIRouter

from models.base import utcnow
from rxapp.api.deps import CurrentActor
from rxapp.api.schemas import AUTHENTICATED, errors
from services.core.db import db_session, transaction
from services.finance import budgets
from services.finance.budgets import BudgetInput, BudgetRead, OrderCheck, ProjectSpend

router = APIRouter(prefix="/finance", tags=["finance"], responses=AUTHENTICATED)


@router.get("/budgets", response_model=list[BudgetRead], summary="Budgets with committed, settled and paid spend")
def list_budgets(actor: CurrentActor) -> list[BudgetRead]:
    with db_session() as s, transaction(s):
        return budgets.list_budgets(s, actor)


@router.put("/budgets", response_model=BudgetRead, responses=errors(409, 422),
            summary="Set the budget of a project or a cost centre")
def set_budget(body: BudgetInput, actor: CurrentActor) -> BudgetRead:
    with db_session() as s, transaction(s):
        return budgets.set_budget(s, actor, body, now=utcnow())


@router.post("/budgets/check", response_model=list[str], responses=errors(404, 422),
             summary="The budget warnings an order would get (project or cost centre, currency, adjusted total)")
def check_order(body: OrderCheck, actor: CurrentActor) -> list[str]:
    with db_session() as s, transaction(s):
        return budgets.check_order(s, actor, body)


@router.get("/projects/{project_id}/spend", response_model=ProjectSpend,
            summary="A project's budget and its spend from purchase orders and settlements")
def project_spend(project_id: int, actor: CurrentActor) -> ProjectSpend:
    with db_session() as s, transaction(s):
        return budgets.project_spend(s, actor, project_id)
