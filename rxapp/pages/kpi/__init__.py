"""Pages of the kpi domain (services/kpi)."""
