"""Master data: what the plan and the shop floor are made of.

- products.py: products and items (codes, units offered by the organization's unit system, standard cost in its
  currency, custom fields);
- boms.py: bills of materials (components per parent unit, scrap), without cycles;
- routings.py: routings as ordered steps at work centers, versioned per product;
- work_centers.py: work centers and machines of a plant, machines' cycle times per product;
- calendars.py: shift calendars per plant, holidays, and `calendar_spec` for scheduling;
- calendar_shifts.py: the shifts and breaks of a calendar and the rules they keep;
- reason_codes.py: downtime, scrap, pause and schedule-exception reasons (registered as type lists);
- customers.py: customers who order;
- readiness.py: the set-up steps a plant still lacks (machines, calendar, products, routings, customers);
- common.py: who may write master data, and the shared write steps.

Invariants: every row belongs to one organization, and rows outside the actor's organization or plants
are NotFound; codes are unique per organization (work centers and machines: per plant); products,
routings, work centers, machines, calendars, customers and used reason codes are deactivated, never
deleted (BOM lines, routing steps, shifts, breaks and holidays may be removed); organization-wide data
is written by PLAN holders (reason codes also MANAGE_PLANTS), plant data (work centers, machines,
calendars) by MANAGE_PLANTS or PLAN at that plant; reads need VIEW; every write is stamped, audited and
announced, and nothing here commits.
"""
# Imported with the package: reason_codes registers itself as the scrap and downtime type lists.
from services.master import reason_codes  # noqa: F401
