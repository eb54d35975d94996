"""State of the production domain (services/production)."""
