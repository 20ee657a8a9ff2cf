"""The menu and the home page are assembled from what the apps register (core.navigation)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiuzhu.core.navigation import menu_items


def test_every_app_registers_its_pages_in_the_menu_in_reading_order():
    names = [item.url_name for item in menu_items()]
    assert names[0] == "core:home" and names[-1] == "core:audit"
    for expected in ("registry:search", "cases:todo", "policy:parameters", "regions:list", "accounts:users"):
        assert expected in names
    assert names.index("registry:search") < names.index("cases:todo") < names.index("policy:parameters")


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("clerk_a", ["查找人员", "待办"], ["用户管理", "审计日志", "批量导入", "行政区划"]),
        ("admin", ["用户管理", "行政区划", "批量导入", "节假日"], ["审计日志"]),
        ("auditor", ["审计日志"], ["用户管理", "批量导入"]),
    ],
)
def test_the_menu_shows_only_what_the_role_may_open(client, request, persona, shown, hidden):
    client.force_login(request.getfixturevalue(persona))
    nav = client.get(reverse("core:home")).context["nav"]
    labels = [str(sub["label"]) for item in nav for sub in item.get("entries", [item])]
    assert all(label in labels for label in shown), labels
    assert not any(label in labels for label in hidden), labels


def test_the_home_page_carries_the_registry_section_with_the_users_counts(client, county, caseworker_a, make_household):
    make_household(county.village_a1)
    make_household(county.village_b1)  # another township: not counted for caseworker A
    client.force_login(caseworker_a)
    response = client.get(reverse("core:home"))
    body = response.content.decode()
    assert f'action="{reverse("registry:search")}"' in body
    assert '<div class="n">1</div><div class="l">登记家庭（户）</div>' in body
    assert "云山社区" in body and "管头村" not in body


def test_the_home_page_shows_what_waits_for_the_user(client, county, caseworker_a, clerk_a, make_household):
    from jiuzhu.cases.services import case_submit

    household = make_household(county.village_a1)
    case_submit(actor=clerk_a, household=household, program="dibao_urban", applicant=household.members.first())
    client.force_login(caseworker_a)
    body = client.get(reverse("core:home")).content.decode()
    assert '<div class="n">1</div><div class="l">待我办理的申请</div>' in body
    assert body.index("登记家庭（户）") < body.index("待我办理的申请")  # the registry's section first


def test_the_menu_gathers_entries_under_headings_and_fits_one_line(client, admin, clerk_a):
    """Twenty pages would take two lines at 1366 px (issue #10): the bar shows headings, their pages drop down;
    a heading holding one page for this user is that page itself."""
    client.force_login(admin)
    nav = client.get(reverse("core:home")).context["nav"]
    headings = {str(item["label"]): [str(s["label"]) for s in item["entries"]] for item in nav if "entries" in item}
    assert headings["系统"][:2] == ["标准与参数", "节假日"] and "用户管理" in headings["系统"]
    assert "查找人员" in headings["家庭"] and len(nav) <= 9
    client.force_login(clerk_a)
    html = client.get(reverse("core:home")).content.decode()
    assert '<details class="navgroup' in html and "<summary>家庭</summary>" in html
