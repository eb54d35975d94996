"""Home: what needs a person's attention now, across the domains they may read.

- attention.py: machines down, late work, maintenance SLA breaches, open NCRs and unacknowledged SPC
  alerts at the actor's plants, each counted with its first few names, shown only to roles that read it.

Invariants: nothing here writes; every count is scoped to the actor's organization and plants; a section is
returned only when the actor holds a permission that reads its page (the same permissions those pages
require), so the home page never links to a page that would refuse the person.
"""
from services.home.attention import Attention, attention

__all__ = ["Attention", "attention"]
