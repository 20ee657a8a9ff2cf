"""The application form as on paper (issue #10): the head is the applicant unless changed; 临时救助类型 and 单人保
belong to their programmes; the township head sees the computed amount before leaving it empty."""

from jiuzhu.cases.forms import CaseCreateForm
from jiuzhu.cases.models import Status
from jiuzhu.cases.tests.conftest import at_state


def test_the_head_is_the_default_applicant_and_programme_fields_are_marked(dibao_household):
    form = CaseCreateForm(household=dibao_household)
    head = dibao_household.members.get(relation="self")
    assert form.fields["applicant"].initial == head.pk
    html = form.as_p()
    assert 'data-when-program="linshi"' in html and 'data-when-program="dibao_urban dibao_rural"' in html


def test_the_township_head_sees_the_computed_amount(client, new_case, head_a):
    case = at_state(new_case(), Status.CHECKED)
    client.force_login(head_a)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="township_opinion-amount"' in html
    assert "系统测算：" in html and "元/月" in html
