"""Production: customer orders, work orders and operations, their status transitions, the order import, and
the schedule (the `scheduling` subpackage).

- orders.py: customer orders and their lines (create, edit while open, cancel, list, detail), the detail with
  the actions allowed now (from the transition table and PLAN at the plant);
- order_import.py: orders from an Excel or CSV file, previewed row by row, imported all or nothing;
- work_orders.py: releasing an order into work orders and operations (BOM levels), every work-order status
  change after that, and settling orders whose work is finished;
- work_order_reads.py: work-order lists with progress, the detail with operations, children and history;
- lookups.py: the master data orders and releases read (customers, products, release plans: active routing,
  steps, BOM components), cached per worker and dropped by the events that change it;
- transitions.py: the status transition tables of orders, work orders and operations, and the history rows;
- events.py: the typed domain events of all of them (order.*, work_order.*, operation.*, schedule.*,
  capacity_target.*);
- scheduling/: operations on machines, planned inside the plant's shift calendar (its own docstring).

Invariants: every row belongs to one organization and plant; rows outside the actor's plants are NotFound;
changes need PLAN at the plant, reads VIEW; a status changes only along its transition table and writes one
StatusChange; quantities are ints and prices Decimal; every change is audited and announced by a typed event;
nothing here commits (the caller's unit of work does), and the clock is always passed in.
"""
