"""Studio production: projects by the piece (TV series, films, games, VFX, subcontracts), reviewed
twice (team lead, then production manager) and shared with vendors and clients.

- common.py: read/write guards, partner (portal) accounts, activity + audit + event per change, small
  row helpers (rows a foreign key names, ids read back, Core tables);
- events.py: the typed `studio.<entity>.<action>` events (one class per name);
- projects.py: project templates (entity kinds, steps with order and weights), projects
  (PRJ-000001, two name languages, type list, client, budget, dates, status), steps, progress;
- partners.py: partner organizations (business number, bank account masked unless FINANCE,
  contacts), their role and tier in a project, vendor/client accounts;
- members.py: member slots, linking a slot to an account or a vendor, credits (CSV, PDF);
- episodes.py: a project's episodes (number, name in two languages, deadline): add, rename, list;
- breakdown.py: sequences, cuts/shots with frame ranges, assets (create, edit) and casting, set-based
  bulk creation of episodes x cuts with their tasks; breakdown_import.py: CSV/Excel, all or nothing;
- tasks.py: tasks per entity and step on the "studio_task" workflow, assignment, time logged, lists;
  grid.py: the production grid and Gantt rows; kanban.py: a step's tasks in workflow columns, and
  moving a card (the transition through the use case that owns it); timesheets.py: one's week of time
  per task and day, taking an entry back, a lead's week by member with totals;
- milestones.py: a project's milestones (name, due date, open / reached / dropped, late when open past due);
- reviews.py: versions with files, QC1 then QC2 decisions, rework loops, notifications;
- review_queue.py: the tasks waiting for a person's QC1 or QC2 decision, approved together (all or none);
  annotations.py: strokes drawn on a version's image, checked and kept with the decision;
- files.py: content checks, size limits, thumbnails, download access; storage.py: where the bytes live
  (a local folder by default, an S3-compatible bucket by configuration);
- activity.py: per-entity feed and its retention purge; dashboard.py: progress, first-pass rate,
  rework loops, throughput vs quota, late tasks;
- live.py: the live project views (grid and dashboard) and which events refresh them.

Invariants: every read and write is scoped to the actor's organization; internal users read with
VIEW, write with STUDIO_MANAGE / STUDIO_WORK / STUDIO_QC1 / STUDIO_QC2; vendor and client accounts
(STUDIO_PORTAL, no VIEW) see only their partner's tasks and files, or reviews shared with them;
QC2 never precedes QC1; each rejection counts one rework loop; linking a slot never touches its
tasks; every change is audited, in the activity feed (purged after the retention) and announced
as a typed `studio.*` event; the clock is always passed in; nothing here commits.
"""
