"""受理 or not (issue #10): 一次性告知补正材料, the supplement that returns the case to the caseworker with the
受理 time limit counted from complete materials, and 不予受理 with written reasons — services, the to-do
list, the case page, the papers, the API and the public status answer."""

import datetime as dt
import shutil

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse

from jiuzhu.accounts.services import api_token_create
from jiuzhu.cases import deadlines, documents, selectors, services
from jiuzhu.cases.models import Case, CaseEvent, Status
from jiuzhu.cases.querycode import query_code_hash
from jiuzhu.cases.tests.conftest import TODAY
from jiuzhu.cases.workflow import step_allowed
from jiuzhu.core.models import AuditEntry
from jiuzhu.core.tests.test_pdf import ink_ratio, rasterise
from jiuzhu.core.workdays import add_workdays
from jiuzhu.policy.services import parameter_add
from jiuzhu.registry.models import Relation

ASKED_ON = TODAY - dt.timedelta(days=14)


def ask(case, user, on=ASKED_ON, items=("id_cards", "income"), other="残疾证复印件"):
    return services.case_request_supplement(actor=user, case=case, items=list(items), other=other, on=on)


@pytest.fixture
def printed(monkeypatch):
    """The words each rendered paper was given (title and blocks), while the real PDF is still made: poppler may
    be missing here, and with it text extraction. Where it is installed, var/screenshots/ gets a PNG too."""
    words: list[str] = []
    real = documents.render_pdf

    def spy(*, title, subtitle="", blocks):
        words.append(str(title))
        for b in blocks:
            for value in vars(b).values():
                items = value if isinstance(value, (list, tuple)) else [value]
                for item in items:
                    words.extend(map(str, item) if isinstance(item, (list, tuple)) else [str(item)])
        return real(title=title, subtitle=subtitle, blocks=blocks)

    monkeypatch.setattr(documents, "render_pdf", spy)
    return words


def looked_at(data: bytes, tmp_path, name: str) -> None:
    assert data.startswith(b"%PDF") and b"FontFile" in data  # the CJK font embedded
    if shutil.which("pdftoppm"):
        assert ink_ratio(rasterise(data, tmp_path, name)) > 0.005


# ── services ──


def test_the_caseworker_tells_once_everything_missing_and_the_case_waits_until_the_parameters_day(
    new_case, caseworker_a
):
    case = ask(new_case(), caseworker_a)
    assert case.status == Status.SUPPLEMENT
    request = case.supplements.get()
    assert request.items == ["id_cards", "income"] and request.other == "残疾证复印件"
    assert request.due == add_workdays(ASKED_ON, 10) == case.due_date  # shipped: 10 working days
    assert [label for _c, label in selectors.supplement_labels(case, request)] == [
        "家庭成员身份证、户口簿",
        "家庭收入情况说明",
        "残疾证复印件",
    ]
    event = case.events.last()
    assert event.action == "request_supplement" and "家庭收入情况说明" in event.note
    assert AuditEntry.objects.filter(object_type="case", object_id=str(case.pk), summary__contains="补正").exists()


def test_the_supplement_deadline_is_the_townships_dated_parameter(new_case, caseworker_a, admin, standards):
    parameter_add(
        actor=admin,
        region=standards.township_a,
        key="case.days.supplement",
        value="5",
        effective_from=ASKED_ON - dt.timedelta(days=1),
        source="测试：本镇 5 个工作日",
    )
    case = ask(new_case(), caseworker_a)
    assert case.due_date == add_workdays(ASKED_ON, 5)
    assert deadlines.days("case.days.supplement", region_code=standards.village_b1.code, on=ASKED_ON) == 10


@pytest.mark.parametrize(
    ("items", "other", "field"), [((), "", "items"), ((), "   ", "items"), (("passport",), "", "items")]
)
def test_a_request_names_known_materials_or_says_what_in_words(new_case, caseworker_a, items, other, field):
    case = new_case()
    with pytest.raises(ValidationError) as err:
        ask(case, caseworker_a, items=items, other=other)
    assert field in err.value.message_dict
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and not case.supplements.exists()


def test_the_supplement_returns_the_case_and_the_accept_limit_runs_from_complete_materials(
    new_case, clerk_a, caseworker_a
):
    case = ask(new_case(), caseworker_a)
    case = services.case_supply(
        actor=clerk_a, case=case, received=["id_cards", "income", "free_text"], note="户主送来", on=TODAY
    )
    assert case.status == Status.SUBMITTED
    assert case.due_date == deadlines.due_after(TODAY, "case.days.accept", region_code=case.region_code)
    assert case.supplements.get().supplied_on == TODAY
    assert [i.action for i in selectors.todo_for(user=caseworker_a, on=TODAY) if i.case == case] == ["accept"]
    case = services.case_accept(actor=caseworker_a, case=case, on=TODAY)
    assert case.status == Status.ACCEPTED and case.accepted_at == TODAY
    assert list(case.events.values_list("action", flat=True)) == ["submit", "request_supplement", "supply", "accept"]


def test_an_item_not_yet_brought_keeps_the_case_waiting_and_an_upload_counts_as_brought(
    new_case, clerk_a, caseworker_a
):
    case = ask(new_case(), caseworker_a, other="")
    with pytest.raises(ValidationError) as err:
        services.case_supply(actor=clerk_a, case=case, received=["id_cards"], on=TODAY)
    assert "家庭收入情况说明" in str(err.value.message_dict["received"])
    assert Case.objects.get(pk=case.pk).status == Status.SUPPLEMENT
    scan = SimpleUploadedFile("income.pdf", b"%PDF-1.4 income", content_type="application/pdf")
    services.case_document_add(actor=clerk_a, case=case, kind="income", upload=scan)
    case = services.case_supply(actor=clerk_a, case=case, received=["id_cards"], on=TODAY)
    assert case.status == Status.SUBMITTED


def test_who_may_take_which_intake_step(new_case, clerk_a, caseworker_a, head_a, approver):
    case = new_case()
    assert step_allowed(caseworker_a, case, "request_supplement") and step_allowed(caseworker_a, case, "not_accept")
    for user in (clerk_a, head_a, approver):
        assert not step_allowed(user, case, "request_supplement") and not step_allowed(user, case, "not_accept")
    with pytest.raises(PermissionDenied):
        ask(case, clerk_a)
    case = ask(case, caseworker_a)
    assert step_allowed(clerk_a, case, "supply") and step_allowed(caseworker_a, case, "supply")
    assert not step_allowed(caseworker_a, case, "accept") and not step_allowed(head_a, case, "supply")
    assert step_allowed(caseworker_a, case, "not_accept") and step_allowed(clerk_a, case, "withdraw")


def test_another_townships_caseworker_finds_no_such_case(new_case, caseworker_a, caseworker_b):
    case = new_case()
    with pytest.raises(Http404):
        ask(case, caseworker_b)
    with pytest.raises(Http404):
        services.case_not_accept(actor=caseworker_b, case=case, reason="duplicate", text="重复")
    case = ask(case, caseworker_a)
    with pytest.raises(Http404):
        services.case_supply(actor=caseworker_b, case=case, received=["id_cards", "income", "free_text"])


def test_not_accepted_is_closed_with_its_written_reasons_apart_from_refused_and_withdrawn(
    new_case, caseworker_a, clerk_a, dibao_household
):
    case = new_case()
    with pytest.raises(ValidationError) as err:
        services.case_not_accept(actor=caseworker_a, case=case, reason="", text="")
    assert set(err.value.message_dict) == {"reason", "text"}
    case = services.case_not_accept(
        actor=caseworker_a, case=case, reason="registration", text="户籍在邻县，本人未在本镇居住", on=TODAY
    )
    assert case.status == Status.NOT_ACCEPTED and case.is_closed
    assert case.not_accepted_by == caseworker_a and case.not_accepted_at == TODAY and case.decided_at is None
    assert not selectors.steps_for(user=caseworker_a, case=case) and not selectors.steps_for(user=clerk_a, case=case)
    # Closed: the household may apply again for the same programme once things change.
    again = services.case_submit(
        actor=clerk_a,
        household=dibao_household,
        program="dibao_urban",
        applicant=dibao_household.members.get(relation=Relation.SELF),
    )
    assert again.status == Status.SUBMITTED


def test_the_database_refuses_a_not_accepted_case_without_reasons(new_case):
    case = new_case()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status=Status.NOT_ACCEPTED, not_accepted_reason="other")


def test_overdue_supplement_may_be_not_accepted_only_after_its_day(new_case, caseworker_a):
    case = ask(new_case(), caseworker_a)
    due = case.supplements.get().due
    with pytest.raises(ValidationError) as err:
        services.case_not_accept(actor=caseworker_a, case=case, reason="supplement_overdue", text="未补", on=due)
    assert "reason" in err.value.message_dict
    case = services.case_not_accept(
        actor=caseworker_a, case=case, reason="supplement_overdue", text="逾期未补交收入说明", on=due + dt.timedelta(1)
    )
    assert case.status == Status.NOT_ACCEPTED


def test_the_to_do_lists_show_the_wait_and_the_overdue_supplement(new_case, clerk_a, caseworker_a, head_a):
    case = ask(new_case(), caseworker_a)
    before = case.due_date - dt.timedelta(days=1)
    after = case.due_date + dt.timedelta(days=1)
    mine = [(i.action, i.overdue) for i in selectors.todo_for(user=clerk_a, on=before) if i.case == case]
    assert mine == [("supply", False)]
    mine = [(i.action, i.overdue) for i in selectors.todo_for(user=clerk_a, on=after) if i.case == case]
    assert mine == [("supply", True)]
    theirs = [(i.action, i.overdue) for i in selectors.todo_for(user=caseworker_a, on=after) if i.case == case]
    assert theirs == [("not_accept", True)]
    assert not [i for i in selectors.todo_for(user=head_a, on=after) if i.case == case]


# ── pages ──


def _step_ids(html: str) -> set[str]:
    return {a for a in ("accept", "request_supplement", "supply", "not_accept", "withdraw") if f'id="step-{a}"' in html}


def test_each_role_sees_only_the_intake_steps_it_may_take(client, new_case, clerk_a, caseworker_a, head_a):
    case = new_case()
    url = reverse("cases:detail", args=[case.pk])
    client.force_login(caseworker_a)
    assert _step_ids(client.get(url).content.decode()) == {"accept", "request_supplement", "not_accept", "withdraw"}
    client.force_login(clerk_a)
    assert _step_ids(client.get(url).content.decode()) == {"withdraw"}
    client.force_login(head_a)
    assert _step_ids(client.get(url).content.decode()) == set()
    ask(case, caseworker_a)
    client.force_login(clerk_a)
    html = client.get(url).content.decode()
    assert _step_ids(html) == {"supply", "withdraw"}
    assert 'id="supplement"' in html and "家庭收入情况说明" in html and "残疾证复印件" in html
    client.force_login(caseworker_a)
    assert _step_ids(client.get(url).content.decode()) == {"supply", "not_accept", "withdraw"}


def test_the_case_page_asks_for_the_supplement_and_shows_the_history_in_words(client, new_case, caseworker_a):
    case = new_case()
    client.force_login(caseworker_a)
    response = client.post(
        reverse("cases:step", args=[case.pk, "request_supplement"]),
        {"request_supplement-items": ["authorization", "assets"], "request_supplement-other": ""},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.SUPPLEMENT and case.supplements.get().items == ["authorization", "assets"]
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "一次性告知补正材料" in html and "提交申请" in html
    assert "request_supplement</td>" not in html and "<td>submit</td>" not in html
    empty = client.post(reverse("cases:step", args=[case.pk, "not_accept"]), {"not_accept-reason": "duplicate"})
    assert empty.status_code == 422 and Case.objects.get(pk=case.pk).status == Status.SUPPLEMENT


def test_the_papers_print_in_chinese_and_only_for_their_state(
    client, tmp_path, printed, new_case, caseworker_a, caseworker_b
):
    case = ask(new_case(), caseworker_a)
    client.force_login(caseworker_a)
    supplement_url = reverse("cases:supplement_pdf", args=[case.pk, case.supplements.get().pk])
    looked_at(client.get(supplement_url).content, tmp_path, "cases-supplement-notice")
    text = "".join(printed)
    assert "补正材料一次性告知书" in text and "家庭收入情况说明" in text and "残疾证复印件" in text
    assert add_workdays(ASKED_ON, 10).strftime("%Y年%m月%d日") in text
    not_accepted_url = reverse("cases:not_accepted_pdf", args=[case.pk])
    assert client.get(not_accepted_url).status_code == 404
    services.case_not_accept(actor=caseworker_a, case=case, reason="duplicate", text="已有同一事项的申请在县局办理")
    printed.clear()
    response = client.get(not_accepted_url)
    assert response["Content-Type"] == "application/pdf"
    looked_at(response.content, tmp_path, "cases-not-accepted-notice")
    text = "".join(printed)
    assert "不予受理告知书" in text and "已有同一事项的申请在县局办理" in text and "重复申请" in text
    assert "安文街道人民政府" in text and "不予确认" not in text and "duplicate" not in text
    client.force_login(caseworker_b)
    assert client.get(not_accepted_url).status_code == 404
    assert client.get(supplement_url).status_code == 404


# ── API ──


def _bearer(user):
    _token, key = api_token_create(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_api_offers_the_same_intake_steps_with_json_errors(client, new_case, clerk_a, caseworker_a, caseworker_b):
    case = new_case()
    body = client.get(f"/api/cases/{case.pk}", **_bearer(caseworker_a)).json()
    assert {"accept", "request_supplement", "not_accept"} <= set(body["next_steps"])
    post = lambda path, data, user: client.post(  # noqa: E731
        f"/api/cases/{case.pk}/{path}", data, content_type="application/json", **_bearer(user)
    )
    bad = post("request-supplement", {"items": []}, caseworker_a)
    assert bad.status_code == 422 and "items" in bad.content.decode()
    assert post("request-supplement", {"items": ["income"]}, clerk_a).status_code == 403
    assert post("request-supplement", {"items": ["income"]}, caseworker_b).status_code == 404
    asked = post("request-supplement", {"items": ["income"], "other": "医疗票据"}, caseworker_a)
    assert asked.status_code == 200, asked.content
    out = asked.json()
    assert out["status"] == "supplement" and out["supplement"]["labels"] == ["家庭收入情况说明", "医疗票据"]
    assert out["supplement"]["due"] and "accept" not in out["next_steps"]
    twice = post("request-supplement", {"items": ["income"]}, caseworker_a)
    assert twice.status_code == 409 and twice.json()["code"] == "illegal_step"
    short = post("supply", {"received": ["income"]}, clerk_a)
    assert short.status_code == 422 and "医疗票据" in short.json()["errors"]["received"][0]
    supplied = post("supply", {"received": ["income", "free_text"]}, clerk_a)
    assert supplied.status_code == 200 and supplied.json()["status"] == "submitted"
    refused = post("not-accept", {"reason": "not_applicable", "text": "申请事项属于临时救助"}, caseworker_a)
    assert refused.status_code == 200
    assert refused.json()["status"] == "not_accepted" and refused.json()["not_accepted_reason"] == "not_applicable"
    assert refused.json()["status_label"] == "不予受理"


# ── the public status answer ──


def _with_code(case, code="K7Q2M9XP"):
    Case.objects.filter(pk=case.pk).update(query_code_hash=query_code_hash(number=case.number, code=code))
    return code


def test_the_family_reads_what_to_bring_and_why_it_was_not_accepted_in_plain_words(client, new_case, caseworker_a):
    case = new_case()
    code = _with_code(case)
    ask(case, caseworker_a)
    html = client.post(reverse("portal:status"), {"number": case.number, "code": code}).content.decode()
    assert 'id="status-supplement"' in html and "家庭收入情况说明" in html and "待补正" in html
    assert "一次性告知补正材料" in html  # the step, in the history
    services.case_not_accept(actor=caseworker_a, case=case, reason="registration", text="户籍在邻县")
    html = client.post(reverse("portal:status"), {"number": case.number, "code": code}).content.decode()
    assert 'id="status-not-accepted"' in html and "户籍不在本乡镇" in html and "户籍在邻县" in html
    assert "not_accepted" not in html and "registration" not in html


def test_history_events_of_every_intake_step_have_words(new_case, caseworker_a, clerk_a):
    case = ask(new_case(), caseworker_a)
    services.case_supply(actor=clerk_a, case=case, received=["id_cards", "income", "free_text"])
    services.case_not_accept(actor=caseworker_a, case=case, reason="other", text="其他")
    labels = [selectors.step_label(e.action, e.to_status) for e in CaseEvent.objects.filter(case=case)]
    assert labels == ["提交申请", "一次性告知补正材料", "登记补正材料", "不予受理"]


def test_the_intake_words_have_english(client, new_case, caseworker_a):
    from django.utils import translation

    case = ask(new_case(), caseworker_a)
    with translation.override("en"):
        assert str(Status.SUPPLEMENT.label) == "Awaiting materials" and str(Status.NOT_ACCEPTED.label) == "Not accepted"
        assert selectors.step_label("request_supplement", "supplement") == "Request missing materials"
    client.force_login(caseworker_a)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Record materials supplied" in html and "Materials awaited" in html and "待补正" not in html
