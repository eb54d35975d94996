"""Studio pages' state: projects, one project (live grid and dashboard), my tasks, one task."""
