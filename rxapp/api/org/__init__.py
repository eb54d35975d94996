"""Api of the org domain (services/org)."""
