"""KPIs: OEE with availability, performance and quality, losses, yields, on-time delivery and WIP, from rollups
kept as production events are written; the dashboard, the andon board and their live refresh.

- formulas.py: the KPI maths, pure functions over plain values;
- rollup_slices.py: the time slices rollups are keyed by (UTC hours cut at shift and local-day boundaries);
- rollups.py: incremental rollups in the transaction that writes production events;
- rollups_bulk.py: the same rollups for a large batch (ingest), set-based: one SQL statement for its counts;
- rollup_rebuild.py: the rollups recomputed from the raw events (takt rebuild-rollups);
- plant_calendar.py: the plant calendar of a KPI read in two round trips;
- scope.py: what a read covers (plant, department, machine, shift, window) and the rollup sums behind it;
- reads.py: KPI summary, OEE trend, loss Pareto, current shift (and the drill-down, re-exported);
- drill_down.py: the raw events behind a figure, the one read of raw events for a dashboard;
- loss_splits.py: stop time that higher packages put on its own Pareto bar (maintenance: waiting for parts);
- read_models.py: the plain read models those reads return;
- yields.py: first-pass yield per product and step, rolled throughput yield per product;
- delivery.py: on-time delivery per period and work in progress;
- runs.py: run intervals of machines (when a job was running), paired from job events, kept and rebuilt;
- machine_time.py: idle time and booked planned downtime per machine (and bucket) of a read, from interval rows;
- settings.py: a plant's KPI conventions (idle as a loss or not scheduled, the overproduction tolerance);
- planned_downtime.py: booked planned downtime of machines, the hook maintenance writes its windows through;
- raw.py: one machine's KPIs straight from its raw events (the reference the rollup reads are tested against);
- dashboard.py: the manager dashboard (filters, period windows, every figure, drill-down, export rows);
- andon.py: the andon board (a tile per machine: state, job, shift OEE);
- live.py: domain events turned into coalesced once-per-scope refreshes of shared screens;
- live_figures.py: a live screen's figures (the KPI summary's and the trend's last point) in one pass over the rollups;
- live_tiles.py: the small figures of shared screens (dashboard tiles, andon counters) for the live channel,
  each kind's scope subscribed only after the view's own access check;
- live_channel.py: the live channel: per scope, what a report's event changes for certain (counters, quality)
  sent at once, then one reading of its tiles per report (at once after a quiet spell, at most every 100 ms in a
  burst), each as one JSON delta to every websocket subscriber.

Invariants: reads need VIEW_DASHBOARDS (the andon board DISPLAY too) at the plant, plants outside the actor's
organization or plants are NotFound; dashboards read rollups, never a scan of raw events, and a rollup read
equals the raw computation (before loss splits: raw.py knows no ticket, so its Pareto keeps waiting minutes on
the stop reason); the live channel reads a scope's tiles once per window for all its subscribers and subscribes
only scopes `live_tiles.subscribe_scope` returned; ratios are exact fractions with rounded Decimal percentages beside them; the clock
is passed in; kpi reads production and master data and never imports the shop floor's modules.
"""
