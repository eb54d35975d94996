"""Maintenance over REST: tickets (tickets.py), plans, parts, stock moves, settings and KPIs (resources.py)."""
