"""The andon board every wall screen of a plant shares (an rx.SharedState linked to the plant's
board scope by rxapp/live.py). It holds plain display values only, small enough to send to every
screen on each refresh; it imports nothing else from the app but i18n (its OEE text is the live tiles' own,
services/kpi/live_tiles.py)."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from rxapp.i18n import _, format_datetime
from services.kpi.andon import AndonBoard, AndonTile
from services.kpi.live_tiles import andon_oee_text

DENSE_FROM = 11                      # from this many machines the tiles are smaller, so 18 fit a 1920 x 1080 wall
STATE_LABELS = {"idle": _("Idle"), "running": _("Running"), "paused": _("Paused"), "down": _("Down"),
                "planned_stop": _("Planned stop")}


@dataclass
class AndonCard:
    machine_id: int = 0
    code: str = ""
    name: str = ""
    department: str = ""
    state: str = "idle"
    state_label: str = ""
    since: str = ""                  # ISO time (UTC) the state began, for the ticking duration
    since_clock: str = ""            # HH:MM in the plant's time zone
    minutes: int = 0
    reason: str = ""
    job: str = ""
    good: int = 0
    scrap: int = 0
    quantity: int = 0
    expected: int = 0
    progress: int = 0
    plan: int = 0
    behind: bool = False
    overproduced: bool = False       # more good than the quantity and the plant's tolerance allow
    oee: str = "–"                   # current-shift OEE, "–" outside a shift


def andon_card(tile: AndonTile, timezone: str) -> AndonCard:
    return AndonCard(
        machine_id=tile.machine_id, code=tile.code, name=tile.name, department=tile.department,
        state=tile.state.value, state_label=_(STATE_LABELS.get(tile.state.value, tile.state.value)),
        since=tile.since.isoformat() if tile.since else "",
        since_clock=format_datetime(tile.since, timezone, "HH:mm") if tile.since else "",
        minutes=tile.minutes_in_state, reason=tile.reason, job=tile.job, good=tile.good, scrap=tile.scrap,
        quantity=tile.quantity, expected=tile.expected_good, progress=tile.progress_percent,
        plan=tile.plan_percent, behind=bool(tile.job) and tile.good < tile.expected_good, overproduced=tile.overproduced,
        oee=andon_oee_text(tile.shift_oee_percent))     # as the live channel sends it (services/kpi/live_tiles.py)


class LiveAndonState(rx.SharedState):
    loaded: bool = False
    plant: str = ""
    shift: str = ""
    updated: str = ""                # HH:MM:SS of the last refresh, plant time
    cards: list[AndonCard] = []
    down_count: int = 0
    running_count: int = 0
    dense: bool = False              # many machines: smaller tiles (six across a wall instead of five)

    def _apply(self, board: AndonBoard) -> None:
        """Only the values that changed are set, so a refresh sends only those to the linked screens."""
        cards = [andon_card(t, board.timezone) for t in board.tiles]
        values = dict(cards=cards, plant=f"{board.plant_code} · {board.plant_name}", shift=board.shift,
                      updated=format_datetime(board.at, board.timezone, "HH:mm:ss"),
                      down_count=sum(1 for c in cards if c.state == "down"),
                      running_count=sum(1 for c in cards if c.state == "running"), dense=len(cards) >= DENSE_FROM,
                      loaded=True)
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)
