"""The maintenance pages: dashboard, tickets, ticket (with ticket_work.py, its labour and spare parts section), my
tickets, report a breakdown, machine history."""
