"""Quality: inspection plans and SPC, non-conformance reports with CAPA, internal rejects and customer
returns, SOP tickets, and the quality dashboard.

- inspection_plans.py: inspection plans per product (and routing step) and their characteristics;
- inspections.py: recording inspections, judging each new point against the run rules, SPC alerts;
- spc_charts.py: control chart reads and the baseline chooser;
- spc_limits.py: baseline limits computed from inspections, stored as decimal strings, read back;
- spc_math.py: SPC maths as pure Decimal functions (limits, chart points, capability);
- spc_constants.py: the control chart constants table (n = 2..25) and exact d2, d3, c4;
- spc_rules.py: Western Electric and Nelson run rules, evaluated for the newest point;
- ncr.py: non-conformance reports on the workflow engine (entity "ncr"), their reads with what the actor
  may do now (edit, close), and the reads of their CAPA actions;
- capa.py: add a CAPA action to an open NCR and mark it done;
- ncr_models.py: the NCR service's inputs and read models (create, update, NCR, CAPA action, link, detail);
- ncr_links.py: an NCR's links to lots, internal rejects and customer returns;
- rejects.py: internal rejects and customer returns on the workflow engine, rework that takes effect;
- sop_tickets.py: one department charges another for an SOP failure; respond, reassign, escalate;
- dashboard.py: a plant's defects Pareto, FPY trend, NCR ages, SPC alerts and cost of poor quality;
- events.py: the package's typed domain events (spc.alert_raised, *.rework_created);
- spc_tiles.py: a characteristic's SPC figures as the live channel's kind "spc" (registered with kpi.live_tiles).

Invariants: every row belongs to one organization and plant, and rows outside the actor's organization or
plants are NotFound; reading needs VIEW at the plant, changing NCRs, cases, plans and baselines needs
QUALITY there; NCRs, cases and SOP tickets are numbered per organization and their status is their workflow
state (moves only through the workflow engine; a closed one changes only if the workflow reopens it); SPC
numbers stay Decimal; every change is audited and announced, nothing here commits, and the clock is passed in.
"""
from services.quality import spc_tiles  # noqa: F401, E402  (registers the live kind "spc" with kpi.live_tiles)
