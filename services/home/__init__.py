"""Home: what needs a person's attention now, across the domains they may read.

- attention.py: machines down, a technician's own tickets and preventive maintenance due, late work, maintenance SLA
  breaches, open NCRs, unacknowledged SPC alerts, and finance's work (POs to approve, receive and settle, unpaid
  settlements, overdue invoices), each counted with its first few names, shown only to roles that read it.

Home sits above every domain it reads (finance included) and below demo; no business package imports it.

Invariants: nothing here writes; every count is scoped to the actor's organization and plants; a section is
returned only when the actor holds a permission that reads its page (the same permissions those pages
require), so the home page never links to a page that would refuse the person.
"""
from services.home.attention import Attention, attention

__all__ = ["Attention", "attention"]
