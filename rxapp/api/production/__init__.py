"""Api of the production domain (services/production)."""
