"""State of the shopfloor domain (services/shopfloor)."""
