"""The ledger's pages, each with who must not see it; the upload in two steps; the run page; the panels."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiuzhu.cases import services as cases
from jiuzhu.cases.models import Case, EconomicCheck, Status
from jiuzhu.matching.models import CheckEvidence, DataSet, Finding, FindingStatus, Run
from jiuzhu.matching.services.runs import run_execute
from jiuzhu.matching.tests.conftest import csv_bytes, months_ago, person_row, years_ago


@pytest.fixture
def ledger(approver, family, entitle, load):
    """One finding in township A, one in township B."""
    a = family(("张大山", years_ago(70)))
    entitle(a)
    b = family(("李小河", years_ago(72)), village="b1")
    entitle(b)
    died = months_ago(2).isoformat()
    load("deaths", [person_row(a.members.get(), death_date=died), person_row(b.members.get(), death_date=died)])
    run_execute(actor=approver, rules=["dead_still_paid"])
    return a, b


def test_a_township_sees_only_its_own_findings(client, caseworker_a, ledger):
    a, b = ledger
    client.force_login(caseworker_a)
    page = client.get(reverse("matching:findings")).content.decode()
    assert a.number in page and b.number not in page
    other = Finding.objects.get(household=b)
    assert client.get(reverse("matching:finding", args=[other.pk])).status_code == 404
    export = b"".join(client.get(reverse("matching:export") + "?format=csv").streaming_content).decode("utf-8-sig")
    assert a.number in export and b.number not in export


def test_a_summary_reads_in_the_readers_language(client, caseworker_a, ledger):
    """Written once, language-neutral; a finding stored before summaries were marked reads as it was written."""
    a, _b = ledger
    client.force_login(caseworker_a)
    finding = Finding.objects.get(household=a)
    page = client.get(reverse("matching:findings")).content.decode()
    assert "张大山 已于" in page and "死亡后已发" in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("matching:findings")).content.decode()
    assert "张大山 died on" in page and "still paid" in page and "死亡" not in page
    assert "张大山 died on" in client.get(reverse("matching:finding", args=[finding.pk])).content.decode()
    export = b"".join(client.get(reverse("matching:export") + "?format=csv").streaming_content).decode("utf-8-sig")
    assert "张大山 died on" in export
    Finding.objects.filter(pk=finding.pk).update(summary="张大山 已死亡（旧记录）")
    assert "张大山 已死亡（旧记录）" in client.get(reverse("matching:findings")).content.decode()


def test_the_county_filters_by_township_and_rule(client, approver, ledger, county):
    a, b = ledger
    client.force_login(approver)
    page = client.get(reverse("matching:findings") + f"?township={county.township_b.code[:9]}").content.decode()
    assert b.number in page and a.number not in page
    summary = client.get(reverse("matching:summary")).content.decode()
    assert "安文街道" in summary and "尖山镇" in summary


@pytest.mark.parametrize("who", ["clerk_a", "charity_officer"])
def test_who_may_not_view_findings_gets_403(client, request, who, ledger):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("matching:findings")).status_code == 403


def test_the_auditor_reads_but_takes_no_step(client, auditor, ledger):
    client.force_login(auditor)
    finding = Finding.objects.first()
    page = client.get(reverse("matching:finding", args=[finding.pk])).content.decode()
    assert "开始核实" not in page
    response = client.post(reverse("matching:act", args=[finding.pk, "start"]), {"start-note": ""})
    assert response.status_code == 422
    finding.refresh_from_db()
    assert finding.status == FindingStatus.PENDING


def test_the_caseworker_works_a_finding_through_the_page(client, caseworker_a, ledger):
    a, _b = ledger
    finding = Finding.objects.get(household=a)
    client.force_login(caseworker_a)
    url = reverse("matching:finding", args=[finding.pk])
    assert "张大山" in client.get(url).content.decode()
    client.post(reverse("matching:act", args=[finding.pk, "start"]), {"start-note": ""})
    bad = client.post(reverse("matching:act", args=[finding.pk, "confirm"]), {"confirm-note": ""})
    assert bad.status_code == 422 and "请填写" in bad.content.decode()
    client.post(reverse("matching:act", args=[finding.pk, "confirm"]), {"confirm-note": "属实"})
    done = client.post(reverse("matching:act", args=[finding.pk, "rectify"]),
                       {"rectify-action": "record_death", "rectify-note": "已登记死亡"})  # fmt: skip
    assert done.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECTIFIED
    household_page = client.get(reverse("registry:household_detail", args=[a.pk])).content.decode()
    assert "matching-panel" in household_page


def test_upload_maps_columns_and_imports(client, approver):
    client.force_login(approver)
    data = csv_bytes("vehicles", [{"name": "张三", "id_number": "", "plate": "浙G1"}]).replace(
        "号牌号码".encode(), b"CPHM"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    step1 = client.post(reverse("matching:dataset_upload"), {"kind": "vehicles", "source": "车管所",
                        "received_on": "2025-01-02", "file": SimpleUploadedFile("v.csv", data)})  # fmt: skip
    assert step1.status_code == 302
    page = client.get(reverse("matching:dataset_map"))
    assert "CPHM" in page.content.decode()
    missing = client.post(reverse("matching:dataset_map"), {"name": "姓名", "id_number": "身份证号"})
    assert missing.status_code == 422 and "缺少必填列" in missing.content.decode()
    client.post(reverse("matching:dataset_map"), {"name": "姓名", "id_number": "身份证号", "plate": "CPHM"})
    ds = DataSet.objects.get()
    assert ds.mapping["plate"] == "CPHM" and ds.row_count == 1


def test_only_matching_staff_upload(client, caseworker_a):
    client.force_login(caseworker_a)
    assert client.get(reverse("matching:datasets")).status_code == 403
    assert client.get(reverse("matching:runs")).status_code == 403


def test_a_run_from_the_web_reports_its_progress(client, approver, ledger):
    client.force_login(approver)
    listing = client.get(reverse("matching:runs")).content.decode()
    assert "死亡未停发" in listing and "《社会救助暂行办法》第六十八条" in listing
    response = client.post(reverse("matching:runs"), {"rules": ["dead_still_paid", "dead_member_counted"]})
    run = Run.objects.order_by("-id").first()
    assert response.url == reverse("matching:run", args=[run.pk])
    assert run.status == Run.Status.DONE and run.percent == 100
    page = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "run-progress" in page and "hx-trigger" not in page


def test_home_page_shows_the_township_s_open_findings(client, caseworker_a, ledger):
    client.force_login(caseworker_a)
    assert "待办结的疑似问题" in client.get("/").content.decode()


def test_the_case_page_shows_the_registers_and_the_check_keeps_them(client, caseworker_a, clerk_a, family, load):
    hh = family(("王车主", years_ago(50)))
    load("vehicles", [person_row(hh.members.get(), plate="浙G99999")])
    case = cases.case_submit(actor=clerk_a, household=hh, program="dibao_rural", applicant=hh.members.get())
    Case.objects.filter(pk=case.pk).update(status=Status.CHECKING)
    EconomicCheck.objects.create(case=case, requested_at=months_ago(0))
    client.force_login(caseworker_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "register-matches" in page and "浙G99999" in page
    case.refresh_from_db()
    cases.case_record_check(actor=caseworker_a, case=case, result="名下有车", passed=False)
    evidence = CheckEvidence.objects.get()
    assert evidence.matches[0]["kind"] == "vehicles" and "浙G99999" in evidence.matches[0]["details"]
