"""Pure ASGI layers for the API paths only (Reflex's own routes pass through untouched).

- `ApiCORS`: CORS for the API with an explicit origin list (no wildcard, no credentials: the API
  authenticates with a bearer header, never with cookies).
- `ApiHeaders`: `Cache-Control: no-store` on API responses (they carry tokens and tenant data),
  `Pragma: no-cache` on /auth responses, `X-Content-Type-Options: nosniff`. The docs stay cacheable.
- `BodyLimit`: a request body size limit on every API path (413 before parsing).
"""
from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rxapp.api.schemas import error_body


class _CORS(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in the API's error shape."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        message = bytes(response.body).decode() or "CORS request refused."
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
        return JSONResponse(error_body("cors_refused", message + "."), status_code=response.status_code, headers=headers)


class ApiCORS:
    def __init__(self, app: ASGIApp, *, prefix: str, origins: list[str]):
        self.app = app
        self.prefix = prefix
        self.cors = _CORS(
            app, allow_origins=origins, allow_credentials=False,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"], expose_headers=["Retry-After", "X-Next-After", "X-Total-Count"], max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class ApiHeaders:
    def __init__(self, app: ASGIApp, *, prefix: str, cacheable: tuple[str, ...] = ()):
        self.app = app
        self.prefix = prefix
        self.cacheable = cacheable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.prefix) or path in self.cacheable:
            await self.app(scope, receive, send)
            return
        extra = [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff")]
        if path.startswith(self.prefix + "/auth/"):
            extra.append((b"pragma", b"no-cache"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in extra}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """At most `max_bytes` of request body on API paths (`upload_bytes` for multipart uploads); paths under
    `own_limits` (ingest, which states its own) are left alone. A declared Content-Length above the limit
    is refused before reading; a streamed body is cut off as soon as it passes it. Both answer 413."""

    def __init__(self, app: ASGIApp, *, prefix: str, max_bytes: int, upload_bytes: int,
                 own_limits: tuple[str, ...] = ()):
        self.app = app
        self.prefix = prefix
        self.max_bytes, self.upload_bytes = max_bytes, upload_bytes
        self.own_limits = own_limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.prefix) or path.startswith(self.own_limits):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.upload_bytes if headers.get("content-type", "").startswith("multipart/") else self.max_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, _too_large_text(limit))
            return message

        await self.app(scope, limited_receive, send)


def _too_large_text(limit: int) -> str:
    return f"The request body is larger than {limit // 1024:,} KiB; send less at once."


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(error_body("too_large", _too_large_text(limit)), status_code=413)
