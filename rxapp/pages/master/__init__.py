"""Pages of the master domain (services/master)."""
