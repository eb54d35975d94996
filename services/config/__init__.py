"""config"""
# Imported with the package so that custom fields' choice usage is registered with type_lists
# (type_lists.usage_count counts it) whichever config module is imported first.
from services.config import custom_fields  # noqa: F401
