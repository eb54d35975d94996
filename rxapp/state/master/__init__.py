"""State of the master domain (services/master)."""
