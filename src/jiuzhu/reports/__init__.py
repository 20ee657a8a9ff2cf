"""The county's statistics: monthly snapshots per region × programme built after each payroll, targets and
their completion, dashboards with charts, and the monthly civil-affairs tables (xlsx, PDF)."""
