"""Api of the trace domain (services/trace)."""
