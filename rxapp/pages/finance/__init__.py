"""Pages of the finance domain (services/finance): the ledger overview (/finance), vendor purchase orders and
settlements (/finance/purchase-orders, and /studio/portal/orders for a vendor), customer invoices and payments
(/finance/invoices), budgets per project and cost centre (/finance/budgets)."""
