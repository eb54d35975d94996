"""master"""
# Imported with the package: reason_codes registers itself as the scrap and downtime type lists.
from services.master import reason_codes  # noqa: F401
