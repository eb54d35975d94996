"""Tenancy isolation, table-driven from the OpenAPI: every GET path with an id, read with ids of the demo
organization's rows, by another organization's admin and by a person of the same organization whose only
plant has none of those rows. New paths join the table by themselves.

- Another organization's admin gets 403 or 404 (422 when the request lacks a required query parameter:
  refused before anything is read), never a 2xx or a 5xx.
- A person with every role but admin, limited to another plant, gets 403 or 404 too, except on the
  paths listed in ORGANIZATION_WIDE: master data an organization shares across its plants.
"""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from models.base import utcnow
from models.organization import Organization, Plant
from rxapp.api.app import api
from services.core.db import transaction
from services.demo import seed as demo
from tests.api.conftest import bearer, login
from tests.factories.org import PASSWORD, make_plant, make_user

PROBE_IDS = (1, 2)
REFUSED = {403, 404, 422}
ALL_ROLES_BUT_ADMIN = ["manager", "planner", "supervisor", "operator", "quality", "maintenance", "finance"]
# Organization-wide reads (shared by every plant of the organization; studio projects belong to no plant);
# anything else is per plant.
ORGANIZATION_WIDE = re.compile(
    r"^/api/v1/(products|customers|routings|reason-codes|type-lists|custom-fields|workflows|users|labels"
    r"|finance|tax-rules|accounts|fiscal-periods|journal|cost|notifications|branding|me|studio)(/|$)")


def id_paths() -> list[str]:
    """Every documented GET path with an integer path parameter."""
    paths = []
    for path, operations in api.openapi()["paths"].items():
        get = operations.get("get")
        if get and any(p.get("in") == "path" and (p.get("schema") or {}).get("type") == "integer"
                       for p in get.get("parameters", [])):
            paths.append(path)
    return sorted(paths)


def filled(path: str, value: int) -> str:
    return re.sub(r"\{[^}]+\}", str(value), path).removeprefix("/api/v1")


@pytest.fixture
def demo_world(session):
    with transaction(session):
        demo.seed_demo(session, now=utcnow())
    acme = session.exec(select(Organization.id).where(Organization.slug == "acme")).one()
    with transaction(session):
        lonely = make_plant(session, acme, "ZZZ")
        make_user(session, acme, roles=ALL_ROLES_BUT_ADMIN, plant_ids=[lonely], username="elsewhere")
    assert session.exec(select(Plant.organization_id).where(Plant.id.in_(PROBE_IDS))).all() == [acme, acme]
    return acme


def probe(client, headers, paths, allowed) -> list[str]:
    leaks = []
    for path in paths:
        for value in PROBE_IDS:
            response = client.get(filled(path, value), headers=headers)
            if response.status_code not in REFUSED and not allowed(path, response.status_code):
                leaks.append(f"GET {filled(path, value)} -> {response.status_code}: {response.text[:200]}")
    return leaks


def test_the_table_covers_the_api():
    paths = id_paths()
    assert len(paths) >= 40 and "/api/v1/lots/{lot_id}" in paths and "/api/v1/users/{user_id}" in paths


def test_another_organization_and_another_plant_see_nothing_by_id(client, demo_world):
    paths = id_paths()
    foreign_org = bearer(login(client, "globex.admin", demo.DEMO_PASSWORD))
    leaks = probe(client, foreign_org, paths, lambda path, status: False)
    other_plant = bearer(login(client, "elsewhere", PASSWORD))
    leaks += probe(client, other_plant, paths,
                   lambda path, status: status == 200 and ORGANIZATION_WIDE.match(path) is not None)
    assert not leaks, "\n".join(leaks)
