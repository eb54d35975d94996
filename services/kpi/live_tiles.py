"""Live tiles: the small figures of a shared screen (dashboard KPI tiles, andon counters, SPC tiles) as flat
JSON values, for the live channel (services/kpi/live_channel.py, the websocket /api/v1/live/stream).

A *kind* of tiles registers two functions here (`register_kind`): `scope_of(session, actor, params, now)`
checks that the actor may read the view the params name and returns its `Scope` (the same scope, and
so the same link token, its Reflex page watches), and `tiles_of(session, scope, now)` reads the tiles
of that scope with the scope's read-only reader (`reader_for`), as `{key: str | int | None}`, or as a `Reading`:
the tiles and an `at_once(tiles, event)` that works out, from the tiles before an event and the event alone, the
tiles it changes for certain (the dashboard's counters and quality after a count; a machine's state on the andon
board after any of its production events, and its job's counts after a count), so the channel sends them
before its next reading of the database; optionally
which events change a scope (`affects`) and the event names it needs beyond the live hub's (`prefixes`). The
dashboard's and the andon board's kinds live here; quality registers the SPC kind from above
(services/quality/spc_tiles.py), so kpi imports nothing of quality.

Keys are what the page marks (`data-live-key`); a key "m<id>.<name>" is the tile of machine <id> on the
andon board; the dashboard's "trend.*" keys are the last point of its OEE trend (the bucket a report changes:
its label and the five series of the chart, in `TREND_SERIES` order), which the page appends to its chart or
puts in place of the chart's last point (assets/takt_live.js), so the chart follows a report without the
whole figure being sent again. Values are formatted here once for every subscriber of a scope, through
services/core/formats.py in the scope's language and number format (the channel reads under both), as the page
formats them; words are never sent: they stay in the page, which has the person's language.

Invariants: `subscribe_scope` raises NotFound/Forbidden/Invalid exactly as the view's own service does
(another organization's or plant's view is NotFound), so the channel never subscribes a scope its
actor may not read; `tiles` reads only the scope's organization and plant; `changed` is the delta a
subscriber needs to go from one reading to the next; an `at_once` gives only values the next reading gives too
(it answers nothing when the event alone cannot tell: another machine, a count outside the period, a shift filter).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from services.core import formats
from services.core.access import Actor
from services.core.errors import Invalid
from services.core.events import DomainEvent
from services.core.messages import t
from services.kpi import andon, dashboard
from services.kpi import formulas as kpi_math
from services.kpi.live import LIVE_EVENT_PREFIXES, Affects, Scope, event_time, reader_for
from services.kpi.live_figures import live_figures

TileValue = str | int | float | None
Tiles = dict[str, TileValue]
AtOnce = Callable[[Tiles, DomainEvent], Tiles]       # the tiles an event changes, from the tiles before it


@dataclass(frozen=True)
class Reading:
    """One reading of a scope: its tiles, and what an event changes at once before the next reading (or None)."""
    tiles: Tiles
    at_once: AtOnce | None = None


ScopeOf = Callable[[Session, Actor, dict[str, Any], datetime], Scope]
TilesOf = Callable[[Session, Scope, datetime], "Tiles | Reading"]


@dataclass(frozen=True)
class TileKind:
    scope_of: ScopeOf
    tiles_of: TilesOf
    affects: Affects | None = None           # narrows the events that change a scope of this kind
    prefixes: tuple[str, ...] = ()           # event names this kind needs beyond the live hub's own


_kinds: dict[str, TileKind] = {}


def register_kind(kind: str, scope_of: ScopeOf, tiles_of: TilesOf, *, affects: Affects | None = None,
                  prefixes: tuple[str, ...] = ()) -> None:
    _kinds[kind] = TileKind(scope_of, tiles_of, affects, prefixes)


def kinds() -> list[str]:
    return sorted(_kinds)


def event_prefixes() -> tuple[str, ...]:
    """Every event name prefix a live channel's hub must consider: the hub's own and the kinds' extra ones."""
    extra = [p for kind in _kinds.values() for p in kind.prefixes if p not in LIVE_EVENT_PREFIXES]
    return LIVE_EVENT_PREFIXES + tuple(dict.fromkeys(extra))


def affects(kind: str) -> Affects:
    """Does an event change a scope of `kind`? Another kind's extra events never do (an inspection leaves the
    andon board alone); then the kind's own narrowing."""
    own = _kinds[kind]
    foreign = tuple(p for k in _kinds.values() if k is not own for p in k.prefixes if p not in own.prefixes)

    def check(scope: Scope, event: DomainEvent) -> bool:
        if foreign and event.name.startswith(foreign):
            return False
        return own.affects is None or own.affects(scope, event)
    return check


def subscribe_scope(session: Session, actor: Actor, kind: str, params: dict[str, Any], *, now: datetime) -> Scope:
    """The scope of `kind` with `params`, after the view's own access check for `actor`."""
    found = _kinds.get(kind)
    if found is None:
        raise Invalid(t("No such live view."), fields={"kind": t("Use one of: {choices}.", choices=", ".join(kinds()))})
    if not isinstance(params, dict):
        raise Invalid(t("Give the view's parameters as an object."), fields={"params": t("An object.")})
    return found.scope_of(session, actor, params, now)


def tiles(session: Session, scope: Scope, *, now: datetime) -> Tiles:
    """The tiles of a scope, read now (the caller confirmed the scope through `subscribe_scope`)."""
    return reading(session, scope, now=now).tiles


def reading(session: Session, scope: Scope, *, now: datetime) -> Reading:
    """The tiles of a scope read now, with what an event changes at once until the next reading."""
    found = _kinds[scope.kind].tiles_of(session, scope, now)
    return found if isinstance(found, Reading) else Reading(found)


def changed(before: Tiles, after: Tiles) -> Tiles:
    """What a subscriber holding `before` needs to hold `after` (a key gone is sent as None)."""
    delta: Tiles = {key: value for key, value in after.items() if before.get(key, _MISSING) != value}
    delta.update({key: None for key in before if key not in after})
    return delta


_MISSING = object()


def percent_text(value: Decimal | None) -> str:
    """A percentage as every live screen shows it: one decimal and " %", "–" when there is none."""
    return "–" if value is None else formats.number(value, decimals=1) + " %"


# ----- the manager dashboard -----------------------------------------------------------------------

def _id(params: dict[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value in (None, "", "all"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Invalid(t("That is not a valid choice."), fields={name: t("A number.")}) from None


def _day(params: dict[str, Any], name: str) -> date | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(t("That is not a date."), fields={name: t("A date (YYYY-MM-DD).")}) from None


def dashboard_filters(params: dict[str, Any]) -> dashboard.DashboardFilters:
    plant_id = _id(params, "plant_id")
    if plant_id is None:
        raise Invalid(t("Choose a plant."), fields={"plant_id": t("Required.")})
    try:
        return dashboard.DashboardFilters(
            plant_id=plant_id, department_id=_id(params, "department_id"), machine_id=_id(params, "machine_id"),
            shift_id=_id(params, "shift_id"), period=str(params.get("period") or "today"),
            start_day=_day(params, "start_day"), end_day=_day(params, "end_day"))
    except ValidationError:
        raise Invalid(t("Those filters are not valid.")) from None


def dashboard_scope(session: Session, actor: Actor, params: dict[str, Any], now: datetime) -> Scope:
    return dashboard.dashboard_scope(session, actor, dashboard_filters(params), now=now)


def dashboard_tiles(session: Session, scope: Scope, now: datetime) -> Reading:
    """OEE, A, P, Q and the counts of the view, and the trend's last point: one read of the scope (its KPI summary
    and its last trend bucket), not the whole dashboard; a count of one of its machines in its period changes the
    counters and the quality at once (`counted_at_once`)."""
    reader, filters = reader_for(scope), dashboard.filters_of(scope)
    plant = dashboard.check_filters(session, reader, filters)
    try:
        win = dashboard.period_window(session, filters, plant, now)
    except Invalid:                                   # e.g. no shift runs any more: the page says why
        return Reading({})
    found = live_figures(session, reader, plant_id=scope.plant_id, start=win.start, end=win.end, bucket=win.bucket,
                         department_id=filters.department_id, machine_id=filters.machine_id,
                         shift_id=filters.shift_id, now=now)
    f, point = found.figures, found.point
    tiles: Tiles = {"oee": percent_text(f.oee_percent), "availability": percent_text(f.availability_percent),
                    "performance": percent_text(f.performance_percent), "quality": percent_text(f.quality_percent),
                    "good": f.good, "scrap": f.scrap, "total": f.total}
    if point is not None:
        tiles.update(trend_tiles(point.label, point.figures))
    if filters.shift_id is not None:                  # a count's shift is the calendar's: the reading tells
        return Reading(tiles)
    return Reading(tiles, counted_at_once(frozenset(found.machine_ids), win.start, win.until or win.end))


def counted_at_once(machines: frozenset[int], start: datetime, until: datetime) -> AtOnce:
    """A count of one of `machines` that happened in [start, until) adds its good and scrap parts to the view's
    counters and changes its quality (good / total), as the rollups will (services/kpi/rollups.py: counts go to
    the slice of their time); anything else, and OEE, availability and performance (time-based), waits for the
    reading."""
    def apply(tiles: Tiles, event: DomainEvent) -> Tiles:
        good, scrap = tiles.get("good"), tiles.get("scrap")
        if event.name != "count.reported" or not isinstance(good, int) or not isinstance(scrap, int):
            return {}
        machine = getattr(event, "machine_id", event.payload.get("machine_id"))
        if machine not in machines or not start <= event_time(event) < until:
            return {}
        good += int(getattr(event, "quantity_good", event.payload.get("quantity_good")) or 0)
        scrap += int(getattr(event, "quantity_scrap", event.payload.get("quantity_scrap")) or 0)
        total = good + scrap
        quality = percent_text(kpi_math.display(Fraction(good, total)) if total else None)
        return {"good": good, "scrap": scrap, "total": total, "quality": quality}
    return apply


# the OEE trend's series, in the order of the dashboard's chart traces (rxapp/state/kpi/live_dashboard.trend_figure)
TREND_SERIES = ("oee", "availability", "performance", "quality", "idle")


def trend_value(figures: Any, series: str) -> float | None:
    """One point of a trend series as the chart plots it: a percentage as a float, idle as a share of working time."""
    if series == "idle":
        return idle_percent(figures)
    value = getattr(figures, f"{series}_percent")
    return None if value is None else float(value)


def idle_percent(figures: Any) -> float | None:
    """Idle time as a share of working time (shift time), one decimal, for the trend."""
    return round(figures.idle_minutes * 100 / figures.shift_minutes, 1) if figures.shift_minutes else None


def trend_tiles(label: str, figures: Any) -> Tiles:
    return {"trend.label": label, **{f"trend.{s}": trend_value(figures, s) for s in TREND_SERIES}}


# ----- the andon board -----------------------------------------------------------------------------

def andon_scope(session: Session, actor: Actor, params: dict[str, Any], now: datetime) -> Scope:
    return andon.board_scope(session, actor, _id(params, "plant_id"))


def andon_tiles(session: Session, scope: Scope, now: datetime) -> Reading:
    """Per machine: its state, good and scrap counts, progress and plan (%), and the shift's OEE; a production
    event changes its machine's state (and the running and down counts) at once, a count of the job on the
    machine its good, scrap and progress (`machine_at_once`)."""
    board = andon.board(session, reader_for(scope), scope.plant_id, now=now)
    values: Tiles = {}
    for tile in board.tiles:
        key = f"m{tile.machine_id}."
        values.update({key + "state": tile.state.value, key + "good": tile.good, key + "scrap": tile.scrap,
                       key + "progress": tile.progress_percent, key + "plan": tile.plan_percent,
                       key + "oee": andon_oee_text(tile.shift_oee_percent)})
    values.update(_state_counts(values))
    jobs = {tile.machine_id: (tile.operation_id, tile.quantity) for tile in board.tiles if tile.operation_id is not None}
    return Reading(values, machine_at_once(jobs))


def _state_counts(values: Tiles) -> Tiles:
    states = [v for k, v in values.items() if k.endswith(".state")]
    return {"running": states.count("running"), "down": states.count("down")}


def machine_at_once(jobs: dict[int, tuple[int, int]]) -> AtOnce:
    """A production event of a machine on the board: its state after the event (every event announces it); a count
    of the job the board shows on it (`jobs`: machine -> job and its quantity): the job's good and scrap after it
    and its progress. The plan (time-based), the shift's OEE and a new job's figures wait for the reading."""
    def apply(tiles: Tiles, event: DomainEvent) -> Tiles:
        machine, state = getattr(event, "machine_id", None), getattr(event, "machine_state", None)
        key = f"m{machine}."
        if machine is None or not state or key + "state" not in tiles:
            return {}
        out: Tiles = {key + "state": state}
        good, scrap = getattr(event, "operation_quantity_good", None), getattr(event, "operation_quantity_scrap", None)
        job = jobs.get(machine)
        if event.name == "count.reported" and job is not None and job[0] == getattr(event, "operation_id", None) \
                and good is not None and scrap is not None:
            out.update({key + "good": good, key + "scrap": scrap, key + "progress": andon.percent_of(good, job[1])})
        out.update(_state_counts({**tiles, **out}))
        return out
    return apply


def andon_oee_text(value: Decimal | None) -> str:
    return formats.number(value, decimals=0) + "%" if value is not None else "–"


register_kind("dashboard", dashboard_scope, dashboard_tiles, affects=dashboard.scope_affected)
register_kind("andon", andon_scope, andon_tiles)
