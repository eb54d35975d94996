"""Languages at the REST door: each request is served in its `Accept-Language`, and the browser fetches
each language's catalog from here once (rxapp/i18n_client.py, assets/takt_i18n.js).

- `ApiLanguage` (pure ASGI, API paths only) sets the request's language from `Accept-Language` (the
  deployment's `TAKT_LANGUAGE` when it names none of en, ja, ko) for the route, the services it calls
  and the error body (rxapp/api/schemas.error_body translates messages and field messages).
- `GET /api/v1/i18n/{lang}`: the catalog as JSON (English message id -> text), no log-in, cacheable.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from rxapp.api.schemas import errors
from rxapp.i18n import SUPPORTED, catalog, default_language, negotiate, use_language
from services.core.errors import NotFound

router = APIRouter(tags=["languages"])
CATALOG_PATHS = tuple(f"/i18n/{lang}" for lang in SUPPORTED)


class ApiLanguage:
    def __init__(self, app: ASGIApp, *, prefix: str):
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not scope.get("path", "").startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        lang = negotiate(Headers(scope=scope).get("accept-language")) or default_language()
        with use_language(lang):
            await self.app(scope, receive, send)


@router.get("/i18n/{lang}", summary="A language's catalog: English message id -> translated text",
            responses=errors(404, 422))
def get_catalog(lang: str, request: Request) -> Response:
    if lang not in SUPPORTED:
        raise NotFound(f"Takt speaks {', '.join(SUPPORTED)}; not {lang}.")
    messages = catalog(lang).messages
    etag = f'W/"{lang}-{hash(tuple(sorted(messages.items()))) & 0xFFFFFFFF:x}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300", "Content-Language": lang}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return JSONResponse(messages, headers=headers)
