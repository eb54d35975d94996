"""Every operator action's statements (issue 17): SQL run by one `POST /machines/{id}/actions`, token check included,
counted on the server's engine, never timed. Caps are what the actions run on a last step with warm per-worker
caches (on PostgreSQL the token check also sets the organization for row-level security); an action that gains a
statement fails here."""
from __future__ import annotations

from tests.api.test_request_path import separate_audit_inserts, separate_rollup_upserts
from tests.factories.db import statements
from tests.factories.shopfloor import make_floor, new_client_id

# token 1, machine read with its lock 1, its state with the job and the replay check 1, the event 1, the audit
# entries 1; then what each action changes (PostgreSQL's numbers; SQLite's are the same or one less, but for the
# audit entries of a count that tops up a lot)
CAPS = {
    "start_job": 15,            # + running-job check, work order locked, job status with its history, machine,
                                # run intervals (kpi_run) re-paired
    "report_counts": 11,        # + counts on job and work order 2, machine touched 1, rollups 1 (slice and day in one
                                # statement; 2 on SQLite), output lot top-up 2, the top-up's audit entry 1 on SQLite
                                # (no ordered RETURNING for the ORM's batch)
    "pause_job": 15,            # + reason, job status with its history, machine, run intervals
    "start_downtime": 16,       # + reason, machine, stops re-paired (the machine locked again on PostgreSQL)
    "end_downtime": 17,         # + last pause reason, machine, stops re-paired, stop slices and days
    "resume_job": 14,           # + running-job check, job status with its history, machine, run intervals
    "complete_job": 20,         # + work order locked, completed and its order settled, job status with its history,
                                # machine, run intervals, output lot (nothing left to lot)
}


def test_every_operator_action_runs_at_most_its_measured_statements(client, engine, session, world, as_user):
    floor = make_floor(session, world.org_a, world.plant1, world.dept1, quantity=1000)
    operator, line = as_user("op.one"), floor.line

    def act(action: str, **body) -> int:
        with statements(engine) as seen:
            response = client.post(f"/machines/{floor.machine_id}/actions", headers=operator,
                                   json={"type": action, "client_id": new_client_id(), **body})
        assert response.status_code == 201, response.text
        return len([s for s in seen if s.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK")])

    def flow(operation_id: int) -> dict[str, int]:
        started = act("start_job", operation_id=operation_id)
        act("report_counts", good=2)         # a last step's first good parts make its output lot
        return {"start_job": started,
                "report_counts": act("report_counts", good=2),      # the next ones top it up
                "pause_job": act("pause_job", reason_code_id=line.pause_reason_id),
                "start_downtime": act("start_downtime", reason_code_id=line.downtime_reason_id),
                "end_downtime": act("end_downtime"),
                "resume_job": act("resume_job"),
                "complete_job": act("complete_job")}

    flow(floor.cut_id)                       # warm: the plant's calendar, the machine's rates, the writer check
    measured = flow(floor.drill_id)          # the last step: its counts go into an output lot

    caps = {action: cap + (separate_audit_inserts(engine) + separate_rollup_upserts(engine)
                           if action == "report_counts" else 0)
            for action, cap in CAPS.items()}
    over = {action: (n, caps[action]) for action, n in measured.items() if n > caps[action]}
    assert not over, over
