from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jiuzhu.conftest import PASSWORD
from jiuzhu.reports.figures import completion
from jiuzhu.reports.models import Target
from jiuzhu.reports.services.snapshots import snapshot_build
from jiuzhu.reports.services.targets import target_set
from jiuzhu.reports.tests.conftest import MONTHS


def _login(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.fixture
def built(history: Any) -> Any:
    for month in MONTHS:
        snapshot_build(month=month)
    return history


def test_completion_as_the_seed_computes_it() -> None:
    # 农村低保保障168641人 … 完成目标任务的109.68% (a target of 153 758 persons).
    assert completion(persons=168641, ytd_fen=0, target_persons=153758, target_money=None).headline == Decimal("109.68")
    done = completion(persons=0, ytd_fen=18_938_440_000, target_persons=None, target_money=Decimal("172670000"))
    assert done.headline == Decimal("109.68")
    assert completion(persons=5, ytd_fen=0, target_persons=None, target_money=None).headline is None


def test_county_dashboard_sentences_and_target(built: Any, admin: Any, county: Any) -> None:
    target_set(actor=admin, year=2026, region=county.county, program="dibao_rural", persons=2, money=None)
    page = _login(admin).get(reverse("reports:dashboard"), {"month": "2026-10"})
    assert page.status_code == 200
    html = page.content.decode()
    # October: a2 (1) and b1 (1) on rural 低保 → 2 persons, target 2 → 100.00%.
    assert "农村低保保障2人" in html
    assert "完成目标任务的100.00%" in html
    assert "全县的低保人数比例达" in html
    assert "尖山镇" in html and "安文街道" in html
    assert 'id="rp-data"' in html


def test_township_sees_only_its_figures(built: Any, caseworker_b: Any, county: Any) -> None:
    client = _login(caseworker_b)
    page = client.get(reverse("reports:dashboard"), {"month": "2026-10"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "尖山镇" in html and "安文街道" not in html and "云山社区" not in html
    # The county's figures, or another township's, do not exist for this user.
    assert client.get(reverse("reports:dashboard"), {"region": county.county.code}).status_code == 404
    assert client.get(reverse("reports:dashboard"), {"region": county.township_a.code}).status_code == 404
    listed = client.get(reverse("reports:households"), {"region": county.township_b.code, "month": "2026-10"})
    assert built["households"]["b1"].number in listed.content.decode()
    assert built["households"]["a1"].number not in listed.content.decode()


def test_drill_down_lists_the_households_behind(built: Any, approver: Any) -> None:
    page = _login(approver).get(reverse("reports:households"), {"month": "2026-09", "category": "dibao_rural"})
    html = page.content.decode()
    for key in ("a3", "b1"):
        assert built["households"][key].number in html
    assert built["households"]["a1"].number not in html


def test_targets_only_by_the_county_admin(built: Any, approver: Any, admin: Any, county: Any) -> None:
    data = {"year": 2026, "region": county.county.code, "program": "dibao_urban", "persons": "", "money": "300000"}
    assert _login(approver).post(reverse("reports:targets"), data).status_code == 403
    assert _login(admin).post(reverse("reports:targets"), data).status_code == 302
    assert Target.objects.get(program="dibao_urban").money == Decimal("300000")
    page = _login(admin).post(reverse("reports:targets"), {**data, "money": ""})
    assert "请至少填写目标人数或目标资金之一" in page.content.decode()


def test_xlsx_sheets_and_pdf(built: Any, approver: Any, county: Any) -> None:
    client = _login(approver)
    got = client.get(reverse("reports:monthly_xlsx"), {"month": "2026-10"})
    wb = load_workbook(io.BytesIO(got.content))
    assert wb.sheetnames == ["城市低保", "农村低保", "特困", "临时救助", "医疗救助"]
    rural = list(wb["农村低保"].iter_rows(values_only=True))
    assert rural[1][:4] == ("区划代码", "区划名称", "户数", "人数")
    county_row = next(r for r in rural if r[0] == county.county.code)
    assert county_row[2:4] == (2, 2)
    pdf = client.get(reverse("reports:monthly_pdf"), {"month": "2026-10"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_cli(built: Any, tmp_path: Any, county: Any) -> None:
    out = io.StringIO()
    call_command("report", "snapshot", "--month", "2026-09", "--through", "2026-11", "--quiet", stdout=out)
    assert "2026-11" in out.getvalue()
    call_command("report", "monthly", "--month", "2026-11", "--region", county.county.code, "--out", str(tmp_path))
    names = sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".xlsx", ".pdf"))
    assert names == ["月度统计报告_330727000000_2026-11.pdf", "月报表_330727000000_2026-11.xlsx"]


def test_home_shows_the_roles_own_numbers(built: Any, caseworker_b: Any, approver: Any) -> None:
    del built
    county_home = _login(approver).get("/").content.decode()
    assert "磐安县 2026-11 统计" in county_home
    township_home = _login(caseworker_b).get("/").content.decode()
    # The bank returned the township's only November line: its newest month with money paid is October.
    assert "尖山镇 2026-10 统计" in township_home and "磐安县" not in township_home.split("统计")[0]


def test_insurance_contribution_counts_as_medical_assistance(built: Any, approver: Any, county: Any) -> None:
    """资助参保 (the 医疗救助 fund paying 特困 and 低保 members' insurance contribution, the payroll's zizhu_canbao
    lines) is 医疗救助's money in the monthly tables, as in the civil-affairs statistics."""
    from jiuzhu.reports.models import Snapshot

    code = county.county.code
    Snapshot.objects.create(
        month="2026-10-01", region_code=code, level=county.county.level, program="zizhu_canbao",
        households=3, persons=5, insurance_fen=100_000, total_fen=100_000, built_at=timezone.now(),
    )  # fmt: skip
    got = _login(approver).get(reverse("reports:monthly_xlsx"), {"month": "2026-10"})
    rows = list(load_workbook(io.BytesIO(got.content))["医疗救助"].iter_rows(values_only=True))
    county_row = next(r for r in rows if r[0] == code)
    assert county_row[2:4] == (3, 5)
    assert Decimal(county_row[16]) == Decimal("1000.00") == Decimal(county_row[17])
    assert not any(
        r[0] == code and r[2] for r in load_workbook(io.BytesIO(got.content))["临时救助"].iter_rows(values_only=True)
    )


def test_occasional_aid_is_counted_in_person_times_of_the_year() -> None:
    from jiuzhu.reports.figures import CATEGORY_BY_KEY, category_sentence

    done = completion(persons=1234, ytd_fen=92_850_000, target_persons=1117, target_money=None)
    text = category_sentence(
        CATEGORY_BY_KEY["linshi"], persons=1234, ytd_fen=92_850_000, person_months=0, ytd_regular_fen=0, done=done
    )
    assert text == "临时救助1234人次，累计发放临时救助资金92.85万元，完成目标任务的110.47%。"
