from django.urls import reverse

from jiuzhu.charity.selectors import public_account


def test_the_charity_page_shows_the_public_account(client, standards):
    response = client.get(reverse("portal:charity"))
    assert response.status_code == 200
    html = response.content.decode()
    account = public_account()
    assert f"{account.received:,.2f}" in html and "按用途" in html


def test_a_nonsense_year_falls_back_to_this_year(client, standards):
    assert client.get(reverse("portal:charity"), {"year": "abc"}).status_code == 200
    assert client.get(reverse("portal:charity"), {"year": "99999"}).status_code == 200
