"""在保对象名册 (issue #10: "no list of who is paid"): current recipients by programme, township and status,
with totals and an export, inside the user's scope."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from jiuzhu.core.models import AuditEntry
from jiuzhu.payments import services

D = dt.date.fromisoformat


def _page(client, **params):
    params.setdefault("month", "2026-11")
    html = client.get("/payments/recipients/", params).content.decode()
    return html


def test_the_county_sees_every_recipient_of_the_month_with_totals(client, approver, paying):
    client.force_login(approver)
    html = _page(client)
    for ent in paying.values():
        assert ent.household.number in html
    # 528 + 396.50 + 800 + 100 + 396, five entitlements of four households, one person each
    assert "共 4 户 5 人" in html and "2,220.50" in html


def test_filters_by_programme_township_status_and_name(client, approver, paying, county):
    client.force_login(approver)
    html = _page(client, program="tekun")
    assert paying["a2_tekun"].household.number in html and paying["a1"].household.number not in html
    html = _page(client, region=county.township_b.prefix)
    assert paying["b1"].household.number in html and paying["a1"].household.number not in html
    html = _page(client, q="赵")
    assert paying["a3"].household.number in html and paying["b1"].household.number not in html
    # October: the two entitlements starting in November are not yet paid
    html = _page(client, month="2026-10")
    assert "共 3 户 3 人" in html


def test_gradual_exit_suspended_and_stopped_are_their_own_lists(client, approver, paying):
    services.entitlement_gradual_exit(
        actor=approver, entitlement=paying["a1"], months=3, reason="务工收入超过标准", on=D("2026-11-05")
    )
    services.entitlement_suspend(actor=approver, entitlement=paying["a3"], reason="外出未联系上", on=D("2026-10-20"))
    services.entitlement_stop(actor=approver, entitlement=paying["b1"], reason="家庭收入超过标准", on=D("2026-10-15"))
    client.force_login(approver)
    gradual = _page(client, status="gradual", month="2026-12")
    assert paying["a1"].household.number in gradual and "渐退期至 2027-02" in gradual
    suspended = _page(client, status="suspended")
    assert paying["a3"].household.number in suspended and paying["a1"].household.number not in suspended
    stopped = _page(client, status="stopped")
    assert paying["b1"].household.number in stopped and "2026-10 起停保" in stopped
    paying_now = _page(client)
    assert paying["b1"].household.number not in paying_now and paying["a3"].household.number not in paying_now


def test_an_amount_change_is_not_a_stop(client, approver, paying):
    services.entitlement_change_amount(
        actor=approver, entitlement=paying["a3"], monthly_amount=Decimal("150"), reason="复核调整", on=D("2026-10-20")
    )
    client.force_login(approver)
    assert paying["a3"].household.number not in _page(client, status="stopped")
    assert "150.00" in _page(client)


def test_a_township_sees_only_its_own_and_the_clerk_cannot_export(client, caseworker_b, clerk_a, paying):
    client.force_login(caseworker_b)
    html = _page(client)
    assert paying["b1"].household.number in html and paying["a1"].household.number not in html
    client.force_login(clerk_a)  # 云山社区: only a1
    html = _page(client)
    assert paying["a1"].household.number in html and paying["a2"].household.number not in html
    assert client.get("/payments/recipients/export.xlsx").status_code == 403


def test_the_export_holds_the_filtered_list_and_is_audited(client, caseworker_a, paying):
    client.force_login(caseworker_a)
    response = client.get("/payments/recipients/export.xlsx", {"month": "2026-11", "program": "dibao_rural"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("户编号", "户主", "所属村（社区）", "救助项目")
    assert sorted(r[0] for r in rows[1:]) == sorted([paying["a2"].household.number, paying["a3"].household.number])
    assert AuditEntry.objects.filter(action="export", object_type="entitlement").exists()


def test_nonsense_parameters_fall_back_instead_of_failing(client, approver, paying):
    client.force_login(approver)
    response = client.get("/payments/recipients/", {"month": "2026-99", "status": "x", "region": "abc", "page": "-1"})
    assert response.status_code == 200


def test_in_english_the_programmes_are_named_in_english_on_the_page_and_in_the_export(client, approver, paying):
    """The English roster showed 农村最低生活保障: the programme label was not translated."""
    client.force_login(approver)
    client.cookies["django_language"] = "en"
    html = _page(client, program="dibao_rural")
    assert "Rural minimum living allowance" in html and "农村最低生活保障" not in html
    assert "persons; monthly total" in html  # not the Chinese comma between them
    response = client.get("/payments/recipients/export.xlsx", {"month": "2026-11", "program": "dibao_rural"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert {r[3] for r in rows[1:]} == {"Rural minimum living allowance (dibao)"}


def test_the_start_is_when_the_household_began_not_its_last_change(client, approver, paying):
    """A 提标 or a review ends one link of an entitlement and starts the next: the roster's 起始月份 is when the
    household began to draw the programme (the first link), on the page and in the export."""
    began = paying["a3"].start_month
    services.entitlement_change_amount(
        actor=approver, entitlement=paying["a3"], monthly_amount=Decimal("150"), reason="复核调整", on=D("2026-10-20")
    )
    client.force_login(approver)
    number = paying["a3"].household.number
    html = _page(client, q=number)
    assert "150.00" in html and f"<td>{began:%Y-%m}</td>" in html and "<td>2026-11</td>" not in html
    response = client.get("/payments/recipients/export.xlsx", {"month": "2026-11", "q": number})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert [r[6] for r in rows[1:]] == [f"{began:%Y-%m}"]
