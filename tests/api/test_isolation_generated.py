"""Tenancy isolation, table-driven from the OpenAPI: every path with an id, read (GET) and changed (POST,
PUT, PATCH, DELETE) with ids of the demo organization's rows, by another organization's admin and by a person
of the same organization whose only plant has none of those rows. New paths join the table by themselves.

- Another organization's admin gets 403 or 404 (422 when the request lacks a required query parameter:
  refused before anything is read), never a 2xx or a 5xx.
- A person with every role but admin, limited to another plant, gets 403 or 404 too, except on the
  paths listed in ORGANIZATION_WIDE: master data an organization shares across its plants.
- Changes: each request carries a body built from its schema (every required field with a plausible
  value, so it gets past validation to the services); both identities get 403, 404 or 422 (a field the
  service refuses before it looks the row up), never a 2xx, a 409 (which would tell the row exists) or a
  5xx, and nothing in the database changes (every table compared, log-in bookkeeping aside). The person of
  another plant may change ORGANIZATION_WIDE data their roles allow (master data, studio), so only the
  per-plant paths are probed for them.
"""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from models.auth import ApiToken, AuthSession, LoginAttempt
from models.base import utcnow
from models.organization import Organization, Plant
from rxapp.api.app import api
from services.core.db import transaction
from services.demo import seed as demo
from services.org.demo_users import DEMO_MODE_ENV
from tests.api.conftest import bearer, login
from tests.factories.db import snapshot
from tests.factories.org import PASSWORD, make_plant, make_user

PROBE_IDS = (1, 2)
REFUSED = {403, 404, 422}
ALL_ROLES_BUT_ADMIN = ["manager", "planner", "supervisor", "operator", "quality", "maintenance", "finance"]
# Organization-wide reads (shared by every plant of the organization; studio projects belong to no plant);
# anything else is per plant. Documents: the demo's first ones are product drawings and a change order (of
# products), which every plant reads; a document on a plant's machines or orders stays in that plant
# (tests/unit/test_documents.py::test_documents_stay_in_their_organization_and_plant).
ORGANIZATION_WIDE = re.compile(
    r"^/api/v1/(products|bom-lines|customers|routings|reason-codes|type-lists|custom-fields|workflows|users|labels"
    r"|finance|tax-rules|accounts|fiscal-periods|journal|cost|notifications|branding|me|studio|documents)(/|$)")


CHANGES = ("post", "put", "patch", "delete")
BOOKKEEPING = {t.__tablename__ for t in (AuthSession, LoginAttempt, ApiToken)}   # sessions slide, tokens note use


def _has_id(operation: dict) -> bool:
    return any(p.get("in") == "path" and (p.get("schema") or {}).get("type") == "integer"
               for p in operation.get("parameters", []))


def id_paths() -> list[str]:
    """Every documented GET path with an integer path parameter."""
    return sorted(path for path, operations in api.openapi()["paths"].items()
                  if "get" in operations and _has_id(operations["get"]))


def id_changes() -> list[tuple[str, str, dict | None]]:
    """Every documented change (method, path, JSON body or None) with an integer path parameter."""
    spec = api.openapi()
    changes = []
    for path, operations in sorted(spec["paths"].items()):
        for method in CHANGES:
            operation = operations.get(method)
            if operation and _has_id(operation):
                content = (operation.get("requestBody") or {}).get("content", {})
                schema = content.get("application/json", {}).get("schema")
                changes.append((method, path, example(spec, schema) if schema else None))
    return changes


def example(spec: dict, schema: dict, depth: int = 0):
    """A plausible value for `schema`: every required property filled, the first choice of an enum."""
    if "$ref" in schema:
        return example(spec, spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], depth)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return example(spec, options[0], depth)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind, fmt = schema.get("type"), schema.get("format", "")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {} if depth > 4 else {name: example(spec, prop, depth + 1)
                                     for name, prop in schema.get("properties", {}).items() if name in required}
    if kind == "array":
        return [example(spec, schema.get("items", {}), depth + 1)] if schema.get("minItems") else []
    scalars = {"integer": 1, "number": 1, "boolean": False}
    if kind in scalars:
        return scalars[kind]
    return {"date": "2026-12-01", "date-time": "2026-12-01T08:00:00Z"}.get(fmt, "probe-value")


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


def change(client, headers, method: str, path: str, body: dict | None, value: int):
    return client.request(method.upper(), filled(path, value), headers=headers,
                          json=body if body is not None or method != "delete" else None)


def probe_changes(client, headers, changes) -> list[str]:
    leaks = []
    for method, path, body in changes:
        for value in PROBE_IDS:
            response = change(client, headers, method, path, body, value)
            if response.status_code not in REFUSED:
                leaks.append(f"{method.upper()} {filled(path, value)} -> {response.status_code}: {response.text[:200]}")
    return leaks


def changed_tables(engine, before: dict) -> list[str]:
    after = snapshot(engine)
    return [table for table in before if table not in BOOKKEEPING and before[table] != after[table]]


def test_the_table_covers_the_api():
    paths = id_paths()
    assert len(paths) >= 40 and "/api/v1/lots/{lot_id}" in paths and "/api/v1/users/{user_id}" in paths
    changes = {(method, path) for method, path, _ in id_changes()}
    assert len(changes) >= 100 and ("post", "/api/v1/lots/{lot_id}/move") in changes
    assert ("delete", "/api/v1/api-tokens/{token_id}") in changes or ("post", "/api/v1/api-tokens/{token_id}/revoke") in changes


def test_another_organization_and_another_plant_see_nothing_by_id(client, demo_world):
    paths = id_paths()
    foreign_org = bearer(login(client, "globex.admin", demo.DEMO_PASSWORD))
    leaks = probe(client, foreign_org, paths, lambda path, status: False)
    other_plant = bearer(login(client, "elsewhere", PASSWORD))
    leaks += probe(client, other_plant, paths,
                   lambda path, status: status == 200 and ORGANIZATION_WIDE.match(path) is not None)
    assert not leaks, "\n".join(leaks)


def test_another_organization_and_another_plant_change_nothing_by_id(client, demo_world, engine, monkeypatch):
    monkeypatch.setenv(DEMO_MODE_ENV, "1")          # the demo's people may write: isolation, not passwords, refuses
    foreign_org = bearer(login(client, "globex.admin", demo.DEMO_PASSWORD))
    other_plant = bearer(login(client, "elsewhere", PASSWORD))
    changes = id_changes()
    before = snapshot(engine)
    leaks = probe_changes(client, foreign_org, changes)
    assert not leaks, "\n".join(leaks)
    assert changed_tables(engine, before) == []
    per_plant = [(method, path, body) for method, path, body in changes if not ORGANIZATION_WIDE.match(path)]
    leaks = probe_changes(client, other_plant, per_plant)
    assert not leaks, "\n".join(leaks)
    assert changed_tables(engine, before) == []
