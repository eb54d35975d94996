"""Studio pages: projects, a project (live grid, dashboard, schedule), a cut (fields, tasks, casting, activity),
an asset (fields, edit for managers, tasks, cuts, activity), a step's live kanban, timesheets, my tasks, a task (review)."""
