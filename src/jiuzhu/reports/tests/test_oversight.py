"""The dashboard's oversight panels: monitoring warnings and the findings ledger, their figures against a
direct count, the lists their links open, and scope (a township sees its own). Data: conftest.oversight."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jiuzhu.conftest import PASSWORD
from jiuzhu.matching.models import OPEN_STATUSES, Finding
from jiuzhu.monitoring.models import MonitoredHousehold, Status
from jiuzhu.reports.oversight import findings_figures, monitoring_figures
from jiuzhu.reports.selectors import RegionScope
from jiuzhu.reports.tests.conftest import TODAY

MONTH = TODAY.replace(day=1)


def _login(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _figures(totals: list[Any]) -> dict[str, int]:
    return {f.label: f.value for f in totals}


def _count_rows(client: Client, url: str, hrefs: str) -> int:
    """The rows a list page shows: links to the objects' own pages."""
    page = client.get(url)
    assert page.status_code == 200
    return len(set(re.findall(hrefs, page.content.decode())))


def test_monitoring_figures_equal_a_direct_count(oversight: Any, approver: Any, county: Any) -> None:
    got = monitoring_figures(approver, county.county, MONTH)
    totals = _figures(got["totals"])
    live = MonitoredHousehold.objects.filter(status=Status.MONITORING)
    assert totals["监测户数"] == live.count() == 6
    assert totals["Ⅰ级红色预警"] == live.filter(level="red").count() == 3
    assert totals["Ⅱ级黄色预警"] == 1 and totals["Ⅲ级蓝色预警"] == 1
    assert totals["到期待复评"] == live.filter(next_assessment__lte=TODAY).count() == 3
    assert totals["风险已消除"] == 1
    # Per township: the county's two townships, A (安文街道) then B (尖山镇).
    assert [r.name for r in got["rows"]] == ["安文街道", "尖山镇"]
    # monitored, red, yellow, blue, no level, eliminated
    assert [c.value for c in got["rows"][0].cells] == [4, 2, 1, 0, 1, 1]
    assert [c.value for c in got["rows"][1].cells] == [2, 1, 0, 1, 0, 0]
    red = got["chart"].series[0]
    assert red["data"] == [2, 1] and "level=red" in red["urls"][0] and "township=330727100" in red["urls"][0]


def test_monitoring_at_a_past_month_end_reads_the_history(oversight: Any, approver: Any, county: Any) -> None:
    """At the end of last month only a0 had been assessed (enrolled blue); the later levels do not count."""
    if TODAY.day < 3:
        pytest.skip("the latest assessments fall in the previous month")
    last_month = (MONTH - dt.timedelta(days=1)).replace(day=1)
    got = _figures(monitoring_figures(approver, county.county, last_month)["totals"])
    assert got["监测户数"] == 1 and got["Ⅲ级蓝色预警"] == 1 and got["Ⅰ级红色预警"] == 0 and got["风险已消除"] == 0


def test_monitoring_links_open_the_same_households(oversight: Any, approver: Any, county: Any) -> None:
    client = _login(approver)
    got = monitoring_figures(approver, county.county, MONTH)
    detail = r'href="/monitoring/(\d+)/"'
    for f in got["totals"]:
        assert _count_rows(client, unescape(f.url), detail) == f.value, f.label
    for row in got["rows"]:
        for cell in row.cells:
            assert _count_rows(client, unescape(cell.url), detail) == cell.value


def test_findings_figures_and_links(oversight: Any, approver: Any, county: Any) -> None:
    got = findings_figures(approver, county.county)
    totals = _figures(got["totals"])
    assert totals["未办结"] == Finding.objects.filter(status__in=OPEN_STATUSES).count() == 4
    assert totals["已办结"] == 2
    assert totals["逾期未核实"] == Finding.objects.filter(status__in=OPEN_STATUSES, deadline__lt=TODAY).count() == 3
    assert totals["累计发现"] == 6
    rules = {r.name: [c.value for c in r.cells] for r in got["rule_rows"]}
    assert sum(v[0] for v in rules.values()) == 6
    assert [[c.value for c in r.cells] for r in got["area_rows"]] == [[2, 2, 1], [2, 0, 2]]
    client = _login(approver)
    detail = r'href="/matching/f/(\d+)/"'
    for f in got["totals"]:
        assert _count_rows(client, unescape(f.url), detail) == f.value, f.label
    for row in got["rule_rows"] + got["area_rows"]:
        for cell in row.cells:
            assert _count_rows(client, unescape(cell.url), detail) == cell.value


def test_township_sees_only_its_own(oversight: Any, caseworker_b: Any, county: Any) -> None:
    mon = monitoring_figures(caseworker_b, county.township_b, MONTH)
    assert _figures(mon["totals"])["监测户数"] == 2
    assert [r.name for r in mon["rows"]] == ["尖山镇"]
    fin = findings_figures(caseworker_b, county.township_b)
    assert _figures(fin["totals"])["未办结"] == 2
    # Asked for the county's region, township B's scope still counts nothing of township A.
    assert _figures(findings_figures(caseworker_b, county.county)["totals"])["累计发现"] == 2
    page = _login(caseworker_b).get(reverse("reports:dashboard"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "低收入人口监测预警" in html and "数据比对疑似问题" in html
    assert "township=330727101" in html and "township=330727100" not in html and "安文街道" not in html
    assert _login(caseworker_b).get(reverse("reports:dashboard"), {"region": county.township_a.code}).status_code == 404


def test_dashboard_shows_both_panels_with_charts(oversight: Any, approver: Any) -> None:
    html = _login(approver).get(reverse("reports:dashboard")).content.decode()
    assert 'id="chart-monitoring"' in html and 'id="chart-monitoring-data"' in html
    assert 'id="chart-findings"' in html and 'id="chart-findings-data"' in html
    assert "Ⅰ级红色预警" in html and "逾期未核实" in html
    # The monitoring table: a heading over every column (monitored, red, yellow, blue, no level, eliminated).
    table = html[html.index('id="chart-monitoring"') :].split("</table>")[0]
    assert len(re.findall(r"<th[ >]", table)) == 7 and "未达预警" in table
    first_row = table.split("<tbody>")[1].split("</tr>")[0]
    assert first_row.count("<td") == 7


def test_command_line_reader_counts_the_whole_region(oversight: Any, county: Any) -> None:
    reader = RegionScope(county.county)
    assert _figures(monitoring_figures(reader, county.county, MONTH)["totals"])["监测户数"] == 6
    assert _figures(findings_figures(reader, county.county)["totals"])["未办结"] == 4
