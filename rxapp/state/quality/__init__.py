"""State of the quality domain (services/quality)."""
