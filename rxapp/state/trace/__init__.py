"""State of the trace domain (services/trace)."""
