"""The REST door: a FastAPI app whose routes all live under /api/v1.

Reflex mounts it with `rx.App(api_transformer=api)` (its own routes are mounted behind ours).
Routes are thin: they parse, run one service call in one unit of work, and return the service's
read model. Every error leaves here as `{"error": {"code", "message", "fields"}}`:
DomainError by its `code` and the status rxapp/api/errors.py maps its class to; request validation as 422 `invalid` (malformed JSON as 400
`malformed_json`); unknown paths under /api/v1 as 404; anything unexpected as 500 `internal`,
logged with its traceback and never shown to the client. Inputs are cleaned once at the edge
(rxapp/api/edge.py: 32-bit integers, no NUL or lone surrogate in text); a value the database still
cannot hold (a data error) is 422 `invalid`, never 500.

Route matching (rxapp/api/routing.py): a request under /api/v1 tries only the routers that hold a path with its
first segment, in their order, instead of every router of the app.

Security headers (rxapp/api/security.py) wrap every backend route, the app's pages included, since
Reflex mounts its own app inside this one.

CORS: `TAKT_CORS_ORIGINS` (comma-separated origins) lists the browsers' origins allowed to call the
API cross-site; unset, none are. When mounted in Reflex, set Reflex's `cors_allowed_origins` to the
same list, since Reflex adds its own CORS layer around every backend route.
"""
from __future__ import annotations

import logging
import os
import re
from http import HTTPStatus

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, StatementError
from starlette.exceptions import HTTPException

import rxconfig
from rxapp.api import health, observability, routing
from rxapp.api import i18n as i18n_api
from rxapp.api.config import form_layouts as form_layouts_api
from rxapp.api.config import invitations as invitations_api
from rxapp.api.config import notifications as notifications_api
from rxapp.api.config import settings as config_api
from rxapp.api.config import workflows as workflows_api
from rxapp.api.documents import change_orders as change_orders_api
from rxapp.api.documents import documents as documents_api
from rxapp.api.edge import clean_inputs
from rxapp.api.errors import status_for
from rxapp.api.finance import budgets as finance_budgets
from rxapp.api.finance import costing as finance_costing
from rxapp.api.finance import invoices as finance_invoices
from rxapp.api.finance import ledger as finance_ledger
from rxapp.api.finance import purchasing as finance_purchasing
from rxapp.api.finance import purchasing_documents as finance_purchasing_documents
from rxapp.api.finance import tax_rules as finance_tax
from rxapp.api.kpi import andon as andon_api
from rxapp.api.kpi import kpi as kpi_api
from rxapp.api.kpi import live_stream
from rxapp.api.maintenance import resources as maintenance_resources
from rxapp.api.maintenance import tickets as maintenance_tickets
from rxapp.api.master import calendars as master_calendars
from rxapp.api.master import customers as master_customers
from rxapp.api.master import products as master_products
from rxapp.api.master import reason_codes as master_reason_codes
from rxapp.api.master import routings as master_routings
from rxapp.api.master import work_centers as master_resources
from rxapp.api.middleware import ApiCORS, ApiHeaders, BodyLimit
from rxapp.api.org import (
    api_tokens,
    audit,
    auth,
    branding,
    lockouts,
    me,
    organization,
    plants,
    roles,
    settings,
    two_factor,
    users,
)
from rxapp.api.production import orders, scheduling
from rxapp.api.quality import inspections as inspections_api
from rxapp.api.quality import ncrs as ncrs_api
from rxapp.api.quality import rejects as rejects_api
from rxapp.api.quality import sop_tickets as sop_tickets_api
from rxapp.api.schemas import error_body
from rxapp.api.security import SecurityHeaders
from rxapp.api.shopfloor import ingest as ingest_api
from rxapp.api.shopfloor import operator as shopfloor
from rxapp.api.studio import milestones as studio_milestones
from rxapp.api.studio import projects as studio_projects
from rxapp.api.studio import work as studio_work
from rxapp.api.trace import custom_fields as trace_custom_api
from rxapp.api.trace import labels, scans
from rxapp.api.trace import lots as lots_api
from rxapp.api.trace import shipments as shipments_api
from services.core.errors import DomainError, RateLimited
from services.production import order_import

API_PREFIX = "/api/v1"
DOCS_PATHS = (f"{API_PREFIX}/docs", f"{API_PREFIX}/docs/oauth2-redirect", f"{API_PREFIX}/openapi.json")
ROUTERS = (auth.router, me.router, two_factor.router, health.router, users.router, roles.router, roles.grants_router,
           settings.router, organization.router, invitations_api.router,
           lockouts.router, plants.router, api_tokens.router, audit.router,
           branding.router, scheduling.router,
           master_products.router, master_customers.router, master_resources.router, master_routings.router,
           master_reason_codes.router, master_calendars.router,
           orders.router, orders.work_router, shopfloor.router, kpi_api.router, labels.router, scans.router, ingest_api.router,
           live_stream.router,
           config_api.router, form_layouts_api.router,
           notifications_api.router, workflows_api.router, ncrs_api.router, sop_tickets_api.router,
           lots_api.router, shipments_api.router, trace_custom_api.router, andon_api.router, inspections_api.router,
           rejects_api.router,
           finance_tax.router, finance_ledger.router, finance_costing.router, finance_invoices.router, finance_purchasing.router,
           finance_purchasing_documents.router, finance_budgets.router,
           studio_projects.router, studio_work.router, studio_milestones.router,
           change_orders_api.router, documents_api.router,
           maintenance_tickets.router, maintenance_resources.router, i18n_api.router)
ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
ALL_METHODS = [*ROUTE_METHODS, "HEAD", "OPTIONS"]
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type"}
TAGS = [
    {"name": "andon", "description": "The plant's andon board for wall displays (display token or view_dashboards)."},
    {"name": "live", "description": "WS /live/stream: live tiles of the dashboard, andon board and SPC as small JSON deltas."},
    {"name": "kpi", "description": "OEE (A, P, Q), trends, loss Pareto, FPY/RTY, OTD, WIP and the events behind a figure, from rollups."},
    {"name": "configuration", "description": "Type lists (pick lists with retirement) and custom fields per entity type."},
    {"name": "form layouts", "description": "Sections, field order, required flags and help texts of an entity's form; "
                                            "the same layout refuses empty required fields on create."},
    {"name": "notifications", "description": "Your notification centre and your choices per kind (in the app, by email)."},
    {"name": "workflows", "description": "Admin-defined workflows per entity type: states, guarded transitions, approvals, "
                                        "due times (versioned)."},
    {"name": "ncrs", "description": "Non-conformance reports with containment, root cause and CAPA actions, on their workflow."},
    {"name": "inspections and SPC", "description": "Inspection plans, measurements, control charts with baselines, "
                                                  "capability and SPC alerts."},
    {"name": "rejects and returns", "description": "Internal rejects (also from scrap reports) and customer returns with "
                                                  "disposition and approval."},
    {"name": "sop tickets", "description": "One department charges another for an SOP failure; respond, accept, dispute, reassign."},
    {"name": "maintenance", "description": "Maintenance tickets with SLA clocks, preventive plans, spare parts and "
                                           "stock, labour, machine history and MTBF/MTTR KPIs."},
    {"name": "languages", "description": "Catalogs of the languages Takt speaks (en, ja, ko); every answer follows "
                                          "the request's Accept-Language."},
    {"name": "auth", "description": "Log in for a bearer token, log out, change your password."},
    {"name": "me", "description": "The person or API token behind the bearer header."},
    {"name": "two-factor", "description": "Two-factor log-in: your authenticator and recovery codes, the organization's "
                                          "policy of roles that must use it (admins)."},
    {"name": "health", "description": "Liveness and database reachability (no log-in)."},
    {"name": "users", "description": "Users of your organization (admins)."},
    {"name": "settings", "description": "Your organization's settings: regional defaults, document numbering patterns, "
                                        "retention periods, and their history (configure changes them)."},
    {"name": "roles", "description": "Roles as data: built-in templates and custom roles, the permission matrix, and "
                                     "roles granted per plant and department (manage_users)."},
    {"name": "plants", "description": "Plants and departments."},
    {"name": "api tokens", "description": "Tokens for machine gateways, scanning stations and displays (admins)."},
    {"name": "audit", "description": "Who changed what, when."},
    {"name": "branding", "description": "Your organization's name, colour and logo."},
    {"name": "scheduling", "description": "The schedule board, operations on machines, capacity and exceptions."},
    {"name": "orders", "description": "Customer orders, their release, and order import from Excel/CSV."},
    {"name": "work orders", "description": "Work orders with progress, status changes, bulk complete."},
    {"name": "products", "description": "Products and items, bills of materials and their explosion (CSV/Excel export)."},
    {"name": "customers", "description": "Customers (CSV/Excel export)."},
    {"name": "work centers and machines", "description": "Work centers, machines and per-product cycle times."},
    {"name": "routings", "description": "Routings per product with ordered steps; one active routing per product."},
    {"name": "reason codes", "description": "Downtime, scrap, pause and exception reasons with six-big-loss categories."},
    {"name": "shift calendars", "description": "Shifts, breaks and holidays per plant, and the working time they give."},
    {"name": "shop floor", "description": "Operator portal: machines, queues, and job/count/downtime actions."},
    {"name": "labels", "description": "Code128/QR labels (PNG, SVG, PDF sheets) and what a scanned label names."},
    {"name": "scanning", "description": "Scanning stations: receive, move, consume, pack and ship by scanning (station tokens)."},
    {"name": "traceability", "description": "Lots, serials, locations, consumption into jobs and output lots, "
                                           "forward/backward trace (CSV/Excel/PDF) and recall."},
    {"name": "shipments", "description": "Shipments from order lines: pack lots and serials, ship with carrier and "
                                        "tracking, packing list PDF."},
    {"name": "finance", "description": "Tax rules, chart of accounts, fiscal periods, the journal and its reports, "
                                       "standard cost roll-up and material checks (finance role; material check: planners)."},
    {"name": "studio", "description": "Studio production: projects, partners, member slots, breakdown, tasks, "
                                      "versions with files, QC1/QC2 review, grid, schedule, dashboard, activity."},
    {"name": "documents", "description": "Controlled documents (drawings, SOPs, work instructions, specifications) "
                                         "with revisions, files, approval by role and change orders; the approved "
                                         "documents of a job."},
    {"name": "ingest", "description": "Machine data from gateways (machine API token): batches of counts, states "
                                      "and jobs over REST or a websocket stream, with stated limits."},
]

log = logging.getLogger("takt.api")


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isdigit() else default


def create_app(*, cors_origins: list[str] | None = None) -> FastAPI:
    app = FastAPI(
        title="Takt API", version="1",
        description="The REST door into Takt's services. Authenticate with `Authorization: Bearer <token>`: "
                    "a session token from `POST /api/v1/auth/token`, or an API token (`tkt_...`) made by an admin.",
        docs_url=f"{API_PREFIX}/docs", redoc_url=None, openapi_url=f"{API_PREFIX}/openapi.json",
        swagger_ui_oauth2_redirect_url=f"{API_PREFIX}/docs/oauth2-redirect", openapi_tags=TAGS,
        dependencies=[Depends(clean_inputs)],
    )
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(observability.router, prefix=API_PREFIX)
    app.include_router(observability.metrics_router)
    app.add_api_route(f"{API_PREFIX}/{{path:path}}", no_such_endpoint, methods=ALL_METHODS, include_in_schema=False)
    routing.install(app, API_PREFIX)          # last: a request tries only the routers of its first path segment
    _add_error_handlers(app)
    app.add_middleware(ApiHeaders, prefix=API_PREFIX,
                       cacheable=DOCS_PATHS + tuple(API_PREFIX + p for p in i18n_api.CATALOG_PATHS))
    app.add_middleware(i18n_api.ApiLanguage, prefix=API_PREFIX)
    app.add_middleware(BodyLimit, prefix=API_PREFIX, max_bytes=_env_int("TAKT_MAX_BODY_BYTES", 1024 * 1024),
                       upload_bytes=order_import.MAX_BYTES + 256 * 1024, own_limits=(f"{API_PREFIX}/ingest/",))
    app.add_middleware(ApiCORS, prefix=API_PREFIX,
                       origins=cors_origins if cors_origins is not None else rxconfig.cors_origins_from_env())
    app.add_middleware(observability.Observe, prefix=API_PREFIX)
    app.add_middleware(SecurityHeaders, api_prefix=API_PREFIX, docs=DOCS_PATHS[:2])
    return app


def no_such_endpoint(request: Request) -> None:
    """Last API route: a path no route knows is 404; a known path with another method is 405."""
    allowed = [method for method in ROUTE_METHODS if _has_route(request, method)]
    if allowed:
        raise HTTPException(405, f"{request.method} is not allowed here; use {', '.join(allowed)}.",
                            headers={"Allow": ", ".join(allowed)})
    raise HTTPException(404, f"There is no API endpoint {request.method} {request.url.path}.")


def _has_route(request: Request, method: str) -> bool:
    """Does a documented route serve the path with `method`? (`GET /lots/{lot_id}` does not serve
    `/lots/receipts`: path parameters must fit their declared types.)"""
    return any(pattern.fullmatch(request.url.path) and method in methods
               for pattern, methods in _route_patterns(request.app))


_PATTERNS: dict[int, list[tuple[re.Pattern, set[str]]]] = {}


def _route_patterns(app: FastAPI) -> list[tuple[re.Pattern, set[str]]]:
    if id(app) not in _PATTERNS:
        patterns = []
        for path, operations in app.openapi()["paths"].items():
            types = {p["name"]: (p.get("schema") or {}).get("type") for op in operations.values()
                     for p in op.get("parameters", []) if p.get("in") == "path"}
            regex = re.sub(r"\\\{(\w+)\\\}", lambda m, types=types: r"[+-]?\d+" if types.get(m[1]) == "integer" else "[^/]+",
                           re.escape(path))
            patterns.append((re.compile(regex), {m.upper() for m in operations}))
        _PATTERNS[id(app)] = patterns
    return _PATTERNS[id(app)]


def _add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(IntegrityError, integrity_error)
    app.add_exception_handler(OperationalError, database_error)
    app.add_exception_handler(DataError, data_error)
    app.add_exception_handler(StatementError, statement_error)
    app.add_exception_handler(OverflowError, data_error)
    app.add_exception_handler(UnicodeError, data_error)
    app.add_exception_handler(Exception, unexpected_error)


async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
    headers = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    status = status_for(exc)
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(_with_report(request, error_body(exc.code, exc.message, exc.fields), status),
                        status_code=status, headers=headers)


def _with_report(request: Request, body: dict, status: int) -> dict:
    """A route whose documented error model carries a report (`report_for`) gets one on every such answer."""
    responses = getattr(request.scope.get("route"), "responses", None) or {}
    model = (responses.get(status) or {}).get("model")
    report_for = getattr(model, "report_for", None)
    if report_for is not None and "report" not in body:
        body["report"] = report_for(body["error"]["message"])
    return body


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = exc.errors()
    bad_json = next((e for e in problems if e.get("type") == "json_invalid"), None)
    if bad_json is not None:
        reason = (bad_json.get("ctx") or {}).get("error", "it cannot be parsed")
        where = bad_json["loc"][-1] if len(bad_json.get("loc", ())) > 1 else "?"
        return JSONResponse(error_body("malformed_json", f"The request body is not valid JSON: {reason} "
                                       f"(at character {where})."), status_code=400)
    fields: dict[str, str] = {}
    for problem in problems:
        fields.setdefault(_field_name(problem.get("loc", ())), _field_message(problem))
    return JSONResponse(_with_report(request, error_body("invalid", "Some fields are not valid.", fields), 422),
                        status_code=422)


def _field_name(loc) -> str:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "body"


def _field_message(problem: dict) -> str:
    whole_body = tuple(problem.get("loc", ())) == ("body",)
    if whole_body and problem.get("type") == "missing":
        return "Required: send a JSON object."
    if whole_body:
        return "Send a JSON object (Content-Type: application/json)."
    if problem.get("type") == "missing":
        return "Required."
    message = str(problem.get("msg", "Not valid."))
    return message if message.endswith(".") else message + "."


async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    phrase = HTTPStatus(exc.status_code).phrase if exc.status_code in HTTPStatus._value2member_map_ else "Error"
    message = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else f"{phrase}."
    headers = dict(exc.headers or {})
    if exc.status_code == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(error_body(HTTP_CODES.get(exc.status_code, "error"), message), status_code=exc.status_code,
                        headers=headers)


async def integrity_error(request: Request, exc: IntegrityError) -> JSONResponse:
    log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
    return JSONResponse(error_body("conflict", "This conflicts with data saved at the same moment. Reload and try again."),
                        status_code=409)


async def database_error(request: Request, exc: OperationalError) -> JSONResponse:
    log.error("database error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(error_body("unavailable", "The database is not reachable right now. Try again shortly."),
                        status_code=503, headers={"Retry-After": "5"})


async def data_error(request: Request, exc: Exception) -> JSONResponse:
    """A value the database cannot hold (out of range, bad text) that the edge checks let through."""
    log.warning("data error on %s %s: %s", request.method, request.url.path, getattr(exc, "orig", exc))
    return JSONResponse(error_body("invalid", "A value is out of range or not valid for storage."), status_code=422)


async def statement_error(request: Request, exc: StatementError) -> JSONResponse:
    if isinstance(exc.orig, (OverflowError, UnicodeError)):      # a value bound for the database, not a bad row
        return await data_error(request, exc)
    return await unexpected_error(request, exc)


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(error_body("internal", "Something went wrong on our side. It has been logged; please try again."),
                        status_code=500)


api = create_app()
