"""Maintenance: corrective and preventive tickets for machines with SLA clocks in working time, preventive
plans by calendar and by usage, spare parts with stock per location, labour, and MTBF/MTTR.

- common.py: who may do what (RUN_JOBS/SUPERVISE/MAINTAIN raise, MAINTAIN works, VIEW reads), priorities,
  technicians of a plant;
- tickets.py: raise a corrective ticket (operator portal, andon tile, supervisor), `create_ticket` for automatic
  and preventive ones, reads with the SLA clock, "my tickets"; registers the workflow entity
  "maintenance_ticket" and its custom fields;
- ticket_work.py: assign, move (accept, start, wait for parts, resume, done, cancel), checklist results, notes,
  photos, stop links, the ticket's detail; preventive work recorded on the machine as a planned stop;
- sla.py: response and resolution clocks in the plant calendar's working time (24/7 without one), paused while
  waiting for parts when configured, warning, breach, escalation to the maintenance lead then the plant manager;
- pauses.py: each interval a ticket waited for parts with its reason, and the loss Pareto's "repairs waiting for
  parts" (linked stops' minutes inside those pauses; a split registered with services/kpi/loss_splits.py);
- settings.py: SLA targets per plant and priority, the escalation team, automatic tickets for long stops;
- plans.py: preventive plans per machine or machine class, every N days/weeks/months, N parts or N run hours,
  tickets generated ahead with a due date and a booked window (booked as planned downtime through
  services/kpi/planned_downtime.py when the ticket is created, released when it is cancelled);
- parts.py: spare parts, stock per plant and location, receipts, issues to tickets, minimums, reorder list,
  labour entries and ticket costs;
- uptime.py: operating time of machines (working time minus stops) for MTBF and run-hour plans;
- kpis.py: MTTR, MTBF, breakdowns, SLA compliance, backlog by age, planned vs unplanned, costs;
- history.py: a machine's history (tickets, stops, preventive work);
- home.py: a person's maintenance home (open tickets by SLA urgency, their own, breached and reorder counts);
- board.py: the live maintenance board of a plant (open tickets with their SLA countdown, 30-day KPIs);
- events.py: the SLA clock's typed events (maintenance_ticket.sla_warning, sla_breached, sla_escalated);
- jobs.py: the minute job (long stops, due plans, SLA deadlines).

Invariants: every row belongs to one organization and plant, and rows outside the actor's organization or
plants are NotFound; tickets are numbered per organization (MT-000001) and run on the workflow engine; every
change is audited and announced (`maintenance_ticket.*`, `stock.*`, `maintenance_plan.*`), nothing here
commits (the caller's unit of work does), and the clock is always passed in.
"""
from services.maintenance.common import ENTITY, PRIORITIES, RAISE_PERMISSIONS, technicians
from services.maintenance.jobs import run_due
from services.maintenance.tickets import TicketCreate, TicketRead, get_ticket, list_tickets, my_tickets, raise_ticket

__all__ = ["ENTITY", "PRIORITIES", "RAISE_PERMISSIONS", "TicketCreate", "TicketRead", "get_ticket", "list_tickets", "my_tickets",
           "raise_ticket", "run_due", "technicians"]
