"""The charity pages, each tried by the people who may and may not use them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from jiuzhu.accounts.models import User
from jiuzhu.charity import services
from jiuzhu.charity.models import Disbursement, DisbursementStatus, Donation, Fund, Purpose
from jiuzhu.charity.tests.conftest import D
from jiuzhu.registry.models import Household

pytestmark = pytest.mark.django_db

PAGES = ["", "donations/", "donors/", "campaigns/", "disbursements/", "needs/", "account/"]


def test_every_page_opens_for_the_officer_and_the_auditor_and_none_for_a_township(
    client: Client, charity_officer: User, auditor: User, caseworker_a: User, standards: Any
) -> None:
    for user, expected in ((charity_officer, 200), (auditor, 200), (caseworker_a, 403)):
        client.force_login(user)
        for page in PAGES:
            assert client.get(f"/charity/{page}").status_code == expected, (user.username, page)


def test_the_officer_records_a_donation_from_the_page(client: Client, charity_officer: User, standards: Any) -> None:
    client.force_login(charity_officer)
    response = client.post(
        "/charity/donations/new/",
        {"kind": "money", "amount": "1500.00", "received_on": "2026-05-15", "purpose": "education"},
    )
    assert response.status_code == 302
    donation = Donation.objects.get()
    assert Fund.objects.get(purpose=Purpose.EDUCATION).balance == Decimal("1500.00")
    assert donation.receipt_number in client.get("/charity/donations/").content.decode()


def test_a_bad_amount_says_so_and_records_nothing(client: Client, charity_officer: User, standards: Any) -> None:
    client.force_login(charity_officer)
    response = client.post(
        "/charity/donations/new/", {"kind": "money", "amount": "-5", "received_on": "2026-05-15", "purpose": "general"}
    )
    assert response.status_code == 422
    assert "金额" in response.content.decode()
    assert not Donation.objects.exists()


def test_propose_approve_pay_through_the_pages(
    client: Client, charity_officer: User, approver: User, family_a: Household, standards: Any
) -> None:
    services.donation_record(actor=charity_officer, amount="3000", received_on=D, purpose=Purpose.MEDICAL)
    client.force_login(charity_officer)
    assert "提出慈善支出" in client.get(f"/registry/households/{family_a.pk}/").content.decode()
    response = client.post(
        "/charity/disbursements/new/",
        {"household": family_a.number, "category": "medical", "amount": "5000", "reason": "住院"},
    )
    assert response.status_code == 422 and "资金余额不足" in response.content.decode()
    response = client.post(
        "/charity/disbursements/new/",
        {"household": family_a.number, "category": "medical", "amount": "1200", "reason": "住院"},
    )
    d = Disbursement.objects.get()
    assert response.status_code == 302
    page = client.get(f"/charity/disbursements/{d.pk}/").content.decode()
    assert 'id="approve"' not in page  # the proposer sees no approve button
    client.post(f"/charity/disbursements/{d.pk}/approve/")
    assert Disbursement.objects.get().status == DisbursementStatus.PROPOSED
    client.force_login(approver)
    assert "待我审批的慈善支出" in client.get("/").content.decode()
    client.post(f"/charity/disbursements/{d.pk}/approve/")
    assert Disbursement.objects.get().status == DisbursementStatus.APPROVED
    client.force_login(charity_officer)
    client.post(f"/charity/disbursements/{d.pk}/pay/", {"note": "转账"})  # paid today
    assert Disbursement.objects.get().status == DisbursementStatus.PAID
    panel = client.get(f"/registry/households/{family_a.pk}/").content.decode()
    assert d.number in panel and "1,200.00" in panel


def test_a_household_outside_scope_cannot_be_picked(
    client: Client, charity_officer: User, family_a: Household, standards: Any
) -> None:
    client.force_login(charity_officer)
    response = client.post(
        "/charity/needs/new/",
        {"household": "99999999999999999", "title": "学费", "purpose": "education", "target": "100"},
    )
    assert response.status_code == 422 and "找不到户编号" in response.content.decode()


def test_exports_are_xlsx(client: Client, charity_officer: User, standards: Any) -> None:
    services.donation_record(actor=charity_officer, amount="10", received_on=D)
    client.force_login(charity_officer)
    for url in (
        "/charity/donations/?export=xlsx",
        "/charity/disbursements/?export=xlsx",
        "/charity/account/?year=2026&export=xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]


def test_the_pages_speak_english_when_asked(client: Client, charity_officer: User, standards: Any) -> None:
    import re

    services.donation_record(actor=charity_officer, amount="10", received_on=D)
    client.force_login(charity_officer)
    client.cookies["django_language"] = "en"
    for page in PAGES:
        html = client.get(f"/charity/{page}").content.decode()
        main = html[html.index('<main class="page">') : html.index("</main>")]
        # Data (names, campaign titles) may be Chinese; the page's own words may not.
        assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"<td>[^<]*</td>|<option[^>]*>[^<]*</option>", "", main)), page
    assert "Record a donation" in client.get("/charity/donations/").content.decode()


def test_a_donor_phone_is_masked_and_revealed_only_to_the_granted_with_a_log(
    client: Client, charity_officer: User, approver: User, standards: Any
) -> None:
    from jiuzhu.core.models import AuditEntry

    donor = services.donor_create(actor=charity_officer, name="陈国良", phone="13805711000")
    client.force_login(charity_officer)
    html = client.get("/charity/donors/").content.decode()
    assert "138****1000" in html and "13805711000" not in html
    assert client.post(f"/charity/donors/{donor.pk}/reveal/").status_code == 403
    client.force_login(approver)  # granted can_reveal_pii
    assert "hx-post" in client.get("/charity/donors/").content.decode()
    response = client.post(f"/charity/donors/{donor.pk}/reveal/")
    assert "13805711000" in response.content.decode()
    assert AuditEntry.objects.filter(action="reveal", object_type="charity_donor").count() == 1
