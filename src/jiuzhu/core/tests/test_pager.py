"""The pager reaches any page in a couple of clicks and keeps the list's filters (issue #10: only a 下一页 across
800 pages)."""

from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory


def _render(number, total_pages, query="region=3307271&q=王"):
    request = RequestFactory().get(f"/registry/households/?{query}&page={number}")
    page = Paginator(range(total_pages * 10), 10).get_page(number)
    return Template('{% include "core/_pager.html" %}').render(Context({"page": page, "request": request}))


def test_the_pager_offers_first_last_neighbours_and_a_jump_and_keeps_the_filters():
    html = _render(400, 800)
    for n in (398, 399, 401, 402):
        assert f"page={n}" in html
    assert "page=1" in html and "page=800" in html and "首页" in html and "末页" in html
    assert "region=3307271" in html and 'name="page"' in html and 'max="800"' in html
    assert '<input type="hidden" name="q" value="王">' in html
    assert 'aria-current="page">400<' in html


def test_the_first_page_has_no_previous_and_a_single_page_no_pager():
    html = _render(1, 800)
    assert "上一页" not in html and "首页" not in html and "page=2" in html
    assert _render(1, 1).strip() == ""
