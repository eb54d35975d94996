"""Pages of the trace domain (services/trace)."""
