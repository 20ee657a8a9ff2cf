"""One policy for text (issue #11 item 8): control characters refused with a message (forms, API, importer,
model), lengths enforced before the database, `\\N` in a cell kept as text through COPY, an export that
survives a control character, and an 审批表 that prints however long the opinion."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from jiuzhu.accounts.services import api_token_create
from jiuzhu.cases import services
from jiuzhu.cases.models import Case, CaseNote, Status
from jiuzhu.cases.tests.conftest import TODAY, at_state
from jiuzhu.conftest import PASSWORD
from jiuzhu.core.tabular import write_xlsx
from jiuzhu.registry.importer import household_import
from jiuzhu.registry.models import Household, Person
from jiuzhu.registry.tests.test_importer import csv_bytes, family


def bearer(user):
    _token, key = api_token_create(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_reason_longer_than_its_column_is_a_message_not_a_database_error(new_case, clerk_a):
    case = new_case()
    with pytest.raises(ValidationError, match="撤回原因不能超过 300 个字"):
        services.case_withdraw(actor=clerk_a, case=case, reason="很" * 301, on=TODAY)
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_a_note_with_a_control_character_is_refused_by_the_model(new_case, caseworker_a):
    with pytest.raises(ValidationError, match="控制字符"):
        services.case_note_add(actor=caseworker_a, case=new_case(), text="看\x00过")
    assert not CaseNote.objects.exists()


def test_the_api_bounds_lengths_and_amounts(client, new_case, head_a, approver, clerk_a):
    case = new_case()
    too_long = client.post(f"/api/cases/{case.pk}/withdraw", {"reason": "很" * 301},
                           content_type="application/json", **bearer(clerk_a))  # fmt: skip
    assert too_long.status_code == 422 and too_long.json()["code"] == "invalid"
    noticed = at_state(new_case(program="linshi", linshi_kind="expense"), Status.NOTICE, opinion_by=head_a)
    huge = client.post(f"/api/cases/{noticed.pk}/confirm", {"amount": "35406163257043984"},
                       content_type="application/json", **bearer(approver))  # fmt: skip
    assert huge.status_code == 422 and huge.json()["code"] == "invalid"
    assert Case.objects.get(pk=noticed.pk).status == Status.NOTICE


def test_a_control_character_in_a_form_post_or_an_api_body_is_refused_at_the_door(client, new_case, clerk_a):
    case = new_case()
    client.login(username="clerk_a", password=PASSWORD)
    page = client.post(f"/cases/{case.pk}/step/withdraw/", {"reason": "不\x00要了"})
    assert page.status_code == 400 and "控制字符" in page.content.decode()
    api = client.post(f"/api/cases/{case.pk}/withdraw", '{"reason": "不\\u0000要了"}',
                      content_type="application/json", **bearer(clerk_a))  # fmt: skip
    assert api.status_code == 422 and "控制字符" in api.json()["message"]
    search = client.get("/registry/", {"q": "张\x00"})
    assert search.status_code == 400
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_a_nul_in_an_import_cell_is_a_row_error_and_nothing_is_written(county, caseworker_a):
    rows = family(1)
    rows[0][2] = "花溪村\x001号"  # 住址
    result = household_import(actor=caseworker_a, data=csv_bytes(rows), filename="roster.csv")
    assert not result.ok and any("控制字符" in e.message for e in result.errors)
    assert not Household.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_cell_holding_backslash_n_is_kept_as_text(county, caseworker_a):
    rows = family(1)
    rows[0][2] = "\\N"  # MySQL's way of writing empty, in the address
    result = household_import(actor=caseworker_a, data=csv_bytes(rows), filename="roster.csv")
    assert result.ok, result.errors
    assert Household.objects.get().address == "\\N"
    assert Person.objects.count() == 3


def test_the_xlsx_export_survives_a_control_character(tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", ["姓名"], [["张\x01三"], ["=1+1"]])
    ws = load_workbook(path).active
    assert [c.value for c in ws["A"]] == ["姓名", "张三", "'=1+1"]


def test_the_approval_form_prints_a_very_long_opinion(new_case, head_a):
    from jiuzhu.cases.documents import approval_form_pdf

    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    Case.objects.filter(pk=case.pk).update(opinion_text="经入户调查，该户家庭困难情况属实。" * 300)  # ~5 100 characters
    pdf = approval_form_pdf(Case.objects.get(pk=case.pk))
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2
