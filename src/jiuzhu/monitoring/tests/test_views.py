from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jiuzhu.monitoring.models import MonitoredHousehold, ScanJob, Status
from jiuzhu.monitoring.services import monitoring_scan
from jiuzhu.monitoring.tests.support import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def scanned(standards: Any, make_household: Any, approver: Any) -> Any:
    hh = build(standards, make_household)
    monitoring_scan(actor=approver, region=standards.county, on=timezone.localdate())
    return hh


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_list_shows_only_the_township_s_own(scanned: Any, caseworker_a: Any) -> None:
    page = _client(caseworker_a).get(reverse("monitoring:list")).content.decode()
    assert scanned.rigid.number in page
    assert scanned.other.number not in page


def test_the_list_filters_by_level(scanned: Any, approver: Any) -> None:
    page = _client(approver).get(reverse("monitoring:list"), {"level": "yellow"}).content.decode()
    assert scanned.elderly.number in page
    assert scanned.rigid.number not in page


def test_the_export_is_scoped_xlsx(scanned: Any, caseworker_b: Any) -> None:
    response = _client(caseworker_b).get(reverse("monitoring:export"))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    numbers = [row[0] for row in wb.active.iter_rows(min_row=2, values_only=True)]  # type: ignore[union-attr]
    assert numbers == [scanned.other.number]


def test_the_household_page_shows_the_level_and_its_reasons(scanned: Any, caseworker_a: Any) -> None:
    m = MonitoredHousehold.objects.get(household=scanned.rigid)
    page = _client(caseworker_a).get(reverse("monitoring:detail", args=[m.pk])).content.decode()
    assert "Ⅰ级红色预警" in page and "刚性支出 1300 元/月" in page


def test_the_reasons_read_in_english_in_the_english_ui(scanned: Any, caseworker_a: Any) -> None:
    m = MonitoredHousehold.objects.get(household=scanned.rigid)
    client = _client(caseworker_a)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("monitoring:detail", args=[m.pk])).content.decode()
    assert "Rigid spending 1300 yuan/month, at least 50% of household income → level I red warning" in page
    assert "刚性支出" not in page and "\U0010fff1" not in page


def test_another_township_gets_404(scanned: Any, caseworker_b: Any) -> None:
    m = MonitoredHousehold.objects.get(household=scanned.rigid)
    assert _client(caseworker_b).get(reverse("monitoring:detail", args=[m.pk])).status_code == 404


def test_a_clerk_may_read_but_not_add_a_measure(scanned: Any, clerk_a: Any) -> None:
    m = MonitoredHousehold.objects.get(household=scanned.rigid)
    c = _client(clerk_a)
    assert c.get(reverse("monitoring:detail", args=[m.pk])).status_code == 200
    data = {"kind": "employment", "taken_on": timezone.localdate().isoformat(), "description": "x"}
    assert c.post(reverse("monitoring:measure", args=[m.pk]), data).status_code == 403


def test_measure_reassess_and_eliminate_from_the_page(scanned: Any, caseworker_a: Any) -> None:
    m = MonitoredHousehold.objects.get(household=scanned.edge)
    c = _client(caseworker_a)
    today = timezone.localdate().isoformat()
    r = c.post(reverse("monitoring:measure", args=[m.pk]), {"kind": "employment", "taken_on": today,
                                                            "description": "推荐公益性岗位"})  # fmt: skip
    assert r.status_code == 302
    r = c.post(reverse("monitoring:reassess", args=[m.pk]), {"factors": ["employment"], "note": "务工不稳定"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.level == "blue"
    bad = c.post(reverse("monitoring:eliminate", args=[m.pk]), {"reasons": ""})
    assert bad.status_code == 400 and "这个字段是必填项" in bad.content.decode()
    c.post(reverse("monitoring:eliminate", args=[m.pk]), {"reasons": "已稳定就业"})
    m.refresh_from_db()
    assert m.status == Status.ELIMINATED


def test_the_scan_button_runs_a_job(standards: Any, make_household: Any, caseworker_a: Any) -> None:
    build(standards, make_household)
    c = _client(caseworker_a)
    r = c.post(reverse("monitoring:scan"))
    job = ScanJob.objects.get()
    assert r.url == reverse("monitoring:scan_status", args=[job.pk])  # type: ignore[attr-defined]
    assert (job.status, job.enrolled) == (ScanJob.JobStatus.DONE, 4)
    assert "新纳入监测 4 户" in c.get(r.url).content.decode()  # type: ignore[attr-defined]


def test_the_home_page_lists_new_red_warnings(scanned: Any, caseworker_a: Any) -> None:
    page = _client(caseworker_a).get("/").content.decode()
    assert "新的红色预警" in page and scanned.rigid.number in page
    # A measure answers the warning: it leaves the to-do list.
    m = MonitoredHousehold.objects.get(household=scanned.rigid)
    _client(caseworker_a).post(
        reverse("monitoring:measure", args=[m.pk]),
        {"kind": "protection", "taken_on": timezone.localdate().isoformat(), "description": "申请医疗救助"},
    )
    page = _client(caseworker_a).get("/").content.decode()
    assert scanned.rigid.number not in page


def test_the_registry_household_page_has_the_panel(scanned: Any, caseworker_a: Any) -> None:
    page = _client(caseworker_a).get(reverse("registry:household_detail", args=[scanned.rigid.pk])).content.decode()
    assert "低收入人口监测" in page and "查看监测详情" in page
