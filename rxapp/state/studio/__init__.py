"""Studio pages' state: projects, one project (live grid and dashboard; for finance, its live budget and
spend), one cut (fields, edit, tasks, casting, feed), one asset
(fields, edit, tasks, cuts, feed), a step's kanban (live), timesheets, my tasks, one task."""
