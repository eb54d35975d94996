"""Locust users for the throughput benchmark (bench/locust_bench.py): each user is an operator at a machine of
its own with a running job, reporting 1 good part after another through the REST API
(POST /api/v1/machines/{id}/actions, the operator portal's path), each report with a new client_id.

How the users pace themselves (`Operator.pace`, actions per second per user):
- paced (`pace` > 0): Locust's `constant_throughput`, so each connected user sends `pace` actions a second
  (fewer if its answers take longer than 1 / `pace`): 200 users at 0.75/s offer 150 actions/s. This is how
  "200 concurrent clients" is modelled: 200 operators connected at once, each reporting at a pace a person
  or a line controller could keep, together offering at least the target rate;
- flat out (`pace` = 0): no pause, each user sends its next action as soon as the last is answered, which
  shows the ceiling (by Little's law 200 such users at p95 < 250 ms would need > 800 actions/s).

FastHttpUser (geventhttpclient) keeps Locust's own CPU per request low (it shares the cores with the server).

bench/locust_bench.py prepares the plant and runs these users headless in its own process. To run them
against a server prepared the same way with Locust's own command line:
    TAKT_LOCUST_TARGETS=targets.json TAKT_LOCUST_PACE=0.75 locust -f bench/locustfile.py --headless -u 200 -r 50 \
        -t 60s --host http://...
where targets.json is {"tokens": [...], "machines": [[machine_id, operation_id], ...]} (locust_bench.py --write-targets).
"""
from __future__ import annotations

import itertools
import json
import os
import uuid

from locust import FastHttpUser, constant, constant_throughput, task


class Targets:
    """Bearer tokens of operators and (machine id, operation id) pairs, one machine per user."""
    tokens: list[str] = []
    machines: list[tuple[int, int]] = []


if os.environ.get("TAKT_LOCUST_TARGETS"):
    with open(os.environ["TAKT_LOCUST_TARGETS"]) as file:
        loaded = json.load(file)
    Targets.tokens = loaded["tokens"]
    Targets.machines = [tuple(pair) for pair in loaded["machines"]]


def wait_for(pace: float):
    """Locust's wait_time for `pace` actions a second per user (0: no pause)."""
    return constant_throughput(pace) if pace > 0 else constant(0)


class Operator(FastHttpUser):
    pace = float(os.environ.get("TAKT_LOCUST_PACE", "0"))
    wait_time = wait_for(pace)
    numbers = itertools.count()

    @classmethod
    def paced(cls, pace: float) -> None:
        """Set every user's pace (actions/s; 0 = flat out) before a run."""
        cls.pace = pace
        cls.wait_time = wait_for(pace)

    def on_start(self):
        n = next(self.numbers)
        self.machine_id, self.operation_id = Targets.machines[n % len(Targets.machines)]
        self.auth = {"Authorization": f"Bearer {Targets.tokens[n % len(Targets.tokens)]}"}

    @task
    def report(self):
        self.client.post(f"/api/v1/machines/{self.machine_id}/actions", name="report 1 good", headers=self.auth, json={
            "type": "report_counts", "client_id": uuid.uuid4().hex, "operation_id": self.operation_id, "good": 1})
