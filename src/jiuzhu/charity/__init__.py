"""Charity: donors, donations (designated or general), campaigns, disbursements to registry households with
approval, fund balances that never go negative, needs posted for donors and the public account."""
