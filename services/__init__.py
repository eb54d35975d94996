"""Takt's business logic. Every rule lives here; rxapp/ (UI and REST API) and the CLI only call it.

No module in this package imports reflex, fastapi or starlette (tests/unit/test_layering.py).
"""
