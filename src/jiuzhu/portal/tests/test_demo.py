"""The demo county's portal: online applications on the townships' to-do lists, notices and the standing
publication by village, the charity account; and not one page of it shows anything personal."""

from io import StringIO

import pytest
from django.core.management import call_command

from jiuzhu.cases.models import Case, Channel, Status
from jiuzhu.payments.models import Entitlement
from jiuzhu.portal.tests.pii import crawl, leaks


@pytest.mark.django_db
def test_the_demo_portal_shows_the_county_and_nothing_personal(client):
    call_command("demo", no_serve=True, households=150, seed=5, stdout=StringIO(), stderr=StringIO())
    online = Case.objects.filter(channel=Channel.ONLINE).exclude(query_code_hash="")
    assert online.count() >= 3 and set(online.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert all(c.documents.exists() and c.query_code_hash for c in online)
    pages = crawl(client)
    assert any("/public/notices/" in url for url in pages)
    published = next(e for e in Entitlement.objects.select_related("household"))
    assert f"/public/villages/{published.region_code}/" in pages
    for url, html in pages.items():
        assert leaks(html) == [], url
