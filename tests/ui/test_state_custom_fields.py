"""Custom fields in the products page state: inputs per active field, values saved with the
product, the list's summary and filter, exports with custom columns, and the same field errors as
the REST API gives for the same input (both doors call services/config/custom_fields.py)."""
from __future__ import annotations

import csv
import io

import httpx
import pytest
from sqlmodel import Session, select

from models.catalog import Product
from rxapp.api.app import api
from rxapp.state.master.products import ProductsState
from services.config import custom_fields, type_lists
from services.config.custom_fields import CustomFieldCreate
from services.core.db import transaction
from tests.api.conftest import serve
from tests.factories.org import PASSWORD
from tests.ui.conftest import download_bytes, run, signed_in, toasts


@pytest.fixture(scope="module")
def api_url():
    with serve(api) as url:
        yield f"{url}/api/v1"


@pytest.fixture
def fields(session, world, now):
    admin = world.actor(world.admin_a)
    with transaction(session):
        for spec in (dict(key="weight", label="Weight", field_type="number", unit="kg", min_value="0", max_value="50",
                          required=True),
                     dict(key="surface", label="Surface", field_type="choice", type_list_key="defect_codes"),
                     dict(key="coated", label="Coated", field_type="boolean"),
                     dict(key="first_article", label="First article", field_type="date")):
            custom_fields.create_definition(session, admin, CustomFieldCreate(entity_type="product", **spec), now=now)
    return {v.code: v.id for v in type_lists.values(session, admin, "defect_codes")}


def form(code: str, **custom: str) -> dict:
    return {"code": code, "name": "Part", "type": "finished", "unit": "pcs", "standard_cost": "", "description": "",
            **{f"custom.{k}": v for k, v in custom.items()}}


async def test_custom_field_errors_are_identical_in_the_page_and_the_api(engine, world, fields, api_url):
    state = await signed_in(engine, ProductsState, "planner.one")
    await run(state.open_new(), state)
    assert [(i.key, i.field_type, i.required) for i in state.custom_inputs] == [
        ("weight", "number", True), ("surface", "choice", False), ("coated", "boolean", False),
        ("first_article", "date", False)]
    assert [o.label for o in state.custom_inputs[1].options][:2] == ["Dimension out of tolerance", "Surface defect"]
    bad = {"weight": "80", "coated": "maybe", "first_article": "tomorrow", "surface": "999999"}
    events = await run(state.save(form("BAD-1", **bad)), state)
    assert toasts(events, "error") and state.form_open

    with httpx.Client(base_url=api_url, timeout=60) as client:
        token = client.post("/auth/token", json={"username": "planner.one", "password": PASSWORD}).json()["access_token"]
        answer = client.post("/products", headers={"Authorization": f"Bearer {token}"},
                             json={"code": "BAD-1", "name": "Part", "custom": bad})
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"] == state.form_errors == {
        "custom.weight": "Must be at most 50 kg.", "custom.coated": "Answer yes or no.",
        "custom.first_article": "Enter a date as YYYY-MM-DD.", "custom.surface": "Pick a value from the list."}

    await run(state.save(form("BAD-1", weight="")), state)
    assert state.form_errors == {"custom.weight": "Required."}


async def test_saved_values_show_filter_and_export(engine, world, fields):
    state = await signed_in(engine, ProductsState, "planner.one")
    await run(state.enter(), state)
    await run(state.open_new(), state)
    events = await run(state.save(form("FG-1", weight="12.5", surface=str(fields["BURR"]), coated="true",
                                       first_article="2026-03-02")), state)
    assert toasts(events, "success") == ["Product saved: FG-1"]
    await run(state.open_new(), state)
    await run(state.save(form("FG-2", weight="3", coated="false")), state)
    with Session(engine) as s:
        stored = s.exec(select(Product).where(Product.code == "FG-1")).one().custom
    assert stored == {"weight": "12.5", "surface": fields["BURR"], "coated": True, "first_article": "2026-03-02"}
    fg1 = next(r for r in state.rows if r.code == "FG-1")
    assert fg1.custom_summary == "Weight: 12.5 kg · Surface: Burr · Coated: yes · First article: 2026-03-02"

    await run(state.open_edit(fg1.id), state)
    assert {i.key: i.value for i in state.custom_inputs} == {"weight": "12.5", "surface": str(fields["BURR"]),
                                                           "coated": "true", "first_article": "2026-03-02"}
    await run(state.save({**form("FG-1", weight="13", surface="", coated="true", first_article="2026-03-02")}), state)
    with Session(engine) as s:
        assert s.exec(select(Product).where(Product.code == "FG-1")).one().custom == {
            "weight": "13", "coated": True, "first_article": "2026-03-02"}

    assert [f.key for f in state.custom_filter_fields] == ["weight", "surface", "coated", "first_article"]
    await run(state.set_custom_filter_key("coated"), state)
    await run(state.set_custom_filter_value("no"), state)
    assert [r.code for r in state.rows] == ["FG-2"]
    rows = list(csv.DictReader(io.StringIO(download_bytes(await run(state.export("csv"), state)).decode("utf-8-sig"))))
    assert [(r["Code"], r["Weight (kg)"], r["Coated"]) for r in rows] == [("FG-2", "3", "no")]
    await run(state.set_custom_filter_key(""), state)
    assert [r.code for r in state.rows] == ["FG-1", "FG-2"]
