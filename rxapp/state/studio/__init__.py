"""Studio pages' state: projects, one project (live grid and dashboard), a step's kanban (live), timesheets,
my tasks, one task."""
