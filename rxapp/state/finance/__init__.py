"""State of the finance domain (services/finance): overview.py (/finance), purchase_orders.py (purchase orders and
settlements, also the vendor's portal view), invoices.py (invoices, credit notes, payments, AR aging),
budgets.py (budgets per project and cost centre with their spend)."""
