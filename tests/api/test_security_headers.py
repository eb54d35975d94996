"""Security headers as the whole backend serves them (rxapp/api/security.py), over HTTP: the API, the API
docs, and pages the way the production build serves them (Reflex's static files with gzip sidecars,
mounted inside the API app). In the browser, tests/e2e/test_security_e2e.py shows the built app passes
its policy."""
from __future__ import annotations

import gzip
import re

import httpx
import pytest
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles

from rxapp.api.app import create_app
from rxapp.api.security import SecurityHeaders, inline_script_hashes
from tests.api.conftest import serve

INLINE = b"window.__ctx = {\"page\": \"login\"};"
PAGE = b"<!doctype html><html><head><script>" + INLINE + b"</script><script src=\"/assets/app.js\"></script>" \
       b"</head><body><script type=\"module\">import \"/assets/m.js\";</script></body></html>"
HOSTILE = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def backend(tmp_path):
    (tmp_path / "login").mkdir()
    (tmp_path / "login" / "index.html").write_bytes(PAGE)
    (tmp_path / "login" / "index.html.gz").write_bytes(gzip.compress(PAGE))
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "evil.html").write_bytes(HOSTILE)
    app = create_app()
    app.mount("/_upload", PrecompressedStaticFiles(directory=uploads))
    app.mount("", PrecompressedStaticFiles(directory=tmp_path, html=True, encodings=["gzip"]))
    with serve(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield http


def policy(response: httpx.Response) -> dict[str, str]:
    return {d.split(" ", 1)[0]: d.partition(" ")[2] for d in
            (part.strip() for part in response.headers["content-security-policy"].split(";"))}


def assert_common(response: httpx.Response) -> None:
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert policy(response)["frame-ancestors"] == "'none'"


def test_api_answers_carry_the_headers_and_allow_no_content(engine, backend):
    response = backend.get("/api/v1/health/live")
    assert response.status_code == 200
    assert_common(response)
    assert policy(response)["default-src"] == "'none'"
    assert "strict-transport-security" not in response.headers            # plain HTTP: no HSTS
    missing = backend.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.headers["x-frame-options"] == "DENY"


def test_hsts_only_when_the_request_came_over_tls(engine, backend):
    proxied = backend.get("/api/v1/health/live", headers={"X-Forwarded-Proto": "https"})
    assert proxied.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "strict-transport-security" in backend.get("/login/", headers={"X-Forwarded-Proto": "https, http"}).headers
    assert "strict-transport-security" not in backend.get("/login/", headers={"X-Forwarded-Proto": "http"}).headers


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_a_page_runs_its_own_inline_scripts_by_hash_and_nothing_else(engine, backend, encoding):
    response = backend.get("/login/", headers={"Accept-Encoding": encoding})
    assert response.status_code == 200 and response.content == PAGE     # httpx decodes gzip; bytes unchanged
    assert response.headers.get("content-encoding", "identity") == encoding
    assert_common(response)
    scripts = policy(response)["script-src"].split()
    assert len(inline_script_hashes(PAGE)) == 2
    assert scripts == ["'self'", *inline_script_hashes(PAGE), "'unsafe-eval'", "'wasm-unsafe-eval'"]
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", scripts[1])
    assert "'unsafe-inline'" not in scripts      # 'unsafe-eval': Reflex runs the scripts its backend sends (toasts)
    assert policy(response)["object-src"] == "'none'" and policy(response)["connect-src"] == "'self'"


def test_html_outside_the_build_gets_no_script(engine, backend):
    upload = backend.get("/_upload/evil.html")
    assert upload.status_code == 200 and upload.content == HOSTILE
    assert policy(upload)["default-src"] == "'none'" and "script-src" not in policy(upload)


def test_the_api_docs_page_runs_swagger_from_its_cdn_and_its_own_inline_script(engine, backend):
    docs = backend.get("/api/v1/docs")
    assert docs.status_code == 200
    scripts = policy(docs)["script-src"].split()
    assert inline_script_hashes(docs.content) and set(inline_script_hashes(docs.content)) <= set(scripts)
    assert "https://cdn.jsdelivr.net" in scripts and "'unsafe-inline'" not in scripts


async def test_a_page_the_server_sends_as_a_file_gets_its_policy_too(tmp_path):
    """Servers with the ASGI path-send extension (granian, which `reflex run --env prod` uses) get the file's
    path instead of its body: the policy is read from the file, and the path is passed on."""
    page = tmp_path / "index.html"
    page.write_bytes(PAGE)
    sent = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.pathsend", "path": str(page)})

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": "/login/", "headers": [], "extensions": {"http.response.pathsend": {}}}
    await SecurityHeaders(app, api_prefix="/api/v1")(scope, None, send)
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.pathsend"]
    policy_header = dict(sent[0]["headers"])[b"content-security-policy"].decode()
    assert all(h in policy_header for h in inline_script_hashes(PAGE))


def test_a_page_revalidated_from_the_cache_keeps_its_own_policy(engine, backend):
    """A reload asks with the page's ETag and gets 304 without a body: the browser keeps the stored page and
    merges the 304's headers into it, so a policy on the 304 would replace the page's (a no-content policy
    there blocked every script and stylesheet of the reloaded page). The 304 carries no policy at all."""
    page = backend.get("/login/")
    again = backend.get("/login/", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304
    assert "content-security-policy" not in again.headers
    assert again.headers["x-frame-options"] == "DENY" and again.headers["x-content-type-options"] == "nosniff"
