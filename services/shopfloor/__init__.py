"""Shop floor: what happens at a machine, from an operator's tap or a machine gateway's event.

- machine_state.py: the machine-state engine, the one owner of a machine's state now (MachineStatus), of
  counts added to jobs and work orders and of what a production event announces; both doors call it;
- action_rules.py: the rules of each operator action (validate, move the job, call the engine);
- operator.py: operator actions at a machine (lock, once per client id, record, audit, announce);
- ingest.py: gateway batches, set-based (one lock per machine, one insert, one UPDATE per table);
  ingest_events.py: the event model (the API's schema and the parser) and per-event results;
  ingest_store.py: a batch's bulk reads, locks and the insert of its production events;
  ingest_limits.py: its size and in-flight limits;
- reads.py: what the operator portal and the machine pages show, each queued job with the actions allowed now
  (action_rules.job_actions);
- events.py: the typed events a production event announces (job.*, count.reported, downtime.*,
  ingest.accepted).

Invariants: RUN_JOBS (operators) or INGEST (machine tokens) at the machine's plant; every accepted event
appends one ProductionEvent, once per client id and organization; a machine's state changes only through
machine_state.py; nothing here commits.
"""
