"""State of the org domain (services/org)."""
