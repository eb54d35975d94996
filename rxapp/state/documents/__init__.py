"""Document control pages' states: the list with search and the new-document form (documents.py), one document
with its revisions, upload and approval (document.py), change orders (change_orders.py), the shared file viewer
(viewer.py)."""
