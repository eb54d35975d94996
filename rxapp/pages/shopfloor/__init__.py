"""Pages of the shopfloor domain (services/shopfloor)."""
