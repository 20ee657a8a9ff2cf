import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from jiuzhu.cases import services as case_services
from jiuzhu.cases.models import Notice, NoticeEntry
from jiuzhu.core.pii import mask_name
from jiuzhu.portal.tests.conftest import application
from jiuzhu.portal.tests.pii import crawl, leaks
from jiuzhu.registry.models import Household, Person, Relation


@pytest.fixture
def notice(standards, make_household, caseworker_a):
    hh = make_household(
        standards.village_a2, [("周德福", dt.date(1955, 4, 4), Relation.SELF, {})], address="花溪村中街 7 号",
        phone="13700002222",
    )  # fmt: skip
    case = case_services.case_submit(
        actor=caseworker_a, household=hh, program="dibao_rural", applicant=hh.members.get()
    )
    today = dt.date.today()
    n = Notice.objects.create(
        number="GS-1", village=standards.village_a2, region_code=standards.village_a2.code,
        start_date=today - dt.timedelta(days=2), end_date=today + dt.timedelta(days=5),
    )  # fmt: skip
    NoticeEntry.objects.create(
        notice=n, case=case, masked_name=mask_name("周德福"), household_size=1, program_name="农村最低生活保障",
        amount=Decimal("396.00"),
    )  # fmt: skip
    return n


def test_home_shows_the_standards_in_force_and_the_forms(client, standards):
    html = client.get(reverse("portal:home")).content.decode()
    assert "安文街道" in html and "528" in html and "396" in html
    assert reverse("portal:form_pdf", args=["dibao_rural"]) in html


def test_the_forms_download(client, standards):
    pdf = client.get(reverse("portal:form_pdf", args=["dibao_rural"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("portal:declaration_xlsx"))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert client.get(reverse("portal:form_pdf", args=["nonsense"])).status_code == 404


def test_notices_browse_from_township_to_village_to_notice(client, notice):
    html = client.get(reverse("portal:villages")).content.decode()
    assert reverse("portal:village", args=[notice.village.code]) in html
    html = client.get(reverse("portal:village", args=[notice.village.code])).content.decode()
    assert reverse("portal:notice", args=[notice.public_id]) in html
    html = client.get(reverse("portal:notice", args=[notice.public_id])).content.decode()
    assert "周*福" in html and "周德福" not in html
    # The old public address still works.
    assert client.get(reverse("cases:notice_public", args=[notice.public_id])).status_code == 200
    assert client.get(reverse("portal:notice_pdf", args=[notice.public_id])).content.startswith(b"%PDF")


def test_the_standing_publication_shows_name_masked_persons_and_amount(client, paid_household):
    html = client.get(reverse("portal:village", args=[paid_household.region_code])).content.decode()
    assert "孙*伟" in html and "780.00" in html
    row = html.split("孙*伟")[1].split("</tr>")[0]
    assert ">2<" in row
    assert "孙大伟" not in html and "李秀兰" not in html and "上街 18 号" not in html


def test_a_stopped_entitlement_is_not_published(client, paid_household, approver):
    from jiuzhu.payments.services import entitlement_stop

    ent = paid_household.entitlements.get()
    entitlement_stop(actor=approver, entitlement=ent, reason="收入超过标准", on=dt.date.today() - dt.timedelta(days=40))
    html = client.get(reverse("portal:village", args=[paid_household.region_code])).content.decode()
    assert "孙*伟" not in html


def test_an_unknown_village_is_404(client, standards):
    assert client.get(reverse("portal:village", args=["330727999999"])).status_code == 404
    assert client.get(reverse("portal:village", args=[standards.township_a.code])).status_code == 404


def test_no_public_page_shows_an_id_number_a_phone_a_full_name_or_an_address(client, notice, paid_household):
    """Crawls every portal page reachable from the home page, plus the pages after an application and a status
    lookup, and looks for anything personal of any household in the database."""
    done = client.post(reverse("portal:apply"), application(notice.village.code)).content.decode()
    number = done.split('id="case-number">')[1].split("<")[0]
    code = done.split('id="query-code">')[1].split("<")[0]
    pages = crawl(client)
    assert len(pages) >= 6
    pages["apply_done"] = done
    pages["status"] = client.post(reverse("portal:status"), {"number": number, "code": code}).content.decode()
    assert Person.objects.count() >= 5 and Household.objects.exclude(address="").exists()
    for url, html in pages.items():
        assert leaks(html) == [], url
