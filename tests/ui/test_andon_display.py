"""What the andon wall board shows of a board (rxapp/state/kpi/live_andon.py, rxapp/pages/kpi/andon.py), from the
walk of issue 18: a plant with many machines gets the smaller tiles (six across a 1920 px wall instead of five,
so 18 fit 1080 px; tests/e2e/test_wall_and_phone_layout_e2e.py measures it), and the shift is a label of its own
("Shift: Late"), outside the counts of machine states."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models.resources import MachineState
from rxapp.pages.kpi.andon import andon_page
from rxapp.state.kpi.live_andon import DENSE_FROM, LiveAndonState
from services.kpi.andon import AndonBoard, AndonTile
from tests.ui.conftest import new_tab

AT = datetime(2026, 3, 2, 16, tzinfo=UTC)


def board(machines: int, shift: str = "Late") -> AndonBoard:
    tiles = [AndonTile(machine_id=n, code=f"M-{n:02}", name=f"Machine {n}", department="Assembly",
                       state=MachineState.RUNNING, since=AT, minutes_in_state=5, reason="", job="", quantity=0,
                       good=0, scrap=0, expected_good=0, progress_percent=0, plan_percent=0, shift_oee_percent=None)
             for n in range(1, machines + 1)]
    return AndonBoard(plant_id=1, plant_code="BER", plant_name="Berlin", timezone="UTC", shift=shift, at=AT,
                      tiles=tiles)


@pytest.mark.parametrize("machines, dense", [(1, False), (DENSE_FROM - 1, False), (DENSE_FROM, True), (30, True)])
async def test_many_machines_get_the_smaller_tiles(machines, dense):
    state = await new_tab(LiveAndonState)
    state._apply(board(machines))
    assert (len(state.cards), state.dense, state.shift) == (machines, dense, "Late")


def test_the_shift_is_a_label_of_its_own():
    jsx = str(andon_page())
    shift, summary = jsx.index('"data-testid":"andon-shift"'), jsx.index('"data-testid":"andon-summary"')
    label = jsx[jsx.rindex("jsx(", 0, shift):shift]
    assert '["border"] : "2px solid' in label                 # outlined, no state colour behind it
    opening = jsx.rindex("jsx(", 0, summary)
    assert "shift_rx_state_" not in jsx[opening:jsx.index("andon-grid")]   # the counts no longer start with it
    assert '"data-testid":"andon-grid"' in jsx and "dense_rx_state_" in jsx[jsx.rindex("jsx(", 0, jsx.index(
        '"data-testid":"andon-grid"')):jsx.index('"data-testid":"andon-grid"')]
