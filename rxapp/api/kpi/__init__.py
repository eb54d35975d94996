"""Api of the kpi domain (services/kpi)."""
