"""Fuzzing every operation of /api/v1/openapi.json with schemathesis, as an admin and anonymously.

Each operation gets `TAKT_FUZZ_EXAMPLES` (default 2) valid and invalid requests generated from its
schema (huge integers, odd text, missing fields, wrong types); any 5xx, a response body that does not
match its documented schema, or an undocumented content type fails the test. The operations come from
the OpenAPI, so new routes are fuzzed by themselves. The Hypothesis seed is random unless
`TAKT_FUZZ_SEED` is set, and every failure message starts with it: rerun with it to reproduce.
"""
from __future__ import annotations

import os
import random
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from sqlmodel import Session

from models.auth import AuthSession
from models.base import utcnow
from models.user import User
from rxapp.api.app import api
from services.org.tokens import hash_token, new_token

SEED = int(os.environ.get("TAKT_FUZZ_SEED") or random.randrange(2 ** 32))
EXAMPLES = int(os.environ.get("TAKT_FUZZ_EXAMPLES", "2"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
SKIPPED = {("POST", "/api/v1/auth/logout")}          # would end the fuzzing session itself, nothing else


def mint_session(engine, user_id: int) -> str:
    """A fresh session for `user_id` straight in the database (the fuzzer may change passwords or deactivate)."""
    token, now = new_token("tks"), utcnow()
    with Session(engine) as s:
        user = s.get(User, user_id)
        user.is_active = True
        s.add(user)
        s.add(AuthSession(user_id=user_id, token_hash=hash_token(token), created_at=now,
                          expires_at=now + timedelta(hours=1), last_seen_at=now, client="fuzz"))
        s.commit()
    return token


def fuzz(server_url: str, headers_for, app=api, examples: int = EXAMPLES) -> list[str]:
    """Every operation of `app`'s OpenAPI against `server_url`; one line per failing operation."""
    schema = schemathesis.openapi.from_dict(app.openapi())     # what GET /api/v1/openapi.json serves
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        try:
            _examples(server_url, operation, headers_for(), examples)()
        except (Exception, BaseExceptionGroup) as failure:  # every operation is tried; failures reported together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(failure)[:1500]}")
    return failures


def _examples(server_url: str, operation, headers: dict, examples: int):
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @seed(SEED)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        response = case.call(base_url=server_url, headers=headers, timeout=60)
        case.validate_response(response, checks=CHECKS, headers=headers)

    return run


def _report(who: str, failures: list[str]) -> str:
    return (f"fuzzing as {who} with TAKT_FUZZ_SEED={SEED} (TAKT_FUZZ_EXAMPLES={EXAMPLES}): "
            f"{len(failures)} operation(s) failed\n\n" + "\n\n".join(failures))


@pytest.mark.fuzz
def test_fuzz_every_operation_as_an_admin(engine, client, world, server_url):
    print(f"fuzz seed: TAKT_FUZZ_SEED={SEED}")
    failures = fuzz(server_url, lambda: {"Authorization": f"Bearer {mint_session(engine, world.admin_a)}"})
    assert not failures, _report("admin.a", failures)


@pytest.mark.fuzz
def test_fuzz_every_operation_anonymously(engine, client, world, server_url):
    print(f"fuzz seed: TAKT_FUZZ_SEED={SEED}")
    failures = fuzz(server_url, dict)
    assert not failures, _report("nobody", failures)


def test_the_fuzzer_catches_a_server_error(engine):
    """The harness itself: an operation that answers 500 on some input is reported."""
    from fastapi import FastAPI

    from tests.api.conftest import serve
    broken = FastAPI(openapi_url="/api/v1/openapi.json")

    @broken.get("/api/v1/things/{thing_id}")
    def thing(thing_id: int) -> dict:
        if abs(thing_id) > 100:
            raise RuntimeError("overflow")
        return {"id": thing_id}

    with serve(broken) as url:
        failures = fuzz(url, dict, app=broken, examples=30)
    assert len(failures) == 1 and failures[0].startswith("GET /api/v1/things/{thing_id}")
