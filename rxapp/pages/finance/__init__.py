"""Pages of the finance domain (services/finance)."""
