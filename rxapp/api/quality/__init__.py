"""Api of the quality domain (services/quality)."""
