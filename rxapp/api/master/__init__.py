"""Api of the master domain (services/master)."""
