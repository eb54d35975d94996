"""Demo: the demo tenants and their data, and the shop-floor simulator's database side. Only the CLI
(`takt demo`, `takt simulate`) and tests use it; no business package imports it.

- seed.py: `seed_demo`, the entry point: two tenants (Acme with plants, departments and a user for every
  role; Globex to show isolation), then the domain seeders below in dependency order;
- config.py: custom fields and a welcome notification;
- production.py: Berlin's and Porto's master data, calendars, targets, standard costs, three weeks of history
  and open work;
- machine_model.py: what a plant's machines do (jobs, changeovers, stops, scrap, in working time), as gateway
  events: the one model behind both the seeded history and `takt simulate`;
- history.py: that model's events ingested in-process from a start to an end (the seeded history) or from a
  plant's last event to now (`catch_up`, run by `takt seed-demo` when the demo exists);
- trace.py: locations, receipts, lots produced from the open orders' BOMs, a shipment shipped and one packing;
- quality.py: an inspection plan with an in-control baseline and a drifting run, a reject and a return;
- ncr.py: an open and a closed NCR with a CAPA action, an unanswered SOP ticket about to escalate;
- finance.py: chart of accounts, periods, tax rules, work-center rates, an invoice half paid, production posted;
- studio.py: a TV series and a film with breakdowns, partners with accounts, reviews with rework loops;
- documents.py: product drawings (an approved and an obsolete revision), a work instruction at a step with a
  draft in review, a lockout SOP on three lathes and a change order in review (one-page PDFs);
- maintenance.py: a maintenance team, SLA targets, spare parts, preventive plans, two months of tickets;
- simulation.py: what `takt simulate` reads and does between ingest calls (its token, the plant floor,
  more work when a machine runs dry).

Invariants: demo is an edge like the CLI: it takes `now` (or the simulated time) and passes it to every
service; everything goes through the same services as the UI and the API, so the data is what they
would have recorded; seeding is idempotent (nothing happens once any organization exists) and
deterministic (fixed random seeds: two seedings at the same `now` are identical); demo passwords exist
only here.
"""

DEMO_PASSWORD = "Takt-demo-2026"      # every demo user's published password (README: Demo log-ins)
