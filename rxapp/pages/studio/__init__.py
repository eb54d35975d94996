"""Studio pages: projects, a project (live grid, dashboard, schedule), a step's live kanban, timesheets, my tasks, a
task (review)."""
