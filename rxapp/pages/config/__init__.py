"""Pages of the config domain (services/config)."""
