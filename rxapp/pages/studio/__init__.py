"""Studio pages: projects, a project (live grid, dashboard, schedule), my tasks, a task (review)."""
