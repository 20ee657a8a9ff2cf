"""An amount above the computed one is checked by a second person before it pays (issue #11 Scope: "an override
above the computed amount justified and checked by a second person"). Below the computed amount a reason is
enough, as before."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from jiuzhu.accounts.models import Role
from jiuzhu.cases import selectors, services
from jiuzhu.cases.models import AmountCheck, AmountCheckState, Case, Status
from jiuzhu.cases.services import IllegalStep
from jiuzhu.cases.tests.conftest import TODAY, at_state
from jiuzhu.cases.tests.test_api import bearer
from jiuzhu.conftest import _user
from jiuzhu.core.models import AuditEntry
from jiuzhu.payments.models import Entitlement


@pytest.fixture
def approver2(county):
    return _user("approver2", Role.COUNTY_APPROVER, county.county, full_name="县审批乙")


@pytest.fixture
def noticed(new_case, head_a):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    computed = services.engine_for_case(case=case, on=TODAY).amount
    assert computed is not None and computed > 0
    return case, computed


def _raise(case, approver, computed, extra="100.00"):
    return services.case_confirm(
        actor=approver, case=case, amount=computed + Decimal(extra), override_reason="重病住院，另加护理费", on=TODAY
    )


def test_an_amount_below_the_computed_one_needs_only_its_reason(noticed, approver):
    case, computed = noticed
    case = services.case_confirm(
        actor=approver, case=case, amount=computed - Decimal("50"), override_reason="家庭有赡养费未计", on=TODAY
    )
    assert case.status == Status.APPROVED and not AmountCheck.objects.exists()
    assert Entitlement.objects.get(source_case=case).monthly_amount == computed - Decimal("50")


def test_an_amount_above_the_computed_one_waits_for_a_second_approver(noticed, approver):
    case, computed = noticed
    with pytest.raises(ValidationError) as exc:
        services.case_confirm(actor=approver, case=case, amount=computed + 1, on=TODAY)
    assert "override_reason" in exc.value.message_dict
    case = _raise(case, approver, computed)
    assert case.status == Status.NOTICE and case.amount_check_by == approver
    assert not Entitlement.objects.exists()  # no money before the check
    check = AmountCheck.objects.get(case=case)
    assert check.state == AmountCheckState.PENDING and check.amount == computed + 100 and check.reference == computed
    # Meanwhile nobody decides the case, and its maker cannot check it.
    with pytest.raises(IllegalStep, match="待另一名审核人员复核"):
        services.case_confirm(actor=approver, case=case, on=TODAY)
    with pytest.raises(IllegalStep):
        services.case_refuse(actor=approver, case=case, reasons="不符合", on=TODAY)
    with pytest.raises(PermissionDenied, match="不能复核自己"):
        services.case_amount_check(actor=approver, case=case, accept=True, on=TODAY)
    assert AuditEntry.objects.filter(object_type="case", summary__contains="提交复核").exists()


def test_the_database_refuses_a_check_by_the_maker(noticed, approver):
    case, computed = noticed
    _raise(case, approver, computed)
    check = AmountCheck.objects.get(case=case)
    with pytest.raises(IntegrityError), transaction.atomic():
        AmountCheck.objects.filter(pk=check.pk).update(state="accepted", checked_by=approver, checked_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        AmountCheck.objects.create(
            case=case, region_code=case.region_code, amount=1, reason="x", requested_by=approver, requested_on=TODAY
        )  # a second pending check


def test_the_second_approver_accepts_and_only_then_the_entitlement_exists(noticed, approver, approver2):
    case, computed = noticed
    _raise(case, approver, computed)
    assert [i.action for i in selectors.todo_for(user=approver2, on=TODAY) if i.case.pk == case.pk] == ["check_amount"]
    assert not [i for i in selectors.todo_for(user=approver, on=TODAY) if i.case.pk == case.pk]
    case = services.case_amount_check(actor=approver2, case=case, accept=True, note="已核实住院材料", on=TODAY)
    assert case.status == Status.APPROVED and case.amount_check_by is None
    assert case.approved_amount == computed + 100 and case.decided_by == approver
    assert Entitlement.objects.get(source_case=case).monthly_amount == computed + 100
    check = AmountCheck.objects.get(case=case)
    assert check.state == AmountCheckState.ACCEPTED and check.checked_by == approver2
    assert not [i for i in selectors.todo_for(user=approver2, on=TODAY) if i.case.pk == case.pk]


def test_the_checker_sends_it_back_with_reasons(noticed, approver, approver2):
    case, computed = noticed
    _raise(case, approver, computed)
    with pytest.raises(ValidationError) as exc:
        services.case_amount_check(actor=approver2, case=case, accept=False, note=" ", on=TODAY)
    assert "note" in exc.value.message_dict
    case = services.case_amount_check(actor=approver2, case=case, accept=False, note="护理费应走临时救助", on=TODAY)
    assert case.status == Status.NOTICE and case.amount_check_by is None and not Entitlement.objects.exists()
    assert AmountCheck.objects.get(case=case).state == AmountCheckState.RETURNED
    case = services.case_confirm(actor=approver, case=case, on=TODAY)  # decided again, at the computed amount
    assert case.status == Status.APPROVED and case.approved_amount == computed


def test_when_nothing_was_computed_the_township_amount_is_the_reference(noticed, approver, approver2, monkeypatch):
    case, _computed = noticed
    from jiuzhu.cases.services import decision

    real = decision.engine_for_case

    def nothing(**kw):  # a programme the engine has no amount for
        return dataclasses.replace(real(**kw), amount=None)

    monkeypatch.setattr(decision, "engine_for_case", nothing)
    assert decision.engine_for_case(case=case, on=TODAY).amount is None
    case = services.case_confirm(
        actor=approver, case=case, amount=Decimal("900.00"), override_reason="按实际", on=TODAY
    )
    assert case.amount_check_by == approver and AmountCheck.objects.get(case=case).reference == Decimal("800.00")


def test_a_checker_outside_the_region_gets_404(noticed, approver, county, client):
    from jiuzhu.regions.services import region_ensure

    case, computed = noticed
    _raise(case, approver, computed)
    other_county = region_ensure(code="330728000000", name="别县")
    outsider = _user("approver_x", Role.COUNTY_APPROVER, other_county)
    response = client.post(
        f"/api/cases/{case.pk}/check-amount", {"accept": True}, content_type="application/json", **bearer(outsider)
    )
    assert response.status_code == 404 and response.json()["code"]
    assert Case.objects.get(pk=case.pk).amount_check_by == approver


def test_the_api_path(noticed, approver, approver2, client):
    case, computed = noticed
    url = f"/api/cases/{case.pk}"
    raised = client.post(
        f"{url}/confirm",
        {"amount": str(computed + 100), "override_reason": "重病住院"},
        content_type="application/json",
        **bearer(approver),
    )
    assert raised.status_code == 200, raised.content
    assert raised.json()["status"] == "notice" and raised.json()["amount_check_pending"] is True
    assert "check_amount" not in raised.json()["next_steps"]
    mine = client.post(f"{url}/check-amount", {"accept": True}, content_type="application/json", **bearer(approver))
    assert mine.status_code == 403 and "复核" in mine.json()["message"]
    again = client.post(f"{url}/confirm", {}, content_type="application/json", **bearer(approver))
    assert again.status_code == 409 and again.json()["code"] == "illegal_step"
    read = client.get(url, **bearer(approver2))
    assert "check_amount" in read.json()["next_steps"]
    no_reason = client.post(
        f"{url}/check-amount", {"accept": False}, content_type="application/json", **bearer(approver2)
    )
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "invalid"
    ok = client.post(
        f"{url}/check-amount", {"accept": True, "note": "核实"}, content_type="application/json", **bearer(approver2)
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved" and ok.json()["amount_check_pending"] is False
    assert Entitlement.objects.get(source_case_id=case.pk).monthly_amount == computed + 100


def test_the_decision_page_offers_the_check_to_the_second_approver_only(noticed, approver, approver2, client):
    case, computed = noticed
    _raise(case, approver, computed)
    client.force_login(approver)
    page = client.get(f"/cases/{case.pk}/decide/").content.decode()
    assert 'id="amount-check"' in page and 'id="check-form"' not in page and 'id="confirm-form"' not in page
    client.force_login(approver2)
    page = client.get(f"/cases/{case.pk}/decide/").content.decode()
    assert 'id="check-form"' in page and "重病住院，另加护理费" in page
    todo = client.get("/cases/").content.decode()
    assert "复核确认金额" in todo and case.number in todo
    response = client.post(
        f"/cases/{case.pk}/step/check_amount/", {"check_amount-decision": "return", "check_amount-note": ""}
    )
    assert response.status_code == 422 and AmountCheck.objects.get(case=case).state == AmountCheckState.PENDING
    response = client.post(
        f"/cases/{case.pk}/step/check_amount/", {"check_amount-decision": "accept", "check_amount-note": "同意"}
    )
    assert response.status_code == 302 and Case.objects.get(pk=case.pk).status == Status.APPROVED
