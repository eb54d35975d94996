"""Page state of the maintenance pages (thin: everything through services/maintenance)."""
