"""The timeliness and reserve-fund pages: right numbers, and a fixed number of queries however many
townships and cases there are."""

import datetime as dt
from decimal import Decimal

from jiuzhu.cases import selectors, services
from jiuzhu.cases.models import Case, Status
from jiuzhu.cases.tests.conftest import TODAY
from jiuzhu.core.workdays import workdays_between
from jiuzhu.regions.services import region_ensure


def _more_townships(n):
    for i in range(n):
        region_ensure(code=f"33072711{i}000", name=f"测试镇{i}")


def test_timeliness_counts_per_township_in_a_fixed_number_of_queries(new_case, approver, django_assert_max_num_queries):
    decided = new_case()
    Case.objects.filter(pk=decided.pk).update(
        status=Status.APPROVED,
        accepted_at=dt.date(2025, 5, 6),
        decided_at=dt.date(2025, 6, 30),
        overall_due=dt.date(2025, 6, 17),
    )
    still_open = new_case("dibao_rural")
    Case.objects.filter(pk=still_open.pk).update(due_date=dt.date(2025, 6, 1))
    _more_townships(6)
    with django_assert_max_num_queries(5):
        rows = selectors.timeliness(user=approver, on=TODAY)
    a = next(r for r in rows if r.township.name == "安文街道")
    assert (a.decided, a.late_decisions, a.open_cases, a.overdue_open) == (1, 1, 1, 1)
    assert a.median_days == workdays_between(dt.date(2025, 5, 6), dt.date(2025, 6, 30))
    b = next(r for r in rows if r.township.name == "尖山镇")
    assert (b.decided, b.open_cases, b.median_days) == (0, 0, None)


def test_the_reserve_fund_page_reads_every_balance_at_once(client, approver, county, django_assert_max_num_queries):
    services.reserve_fund_topup(actor=approver, township=county.township_a, amount=Decimal("5000"))
    _more_townships(6)
    client.force_login(approver)
    with django_assert_max_num_queries(12):
        html = client.get(f"/cases/reserve-fund/?township={county.township_a.code}").content.decode()
    assert "5,000.00" in html or "5000.00" in html
    assert {t.code: b for t, b in selectors.reserve_townships(user=approver)}[county.township_a.code] == Decimal(
        "5000.00"
    )


def test_a_refused_topup_shows_the_reason_beside_the_field_not_a_dict(client, approver, county):
    client.force_login(approver)
    response = client.post("/cases/reserve-fund/", {"township": county.township_a.code, "amount": "0", "note": ""})
    html = response.content.decode()
    assert response.status_code == 422
    assert "拨付金额应大于 0" in html and "{&#x27;amount&#x27;" not in html and "{'amount'" not in html
