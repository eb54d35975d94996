"""State of the home page (services/home).

- attention.py: what needs the person's attention now, as cards that link to the page where it is handled.
"""
