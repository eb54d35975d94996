"""Document control over REST: documents, revisions, files and the operator's instructions (documents.py),
change orders (change_orders.py)."""
