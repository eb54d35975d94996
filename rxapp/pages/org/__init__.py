"""Pages of the org domain (services/org)."""
