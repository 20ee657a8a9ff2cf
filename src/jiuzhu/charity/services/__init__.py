"""Every write to the charity books, by business step. Each checks the actor's capability and region scope,
runs in one transaction, locks the rows it changes and writes the audit log. Money moves only through the fund
ledger in `_common` (fund_credit / fund_debit), under the fund's row lock."""

from jiuzhu.charity.services._common import fund_label
from jiuzhu.charity.services.disbursements import (
    category_cap,
    disbursement_approve,
    disbursement_pay,
    disbursement_propose,
    disbursement_refuse,
)
from jiuzhu.charity.services.donations import campaign_create, donation_record, donor_create, donor_phone_reveal
from jiuzhu.charity.services.needs import need_close, need_post, public_text_problem

__all__ = [
    "campaign_create",
    "category_cap",
    "disbursement_approve",
    "disbursement_pay",
    "disbursement_propose",
    "disbursement_refuse",
    "donation_record",
    "donor_create",
    "donor_phone_reveal",
    "fund_label",
    "need_close",
    "need_post",
    "public_text_problem",
]
