"""Core: what every domain shares and none owns; it imports no other services package.

- db.py: the engine, sessions and the unit of work (`transaction`: one commit, events after it);
- tenancy.py: the organization a unit of work runs for, sent to PostgreSQL's row-level security;
- secret_box.py: secrets at rest (two-factor secrets) encrypted with the application key (TAKT_SECRET_KEY);
- system_jobs.py: jobs for every organization (escalation, purge, outbox) run one unit of work per organization, bound to it;
- errors.py: typed, framework-free errors (NotFound, Forbidden, Invalid, Conflict, ...);
- messages.py: messages for people built with keys and parameters (`t(...)`), rendered in each person's language;
- catalogs.py: the translation catalogs (rxapp/locale), shared by the doors and the services' messages;
- events.py: domain events, typed event classes (`event_type`), recording and the in-process bus;
- event_fanout.py: the bus bridged across processes (Redis pub/sub or PostgreSQL LISTEN/NOTIFY);
- access.py: actors, roles (built-in defaults), permissions per plant, department scope (`require`, `visible_plant_ids`);
- scoping.py: one row for an actor, or NotFound outside their organization and plants;
- audit.py: the audit trail (written in the caller's transaction), its reads and CSV export;
- writers.py: checks every recorded change runs for the acting person (registered from above: demo passwords);
- changes.py: the write steps services share: stamp, diff, audit and announce (`EntityChanged`);
- validation.py: small input checks returning field errors in words people use;
- search.py: text search matching full-width and half-width forms (NFKC) for Japanese and Korean input;
- languages.py: the languages Takt speaks, how a person's language is chosen, the language being served now;
- display_names.py: names in two languages: the name a viewer sees (`display_name`), checks of a second name;
- formats.py: local formats (babel): numbers, money in its currency's places, dates and times in a plant's zone;
- numbering.py: per-organization human numbers (SO-000001, or the organization's pattern), locked for the transaction;
- calendar_math.py: working time from shift calendars, pure functions;
- exports.py: CSV and Excel of exactly what a list shows;
- paging.py: pages of lists by keyset cursor, the total counted only when asked;
- worker_cache.py: per-worker caches of slowly changing reference data, dropped by the events that change it;
- workers.py: how many backend worker processes a node runs and which event fan-out they use;
- pdf.py: PDF documents whose text is set in Helvetica, or in an embedded Noto Sans CJK font when
  Latin-1 cannot hold it (Japanese and Korean names print as themselves);
- svg.py: SVG documents accepted only when they cannot run code;
- backup.py: database backups and restore (SQLite and PostgreSQL);
- migrations.py: Alembic migrations for SQLite and PostgreSQL;
- health.py: liveness (a database round trip and the schema revision);
- metrics.py: Prometheus metrics and the request id.

Invariants: services never commit (the caller's `transaction` does, once) and events are dispatched
only after a successful commit; a row outside the actor's organization or visible plants does not
exist for them (NotFound), and on PostgreSQL a unit of work for an actor sees and writes only its
organization's rows of the tenant tables (row-level security, one setting per transaction); an audit
entry is stamped with the time its caller passes in.
"""
