"""Test data and small helpers shared by the test layers (unit, api, ui, e2e), by domain.

Modules: org (World: two organizations with plants, departments and users; make_user, actor_of),
db (committed, count, fetch, snapshot: read and write through the test session),
production (lines, calendars, work orders written straight to the tables), orders (a shop with routed
products and customer orders), scheduling (a plant in a chosen time zone for the scheduling tests),
shopfloor (a machine with a released job), kpi (the hand-computed shift, raw events, rollup rows),
quality (inspection plans and measurements), trace (a plant with materials and products), shipments
(receipts, output lots, shipments, the shared recall case), scanning (station tokens, labels),
fanout (the Redis/PostgreSQL servers of the fan-out tests), mail (a local SMTP handler), documents (the
text drawn in a generated PDF, and its text layer), s3 (a local S3-compatible server and its buckets),
finance (a studio that buys work: finance people, tax rules, orders), e2e (data written into the browser
tests' app database).

Fixtures live in conftest.py files only; test modules import helpers from here, never from each other.
"""
