"""Route matching by the path's first segment under /api/v1, so a request tries only the routers that serve it.

FastAPI includes each router lazily (one `app.routes` entry per `include_router`), and its router tries
them in order, each scanning every route it holds: ~470 routes in ~60 routers, and the operator action's
route sat behind ~160 others, matched twice (once to choose its router, once inside it).
`SegmentDispatch` is one Starlette route put first in `app.routes`: built once from the app's routes (their
paths, through FastAPI's public `iter_route_contexts`), it keeps, per literal first segment after the
prefix (`orders`, `machines`, `finance`), the top-level entries that hold a path with that segment, in
their order, followed by every entry whose first segment is a path parameter or a catch-all.
A request under the prefix tries only that list, through the same `matches`/`handle` FastAPI's router
calls, so the chosen route, its answer, a 404 or 405, and the OpenAPI schema stay what they were:
- a route whose first segment is literal cannot match a path with another first segment, so the routes
  left out could never have matched;
- the kept entries keep their relative order, so the first full match (or the first partial one, a 405)
  is the one the full scan would have found;
- a path outside the prefix, or with no segment, is not touched (NONE): the app's router scans as before.
The table is built once, after every route is added (`create_app` calls `install`); a route added later
under the prefix would need `install` again.
"""
from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

_CHOSEN = "takt.route_entry"        # the scope key that hands the matched entry from `matches` to `handle`
_ANY = None                          # first segment of an entry that may serve any segment


def _first_segment(path: str, prefix: str) -> str | None:
    """`orders` for `/api/v1/orders/{id}`; None when the path is outside the prefix or starts with a parameter."""
    if not path.startswith(prefix + "/"):
        return None
    segment = path[len(prefix) + 1:].split("/", 1)[0]
    return None if not segment or "{" in segment else segment


def _served_segments(entry: BaseRoute, prefix: str) -> set[str | None]:
    """The literal first segments an app entry serves (`_ANY` when one of its paths could match any)."""
    segments: set[str | None] = set()
    for context in iter_route_contexts([entry]):
        path = context.path or ""
        if path.startswith(prefix + "/"):
            segments.add(_first_segment(path, prefix))
    return segments


def _route_path(scope: Scope) -> str:
    """The path the app's routes match against (Starlette's rule: the path without the mount's root_path)."""
    path, root = scope["path"], scope.get("root_path", "")
    if root and path.startswith(root) and path != root and path[len(root)] == "/":
        return path[len(root):]
    return "" if root and path == root else path


class SegmentDispatch(BaseRoute):
    def __init__(self, entries: Iterable[BaseRoute], prefix: str):
        self.prefix = prefix
        served = [(entry, _served_segments(entry, prefix)) for entry in entries]
        literal = sorted({s for _entry, segments in served for s in segments if s is not _ANY})
        self.by_segment: dict[str, tuple[BaseRoute, ...]] = {
            segment: tuple(e for e, segments in served if segment in segments or _ANY in segments)
            for segment in literal}
        self.otherwise: tuple[BaseRoute, ...] = tuple(e for e, segments in served if _ANY in segments)

    def candidates(self, path: str) -> tuple[BaseRoute, ...] | None:
        """The app entries a request for `path` tries, in order; None: outside the prefix (not ours)."""
        if not path.startswith(self.prefix + "/"):
            return None
        segment = path[len(self.prefix) + 1:].split("/", 1)[0]
        return self.by_segment.get(segment, self.otherwise)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] not in ("http", "websocket"):
            return Match.NONE, {}
        entries = self.candidates(_route_path(scope))
        if entries is None:
            return Match.NONE, {}
        partial: tuple[BaseRoute, Scope] | None = None
        for entry in entries:
            match, child_scope = entry.matches(scope)
            if match == Match.FULL:
                return Match.FULL, {**child_scope, _CHOSEN: entry}
            if match == Match.PARTIAL and partial is None:
                partial = (entry, child_scope)
        if partial is not None:
            return Match.PARTIAL, {**partial[1], _CHOSEN: partial[0]}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope.pop(_CHOSEN).handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params):
        raise NoMatchFound(name, path_params)      # the entries themselves stay in app.routes and answer it


def install(app: FastAPI, prefix: str) -> SegmentDispatch:
    """Put a `SegmentDispatch` over the app's current routes first in its routes."""
    routes = app.router.routes
    routes[:] = [route for route in routes if not isinstance(route, SegmentDispatch)]
    dispatch = SegmentDispatch(list(routes), prefix)
    routes.insert(0, dispatch)
    return dispatch
