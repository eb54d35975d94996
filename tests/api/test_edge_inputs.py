"""No 500 on odd input: out-of-range integers, NUL bytes and lone surrogates are field errors at the
edge; a date-time the database cannot hold is 422; nothing is written."""
from __future__ import annotations

import json

import pytest

from tests.api.conftest import assert_error, row_counts

HUGE = 1042302343135408160768


@pytest.fixture
def admin(world, as_user):
    return as_user("admin.a")


def test_ids_beyond_the_columns_range_are_a_field_error(client, world, admin):
    assert_error(client.get(f"/lots/{HUGE}", headers=admin), 422, "invalid", lot_id="")
    assert_error(client.get(f"/users/{2 ** 31}", headers=admin), 422, "invalid", user_id="")
    assert_error(client.get(f"/plants/{-(2 ** 31) - 1}", headers=admin), 422, "invalid", plant_id="")
    assert client.get(f"/users/{2 ** 31 - 1}", headers=admin).status_code == 404


def test_body_integers_beyond_range_are_a_field_error(client, world, admin, engine):
    before = row_counts(engine)
    moved = client.post("/lots/102/move", headers=admin, json={"location_id": 123109341386769})
    assert_error(moved, 422, "invalid", location_id="")
    order = client.post("/orders", headers=admin, json={
        "plant_id": world.plant1, "customer_id": 1,
        "lines": [{"product_id": 1, "quantity": 2 ** 31, "promised_date": "2027-01-01"}]})
    error = assert_error(order, 422, "invalid")
    assert error["fields"] == {"lines.0.quantity": f"Must be between {-(2 ** 31)} and {2 ** 31 - 1}."}
    assert row_counts(engine) == before


@pytest.mark.parametrize("bad", ["\ud800x", "Bolt\x00M8"])
def test_lone_surrogates_and_nul_in_text_are_refused(client, world, admin, engine, bad):
    before = row_counts(engine)
    headers = {**admin, "Content-Type": "application/json"}     # JSON escapes (backslash-u escapes) on the wire
    created = client.post("/products", headers=headers, content=json.dumps({"code": "P1", "name": bad}))
    assert_error(created, 422, "invalid", name="")
    renamed = client.patch(f"/plants/{world.plant1}", headers=headers, content=json.dumps({"name": bad}))
    assert_error(renamed, 422, "invalid", name="")
    assert_error(client.get("/users", headers=admin, params={"q": "a\x00b"}), 422, "invalid", q="")
    assert row_counts(engine) == before


def test_a_datetime_that_overflows_utc_is_422(client, world, admin):
    response = client.get("/kpi/summary", headers=admin, params={
        "plant_id": world.plant1, "start": "0001-01-01T00:00:00+14:00", "end": "2027-01-01T00:00:00+00:00"})
    assert_error(response, 422, "invalid")


def test_request_bodies_are_limited_before_parsing(client, world, admin):
    big = b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = client.post("/products", headers={**admin, "Content-Type": "application/json"}, content=big)
    assert_error(response, 413, "too_large")

    def chunks():                                   # no Content-Length: cut off while streaming
        yield b'{"name": "'
        for _ in range(80):
            yield b"x" * 16384
        yield b'"}'
    streamed = client.post("/products", headers={**admin, "Content-Type": "application/json"}, content=chunks())
    assert_error(streamed, 413, "too_large")


def test_passwords_refuse_control_characters_and_promised_dates_are_bounded(client, world, admin):
    reset = client.post(f"/users/{world.operator1}/reset-password", headers=admin,
                        json={"new_password": "Good-pass\t-123"})
    assert_error(reset, 422, "invalid", password="")
    order = client.post("/orders", headers=admin, json={
        "plant_id": world.plant1, "customer_id": 1,
        "lines": [{"product_id": 1, "quantity": 5, "promised_date": "9999-12-31"}]})
    assert_error(order, 422, "invalid", **{"lines.0.promised_date": ""})
