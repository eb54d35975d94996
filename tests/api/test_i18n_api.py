"""The API answers in the request's Accept-Language, and serves each language's catalog to the browser."""
from __future__ import annotations

import pytest

from tests.api.conftest import assert_error
from tests.factories.catalogs import write_catalog

JA = {"Enter your username and password.": "ユーザー名とパスワードを入力してください。", "Required.": "必須項目です。",
      "Log in": "ログイン"}


@pytest.fixture
def ja_catalog(tmp_path, monkeypatch):
    monkeypatch.setenv("TAKT_LOCALE_PATH", str(write_catalog(tmp_path, "ja", JA)))


def test_accept_language_ja_answers_field_errors_in_japanese(client, ja_catalog):
    response = client.post("/auth/token", json={}, headers={"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5"})
    error = assert_error(response, 422, "invalid", username="", password="")
    assert error["message"] == "ユーザー名とパスワードを入力してください。"
    assert error["fields"]["username"] == "必須項目です。"


def test_without_a_language_it_names_the_answer_is_english(client, ja_catalog):
    for headers in ({}, {"Accept-Language": "fr-FR"}):
        error = assert_error(client.post("/auth/token", json={}, headers=headers), 422, "invalid", username="")
        assert error["message"] == "Enter your username and password." and error["fields"]["username"] == "Required."


def test_a_service_error_is_answered_in_the_request_language(client, world, as_user, tmp_path, monkeypatch):
    write_catalog(tmp_path, "ko", {"You cannot deactivate yourself.": "자기 자신은 비활성화할 수 없습니다.",
                                   "This is your own account.": "본인 계정입니다."})
    monkeypatch.setenv("TAKT_LOCALE_PATH", str(tmp_path))
    headers = {**as_user("admin.a"), "Accept-Language": "ko"}
    error = assert_error(client.post(f"/users/{world.admin_a}/deactivate", headers=headers), 422, "invalid",
                         is_active="")
    assert error["message"] == "자기 자신은 비활성화할 수 없습니다." and error["fields"]["is_active"] == "본인 계정입니다."


def test_the_catalog_of_a_language_is_served_as_json_and_cacheable(client, ja_catalog):
    response = client.get("/i18n/ja")
    assert response.status_code == 200 and response.json()["Log in"] == "ログイン"
    assert "max-age" in response.headers["cache-control"] and response.headers["content-language"] == "ja"
    again = client.get("/i18n/ja", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert_error(client.get("/i18n/fr"), 404, "not_found")


def test_a_parameterised_service_message_and_its_field_errors_answer_in_japanese(client, world, as_user):
    planner = {**as_user("planner.one"), "Accept-Language": "ja"}
    created = client.post("/products", json={"code": "fg-1", "name": "Chair"}, headers=planner)
    assert created.status_code == 201, created.text
    error = assert_error(client.post("/products", json={"code": "FG-1", "name": "Again"}, headers=planner),
                         409, "conflict")
    assert error["message"] == "コード FG-1 の製品はすでに存在します。" and error["fields"] == {"code": "すでに使われています。"}
    error = assert_error(client.post("/products", json={"code": "fg-2", "name": "X", "standard_cost": "1.23456"},
                                     headers=planner), 422, "invalid", standard_cost="")
    assert error["fields"]["standard_cost"] == "小数点以下は 4 桁までにしてください。"
    english = assert_error(client.post("/products", json={"code": "FG-1", "name": "Again"},
                                       headers=as_user("planner.one")), 409, "conflict")
    assert english["message"] == "A product with code FG-1 exists."


def test_a_missing_permission_is_refused_in_the_requests_language(client, world, as_user):
    headers = {**as_user("op.one"), "Accept-Language": "ko"}
    error = assert_error(client.post("/products", json={"code": "Y", "name": "Y"}, headers=headers), 403, "forbidden")
    assert error["message"].startswith("이 작업을 할 권한이 없습니다.") and "'plan'" in error["message"]
