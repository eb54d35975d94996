"""State of the kpi domain (services/kpi)."""
