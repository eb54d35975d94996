"""State of the config domain (services/config)."""
