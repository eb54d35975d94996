"""Api of the config domain (services/config)."""
