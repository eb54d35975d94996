"""Pages of the quality domain (services/quality)."""
