"""Pages of the production domain (services/production)."""
