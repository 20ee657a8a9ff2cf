"""Each workflow step's service and the arguments it takes from a form's cleaned data or an API payload.

The case page, the API and the tests run a step through `step_run`, so the step → service dispatch is
written once. Data keys are the services' own argument names (forms and schemas use the same names)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jiuzhu.accounts.models import User
from jiuzhu.cases import services
from jiuzhu.cases.models import Case


@dataclass(frozen=True)
class StepCall:
    service: Callable[..., Case]
    # The service's keyword arguments besides actor, case and on; a missing optional one keeps its default.
    arguments: tuple[str, ...] = ()


STEP_CALLS: dict[str, StepCall] = {
    "accept": StepCall(services.case_accept, ("staff_relative", "staff_relative_note")),
    "request_supplement": StepCall(services.case_request_supplement, ("items", "other")),
    "supply": StepCall(services.case_supply, ("received", "note")),
    "not_accept": StepCall(services.case_not_accept, ("reason", "text")),
    "investigate": StepCall(
        services.case_investigate,
        ("visit_date", "investigators", "findings", "family_confirmed", "income_irregular"),
    ),
    "request_check": StepCall(services.case_request_check),
    "record_check": StepCall(services.case_record_check, ("result", "passed")),
    "township_opinion": StepCall(services.case_township_opinion, ("recommend", "text", "amount")),
    "publish_notice": StepCall(services.case_publish_notice, ("start_date",)),
    "record_objection": StepCall(services.case_record_objection, ("content", "received_on")),
    "resolve_objection": StepCall(services.case_resolve_objection, ("resolution", "text")),
    "confirm": StepCall(services.case_confirm, ("amount", "override_reason")),
    "refuse": StepCall(services.case_refuse, ("reasons",)),
    "withdraw": StepCall(services.case_withdraw, ("reason",)),
}

# Actions taken like steps (from the case page and the API) that are not in the workflow's table: the second
# person's check of a raised amount leaves the case on notice, or confirms it.
SIDE_CALLS: dict[str, StepCall] = {
    "check_amount": StepCall(services.case_amount_check, ("accept", "note")),
}


def step_run(action: str, *, actor: User, case: Case, data: Mapping[str, Any], on: dt.date | None = None) -> Case:
    """Take `action` on `case` with the step's arguments picked from `data`. Raises what the service raises."""
    call = STEP_CALLS[action] if action in STEP_CALLS else SIDE_CALLS[action]
    kwargs = {name: data[name] for name in call.arguments if name in data and data[name] is not None}
    if on is not None:
        kwargs["on"] = on
    return call.service(actor=actor, case=case, **kwargs)
