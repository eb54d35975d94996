"""Api of the shopfloor domain (services/shopfloor)."""
