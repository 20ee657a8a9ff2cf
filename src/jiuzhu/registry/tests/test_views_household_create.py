from django.urls import reverse

from jiuzhu.conftest import PASSWORD, id_for
from jiuzhu.registry.models import Household

FORM = {
    "area": "rural",
    "address": "花溪村3组",
    "deposits": "0",
    "vehicles": "0",
    "homes": "1",
    "bank_name": "",
    "notes": "",
    "phone": "",
    "bank_account": "",
    "head_name": "周桂兰",
}


def test_a_village_clerk_registers_a_household_in_her_village(client, county, clerk_a):
    import datetime as dt

    client.login(username="clerk_a", password=PASSWORD)
    response = client.post(
        reverse("registry:household_create"),
        FORM | {"village": county.village_a1.pk, "head_id_number": id_for(dt.date(1955, 5, 5))},
    )
    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/households/{household.pk}/")
    assert household.head_name == "周桂兰" and household.region == county.village_a1


def test_a_wrong_id_number_is_refused_with_the_reason_and_nothing_is_written(client, county, clerk_a):
    client.login(username="clerk_a", password=PASSWORD)
    response = client.post(
        reverse("registry:household_create"),
        FORM | {"village": county.village_a1.pk, "head_id_number": "330727195505050010"},
    )
    assert response.status_code == 200
    assert "校验码错误" in response.content.decode()
    assert not Household.objects.exists()


def test_a_clerk_cannot_register_in_another_village(client, county, clerk_a):
    import datetime as dt

    client.login(username="clerk_a", password=PASSWORD)
    response = client.post(
        reverse("registry:household_create"),
        FORM | {"village": county.village_b1.pk, "head_id_number": id_for(dt.date(1955, 5, 5))},
    )
    assert response.status_code == 200 and not Household.objects.exists()


def test_read_only_roles_cannot_open_the_form(client, county, auditor):
    client.login(username="auditor", password=PASSWORD)
    assert client.get(reverse("registry:household_create")).status_code == 403
