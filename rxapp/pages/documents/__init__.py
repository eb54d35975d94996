"""Document control pages: the list (documents.py), one document (document.py), change orders (change_orders.py)."""
