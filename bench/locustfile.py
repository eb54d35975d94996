"""Locust users for the throughput benchmark (bench/locust_bench.py): each user is an operator at a machine of
its own with a running job, reporting 1 good part after another, flat out, through the REST API
(POST /api/v1/machines/{id}/actions, the operator portal's path), each report with a new client_id.

bench/locust_bench.py prepares the plant and runs these users headless in its own process. To run them
against a server prepared the same way with Locust's own command line:
    TAKT_LOCUST_TARGETS=targets.json locust -f bench/locustfile.py --headless -u 200 -r 50 -t 60s --host http://...
where targets.json is {"tokens": [...], "machines": [[machine_id, operation_id], ...]} (locust_bench.py --write-targets).
"""
from __future__ import annotations

import itertools
import json
import os
import uuid

from locust import HttpUser, constant, task


class Targets:
    """Bearer tokens of operators and (machine id, operation id) pairs, one machine per user."""
    tokens: list[str] = []
    machines: list[tuple[int, int]] = []


if os.environ.get("TAKT_LOCUST_TARGETS"):
    with open(os.environ["TAKT_LOCUST_TARGETS"]) as file:
        loaded = json.load(file)
    Targets.tokens = loaded["tokens"]
    Targets.machines = [tuple(pair) for pair in loaded["machines"]]


class Operator(HttpUser):
    wait_time = constant(0)
    numbers = itertools.count()

    def on_start(self):
        n = next(self.numbers)
        self.machine_id, self.operation_id = Targets.machines[n % len(Targets.machines)]
        self.client.headers["Authorization"] = f"Bearer {Targets.tokens[n % len(Targets.tokens)]}"

    @task
    def report(self):
        self.client.post(f"/api/v1/machines/{self.machine_id}/actions", name="report 1 good", json={
            "type": "report_counts", "client_id": uuid.uuid4().hex, "operation_id": self.operation_id, "good": 1})
