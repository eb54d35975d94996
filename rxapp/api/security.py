"""Security headers on every response of the backend: the app's pages, their assets and the API.

Invariants:
- Every response says `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`,
  `Referrer-Policy: strict-origin-when-cross-origin` and a Content-Security-Policy with
  `frame-ancestors 'none'`; `Strict-Transport-Security` only when the request came over TLS
  (`https` scheme, or `X-Forwarded-Proto: https` from the TLS proxy in front).
- Pages (HTML of the built frontend, and the API docs) run only scripts from this origin and the inline
  scripts of that very page, by SHA-256 hash: no 'unsafe-inline'. 'unsafe-eval' is allowed because Reflex's
  client evaluates the scripts a backend event sends (`rx.toast`, `rx.call_script`, `rx.call_function`
  arrive as JavaScript text and run through eval: every toast of the app would fail without it); those
  scripts come from our own backend over the app's websocket, never from page content. The hashes are taken
  from the HTML as served, which is our own build output; HTML anywhere else (uploads, API answers)
  gets no script at all (`default-src 'none'`).
- A 304 (a cache revalidating what it holds) carries no policy: the browser merges a 304's headers into
  the response it stored, which already has the policy computed from its own body.
- The page's body passes unchanged: a gzip-encoded page is decoded only to read its scripts, and the
  request for a page asks the static files for gzip or nothing (the only encoding read here).
"""
from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import re

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
PAGE_POLICY = ("default-src 'self'; script-src 'self'{scripts} 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'{styles}; "
               "img-src 'self' data: blob:{images}; font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; "
               "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
NO_CONTENT_POLICY = "default-src 'none'; frame-ancestors 'none'"
SWAGGER_CDN = " https://cdn.jsdelivr.net"       # FastAPI's Swagger UI page loads its script and styles from there
HSTS = b"max-age=31536000; includeSubDomains"


def inline_script_hashes(html: bytes) -> list[str]:
    """CSP source expressions for the inline scripts of `html`, in order, without repeats."""
    found = [f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
             for body in _INLINE_SCRIPT.findall(html)]
    return list(dict.fromkeys(found))


def page_policy(html: bytes, *, docs: bool = False) -> str:
    scripts = "".join(" " + h for h in inline_script_hashes(html))
    cdn = SWAGGER_CDN if docs else ""
    return PAGE_POLICY.format(scripts=scripts + cdn, styles=cdn, images=" https://fastapi.tiangolo.com" if docs else "")


@functools.lru_cache(maxsize=256)
def _served_policy(body: bytes, gzipped: bool, docs: bool) -> str:
    """The policy of a page body as served. The pages are built once and never change, so each body is
    decoded and its scripts hashed once, not on every request."""
    return page_policy(gzip.decompress(body) if gzipped else body, docs=docs)


class SecurityHeaders:
    """`pages(path)` tells which paths serve our own HTML (the built frontend); `docs` are the API docs pages."""

    def __init__(self, app: ASGIApp, *, api_prefix: str, docs: tuple[str, ...] = ()):
        self.app = app
        self.api_prefix = api_prefix
        self.docs = docs

    def _is_page(self, path: str) -> bool:
        return path in self.docs or not (path.startswith(self.api_prefix + "/") or path.startswith("/_"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        page = self._is_page(path)
        if page:
            scope = {**scope, "headers": _gzip_or_identity(scope.get("headers") or [])}
        common = _common_headers(scope)
        start: Message | None = None
        body: list[bytes] = []

        async def send_secured(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS] + common
                if message.get("status") == 304:
                    await send({**message, "headers": headers})     # the stored response keeps its policy
                    return
                if page and _header(headers, b"content-type").startswith(b"text/html"):
                    start = {**message, "headers": headers}         # the policy needs the whole page
                    return
                await send({**message, "headers": headers + [(b"content-security-policy", NO_CONTENT_POLICY.encode())]})
                return
            if start is None or message["type"] not in ("http.response.body", "http.response.pathsend"):
                await send(message)
                return
            if message["type"] == "http.response.pathsend":       # the server sends the file itself (granian)
                whole = await anyio.Path(message["path"]).read_bytes()
            else:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                whole = b"".join(body)
                message = {"type": "http.response.body", "body": whole}
            policy = _served_policy(whole, _header(start["headers"], b"content-encoding") == b"gzip", path in self.docs)
            await send({**start, "headers": start["headers"] + [(b"content-security-policy", policy.encode())]})
            await send(message)

        await self.app(scope, receive, send_secured)


_OURS = {b"content-security-policy", b"x-frame-options", b"x-content-type-options", b"referrer-policy",
         b"strict-transport-security"}


def _common_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    headers = [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"strict-origin-when-cross-origin")]
    forwarded = _header(scope.get("headers") or [], b"x-forwarded-proto").split(b",")[0].strip().lower()
    if scope.get("scheme") == "https" or forwarded == b"https":
        headers.append((b"strict-transport-security", HSTS))
    return headers


def _header(headers, name: bytes) -> bytes:
    return next((v for k, v in headers if k.lower() == name), b"")


def _gzip_or_identity(headers) -> list[tuple[bytes, bytes]]:
    """The request's headers with Accept-Encoding narrowed to gzip (when accepted), the one encoding read here."""
    accepts = b"gzip" in _header(headers, b"accept-encoding").lower()
    kept = [(k, v) for k, v in headers if k.lower() != b"accept-encoding"]
    return kept + [(b"accept-encoding", b"gzip")] if accepts else kept
