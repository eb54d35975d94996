"""Live views across processes: an operator action committed in this process reaches the live hub of a
second process through the Redis and the PostgreSQL fan-out, which refreshes the andon board it
watches from the database (services/kpi/live.py + services/core/event_fanout.py + services/kpi/andon.py, with
the same code rxapp/live.py runs in each Reflex worker, minus Reflex). Both processes use the test
database; the second one prints each refresh it computes."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading

from models.resources import Machine
from services.core.event_fanout import start_fanout
from services.core.events import bus
from services.shopfloor import operator as shopfloor
from tests.conftest import T0
from tests.factories.db import committed
from tests.factories.fanout import GUARD, ROOT
from tests.factories.shopfloor import make_floor, new_client_id

CHILD = r"""
import asyncio, json, sys
from datetime import datetime
from services.kpi import andon
from services.core.db import db_session
from services.core.event_fanout import start_fanout
from services.core.events import bus
from services.kpi.live import LiveHub, Scope, reader_for

backend, url, channel, org, plant, now = sys.argv[1:7]
scope = Scope("andon", int(org), int(plant))
now = datetime.fromisoformat(now)

async def push(scope):
    def compute():
        with db_session() as session:
            return andon.board(session, reader_for(scope), scope.plant_id, now=now)
    board = await asyncio.to_thread(compute)
    print(json.dumps({"token": scope.token, "states": {t.code: t.state.value for t in board.tiles},
                      "reasons": {t.code: t.reason for t in board.tiles}}), flush=True)
    return True

async def main():
    feed = bus.subscribe("*")
    handle = start_fanout(bus, backend, url, channel=channel, ready_timeout=10)
    if not handle.wait_ready(10):
        print(json.dumps({"error": "not connected"}), flush=True)
        return
    hub = LiveHub(push=push, interval=0.05)
    hub.register(scope)
    print(json.dumps({"ready": scope.token}), flush=True)
    await hub.run(feed)

asyncio.run(main())
"""


class LiveChild:
    def __init__(self, backend, url, channel, database_url, org, plant):
        env = dict(os.environ, PYTHONPATH=str(ROOT), DATABASE_URL=database_url, TAKT_EVENT_BACKEND="local")
        self.proc = subprocess.Popen([sys.executable, "-c", CHILD, backend, url, channel, str(org), str(plant),
                                      T0.isoformat()], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))
        self.lines.put(None)

    def next_line(self) -> dict:
        try:
            line = self.lines.get(timeout=GUARD)
        except queue.Empty:
            raise AssertionError("the second process said nothing") from None
        if line is None:
            raise AssertionError(f"the second process ended: {self.proc.stderr.read()}")
        return line

    def stop(self):
        self.proc.kill()
        self.proc.wait(GUARD)
        self.proc.stdout.close()
        self.proc.stderr.close()


def test_an_operator_action_here_refreshes_the_board_watched_in_another_process(server, engine, session, world):
    backend, url, channel = server
    floor = make_floor(session, world.org_a, world.plant1, world.dept1)
    code = session.get(Machine, floor.machine_id).code
    handle = start_fanout(bus, backend, url, channel=channel, ready_timeout=GUARD)
    child = LiveChild(backend, url, channel, engine.url.render_as_string(hide_password=False),
                      world.org_a, world.plant1)
    try:
        assert handle.wait_ready(GUARD)
        ready = child.next_line()
        assert "ready" in ready, ready
        op = world.actor(world.operator1)
        committed(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.downtime_reason_id,
                  now=T0, occurred_at=T0, client_id=new_client_id())
        refresh = child.next_line()
        assert refresh["token"] == ready["ready"]
        assert refresh["states"][code] == "down" and refresh["reasons"][code] == "BRK reason"

        # another plant's event is not this board's business: the next refresh is for the end of downtime
        other = make_floor(session, world.org_a, world.plant2, world.dept2)
        committed(session, shopfloor.start_downtime, world.actor(world.admin_a), other.machine_id,
                  other.line.downtime_reason_id, now=T0, occurred_at=T0, client_id=new_client_id())
        committed(session, shopfloor.end_downtime, op, floor.machine_id, now=T0, occurred_at=T0,
                  client_id=new_client_id())
        assert child.next_line()["states"][code] == "idle"
    finally:
        child.stop()
        handle.stop()
