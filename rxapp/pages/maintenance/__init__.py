"""The maintenance pages: dashboard, tickets, ticket, my tickets, report a breakdown, machine history."""
