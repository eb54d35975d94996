"""REST routers of the finance domain (services/finance): tax rules, ledger, costing."""
