"""Amounts a person enters are bounded (issue #11 item 9): by what the database can hold and by the
programme's cap, a dated regional parameter (case.money.cap.<programme>) the county may change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jiuzhu.cases import services
from jiuzhu.cases.models import Case, Status
from jiuzhu.cases.tests.conftest import TODAY, at_state
from jiuzhu.cases.tests.test_api import bearer
from jiuzhu.payments.models import Entitlement


def test_a_confirmation_above_the_programmes_cap_is_refused(new_case, head_a, approver):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    with pytest.raises(ValidationError, match="确认上限 20000"):
        services.case_confirm(actor=approver, case=case, amount=Decimal("20000.01"), override_reason="误录", on=TODAY)
    assert Case.objects.get(pk=case.pk).status == Status.NOTICE
    assert not Entitlement.objects.exists()


def test_an_amount_beyond_what_the_database_holds_is_refused(new_case, head_a, approver):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    with pytest.raises(ValidationError, match="可记录的范围"):
        services.case_confirm(
            actor=approver, case=case, amount=Decimal("35406163257043984"), override_reason="x", on=TODAY
        )


def test_the_township_opinion_is_bounded_by_the_same_cap(new_case, head_a):
    case = at_state(new_case(), Status.CHECKED)
    with pytest.raises(ValidationError, match="确认上限"):
        services.case_township_opinion(actor=head_a, case=case, recommend=True, text="属实", amount=Decimal("99999"),
                                       on=TODAY)  # fmt: skip


def test_the_cap_is_the_regions_dated_parameter(new_case, head_a, approver, county, admin):
    from jiuzhu.policy.models import Parameter

    Parameter.objects.create(
        region=county.county, key="case.money.cap.dibao_urban", value="500", effective_from=TODAY.replace(day=1),
        source="县民政局通知（测试）",
    )  # fmt: skip
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    with pytest.raises(ValidationError, match="确认上限 500"):
        services.case_confirm(actor=approver, case=case, amount=Decimal("600"), override_reason="调整", on=TODAY)


def test_the_api_answers_an_amount_over_the_cap_with_a_422(client, new_case, head_a, approver):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    response = client.post(f"/api/cases/{case.pk}/confirm", {"amount": "25000", "override_reason": "x"},
                           content_type="application/json", **bearer(approver))  # fmt: skip
    assert response.status_code == 422 and "确认上限" in response.json()["message"]
