"""Every write to applications, by business step. Each step checks the actor's capability, the case's region
against the actor's scope (out of scope: 404, the case does not exist for them) and the current state against
workflow.STEPS; it runs in one transaction on the row locked with select_for_update, records a CaseEvent
and an audit entry. An illegal step raises IllegalStep and changes nothing.

Callers keep `from jiuzhu.cases import services; services.case_confirm(...)`: the modules below are named
after the business and every public name is re-exported here."""

from jiuzhu.cases.services._common import IllegalStep
from jiuzhu.cases.services.application import (
    case_accept,
    case_investigate,
    case_record_check,
    case_request_check,
    case_submit,
    case_township_opinion,
    case_withdraw,
)
from jiuzhu.cases.services.decision import case_amount_check, case_confirm, case_refuse, engine_for_case
from jiuzhu.cases.services.documents import case_document_add, case_note_add
from jiuzhu.cases.services.intake import case_not_accept, case_request_supplement, case_supply
from jiuzhu.cases.services.notice import (
    case_publish_notice,
    case_record_objection,
    case_resolve_objection,
    notice_publish,
)
from jiuzhu.cases.services.online import case_submit_online
from jiuzhu.cases.services.reserve_fund import case_emergency_pay, reserve_fund_topup
from jiuzhu.cases.services.review_proposal import (
    engine_for_review,
    engines_for_reviews,
    entitlement_stop_propose,
    review_approve,
    review_propose,
    review_return,
    review_withdraw,
)
from jiuzhu.cases.services.reviews import recheck_on_death, review_open, review_record, review_schedule
from jiuzhu.cases.services.self_care import case_assess_self_care
from jiuzhu.cases.services.snapshot import household_snapshot

__all__ = [
    "IllegalStep",
    "case_accept",
    "case_amount_check",
    "case_assess_self_care",
    "case_confirm",
    "case_document_add",
    "case_emergency_pay",
    "case_investigate",
    "case_not_accept",
    "case_note_add",
    "case_publish_notice",
    "case_record_check",
    "case_record_objection",
    "case_refuse",
    "case_request_check",
    "case_request_supplement",
    "case_resolve_objection",
    "case_submit",
    "case_submit_online",
    "case_supply",
    "case_township_opinion",
    "case_withdraw",
    "engine_for_case",
    "engine_for_review",
    "engines_for_reviews",
    "entitlement_stop_propose",
    "household_snapshot",
    "notice_publish",
    "recheck_on_death",
    "reserve_fund_topup",
    "review_approve",
    "review_open",
    "review_propose",
    "review_record",
    "review_return",
    "review_schedule",
    "review_withdraw",
]
