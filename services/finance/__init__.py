"""Finance: money exact to the minor unit, tax rules as configuration, a double-entry ledger with periods,
and standard costing.

- money.py: minor units per currency, rounding (half-up or truncation, to a unit), the rule in words;
- tax_rules.py: VAT and withholding rules with effective dates, components, marginal tiers and bases; compute;
- accounts.py: the chart of accounts (a template, then edited), accounts found by role for automatic postings;
- periods.py: monthly fiscal periods opened a year at a time, closed, reopened, locked;
- journal.py: balanced entries posted into open periods, once per source document, reversed not edited;
- ledger_reports.py: trial balance, general ledger with running balance, the journal export file;
- cost_rates.py: machine and labour rates per hour of work centers (money: finance keeps them);
- invoices.py: customer invoices (from shipments or order lines) and credit notes, priced, VAT once per invoice;
  shipments and order lines still to bill;
- invoice_pdf.py: the invoice or credit note as PDF in the organization's branding;
- payments.py: payments received, allocation to invoices (oldest first by default), AR aging, overdue invoices;
- work_order_cost.py: actual cost of a work order (lots consumed, job time) vs standard, variances; order margin;
- purchasing.py: vendor purchase orders (rates, VAT, withholding), vendor acknowledgement, who may acknowledge,
  the tasks a new order can pay for;
- purchasing_documents.py: the purchase order as PDF, a settlement statement as PDF and Excel (branded);
- payment_file.py: the batch payment file of unpaid settlements (CSV in the layout its docstring documents);
- budgets.py: budgets per project and cost centre, spend from POs and settlements, a PO's warnings, the live view;
- po_approval.py: PO approval on the workflow engine, finance up to a limit per currency, a manager above it;
- po_receipts.py: goods (as a lot of the vendor) and work received against PO lines without a task;
- settlements.py: settlements of QC2-approved tasks (once each, by constraint) and of received factory quantities,
  postings, payment, the list, what a PO has ready to settle and each factory line's progress;
- worklist.py: finance's work waiting now for the home page (POs to approve, receive, settle; unpaid settlements);
- production_postings.py: material issue, work in progress, finished goods at standard cost and variances, posted
  from production's events in the same transaction (refusals stay pending); the cost currency setting;
- costing.py: standard cost roll-up through a multi-level BOM and routing, material availability of a work order;
- events.py: finance's typed domain events (tax_rule.created, journal_entry.posted, invoice.issued,
  payment.received, purchase_order.created/approved, settlement.created/paid, budget.set).

Invariants: money is Decimal, never float, rounded where a document shows it by the rule it states; FINANCE
reads and writes money (planners see quantities: the material check needs PLAN; a manager reads the
orders waiting for their approval); the writer of a purchase order never approves it; every posting balances and
lands in an open period; a source document is posted at most once (a database constraint); every change is
audited and announced with a typed event; the clock is always passed in; nothing here commits.
"""

# Production is posted by a before_commit listener that production_postings registers when it is imported: import
# it with the package, so every process that loads finance posts production (not only one that opened /finance).
from services.finance import production_postings as production_postings  # noqa: E402,F401
