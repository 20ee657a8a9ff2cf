import re

from django.urls import reverse

from jiuzhu.grievances import services as grievance_services
from jiuzhu.grievances.models import Channel, Grievance
from jiuzhu.portal.tests.conftest import shown

URL = reverse("portal:complaint")
STATUS = reverse("portal:complaint_status")


def _complaint(region_code: str, **extra):
    data = {
        "kind": "report",
        "topic": "favoritism",
        "region": region_code,
        "content": "村干部的亲戚家里有车有房，还在吃低保。",
        "anonymous": "on",
        "contact_name": "",
        "contact_phone": "",
        "website": "",
        "shown": shown(),
    }
    return data | extra


def _filed(client, region_code: str, **extra) -> tuple[str, str]:
    html = client.post(URL, _complaint(region_code, **extra)).content.decode()
    number = re.search(r'id="grievance-number">([^<]+)<', html).group(1)
    code = re.search(r'id="grievance-code">([^<]+)<', html).group(1)
    return number, code


def test_an_anonymous_report_reaches_the_desk_and_its_answer_comes_back(client, standards, approver, caseworker_a):
    number, code = _filed(client, standards.village_a2.code)
    g = Grievance.objects.get(number=number)
    assert g.channel == Channel.PORTAL and g.anonymous and g.contact_name == ""
    before = client.post(STATUS, {"number": number, "code": code}).content.decode()
    assert 'id="grievance-result"' in before and 'id="grievance-answer"' not in before
    g = grievance_services.grievance_assign(actor=approver, grievance=g, region=standards.township_a)
    g = grievance_services.grievance_investigate(actor=caseworker_a, grievance=g)
    grievance_services.grievance_answer(actor=caseworker_a, grievance=g, answer="经入户核查，已停发该户低保。")
    after = client.post(STATUS, {"number": number, "code": code}).content.decode()
    assert "经入户核查，已停发该户低保。" in after


def test_a_named_complaint_keeps_its_contact_for_the_desk_only(client, standards):
    named = {"anonymous": "", "contact_name": "钱多多", "contact_phone": "13912340000", "kind": "complaint"}
    number, code = _filed(client, standards.township_a.code, **named)
    g = Grievance.objects.get(number=number)
    assert g.contact_name == "钱多多" and g.contact_phone_masked.endswith("0000")
    html = client.post(STATUS, {"number": number, "code": code}).content.decode()
    assert "钱多多" not in html and "13912340000" not in html


def test_a_wrong_code_reveals_nothing(client, standards):
    number, _code = _filed(client, standards.village_a2.code)
    html = client.post(STATUS, {"number": number, "code": "WRONG999"}).content.decode()
    assert 'id="grievance-none"' in html and "村干部" not in html


def test_a_named_complaint_without_a_name_is_refused_on_the_form(client, standards):
    response = client.post(URL, _complaint(standards.village_a2.code, anonymous=""))
    assert response.status_code == 400
    assert "实名反映请填写联系人姓名" in response.content.decode()
    assert not Grievance.objects.exists()


def test_complaints_are_rate_limited(client, standards, settings):
    settings.PORTAL_RATE_LIMITS = {"complaint": (2, 3600)}
    codes = [client.post(URL, _complaint(standards.village_a2.code)).status_code for _ in range(3)]
    assert codes == [200, 200, 429] and Grievance.objects.count() == 2


def test_a_robot_is_refused(client, standards):
    assert client.post(URL, _complaint(standards.village_a2.code, website="x")).status_code == 400
    assert client.post(URL, _complaint(standards.village_a2.code, shown=shown(0))).status_code == 400
    assert not Grievance.objects.exists()


def test_the_complainant_rates_the_answer(client, standards, caseworker_a):
    number, code = _filed(client, standards.village_a2.code, kind="inquiry", topic="policy")
    g = Grievance.objects.get(number=number)
    grievance_services.grievance_answer(actor=caseworker_a, grievance=g, answer="请携带身份证到乡镇窗口申请。")
    html = client.post(STATUS, {"number": number, "code": code}).content.decode()
    assert 'id="feedback-form"' in html
    html = client.post(STATUS, {"number": number, "code": code, "satisfaction": "dissatisfied", "comment": "太慢"})
    assert 'id="feedback-done"' in html.content.decode()
    assert Grievance.objects.get(pk=g.pk).satisfaction == "dissatisfied"
    # A wrong code rates nothing.
    client.post(STATUS, {"number": number, "code": "WRONG999", "satisfaction": "satisfied"})
    assert Grievance.objects.get(pk=g.pk).satisfaction == "dissatisfied"
