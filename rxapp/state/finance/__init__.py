"""State of the finance domain (services/finance)."""
