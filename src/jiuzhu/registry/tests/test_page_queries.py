"""The household page and the search answer in a fixed number of queries however many members, cases and
results there are (issue #11, load: 50 sessions on these pages)."""

import datetime as dt

from django.urls import reverse

from jiuzhu.registry.models import Relation


def test_the_household_page_takes_the_same_queries_for_two_members_or_eight(
    client, standards, caseworker_a, make_household, django_assert_max_num_queries
):
    county = standards
    small = make_household(county.village_a1, [("钱老汉", dt.date(1940, 3, 1), Relation.SELF, {})])
    big = make_household(
        county.village_a1,
        [("孙大山", dt.date(1950, 1, 1), Relation.SELF, {})]
        + [(f"孙{i}", dt.date(1980 + i, 1, 1), Relation.SON, {"income_wage": 1000}) for i in range(7)],
    )
    client.force_login(caseworker_a)
    counts, pages = [], []
    for household in (small, big):
        with django_assert_max_num_queries(22) as ctx:
            response = client.get(reverse("registry:household_detail", args=[household.pk]))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
        pages.append(response.content.decode())
    assert "孙6" in pages[1] and "资格" in pages[1]
    assert counts[0] == counts[1]


def test_the_search_takes_the_same_queries_for_one_result_or_a_page(
    client, county, caseworker_a, make_household, django_assert_max_num_queries
):
    make_household(county.village_a1, [("周一", dt.date(1950, 1, 1), Relation.SELF, {})])
    client.force_login(caseworker_a)
    with django_assert_max_num_queries(8) as one:
        assert "周一" in client.get("/registry/search/?q=周").content.decode()
    for i in range(30):
        make_household(county.village_a1, [(f"周{i}{i}", dt.date(1951, 1, 1 + i % 28), Relation.SELF, {})])
    with django_assert_max_num_queries(8) as page:
        assert "周1" in client.get("/registry/search/?q=周").content.decode()
    assert len(one.captured_queries) == len(page.captured_queries)


def test_a_second_household_page_compiles_almost_no_query(client, standards, caseworker_a, make_household, monkeypatch):
    """The household page's reads (session, user, household, members, history, the panels) are compiled once
    per process (core.prepared); compiling them cost more than running them."""
    from django.db.models.sql.compiler import SQLCompiler

    county = standards
    first, second = (
        make_household(county.village_a1, [(name, dt.date(1950, 1, 1), Relation.SELF, {})]) for name in "甲乙"
    )
    client.force_login(caseworker_a)
    assert client.get(reverse("registry:household_detail", args=[first.pk])).status_code == 200
    compiled: list[str] = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model.__name__)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    response = client.get(reverse("registry:household_detail", args=[second.pk]))
    assert response.status_code == 200 and "乙" in response.content.decode()
    assert compiled == [], compiled


def test_the_prepared_search_finds_what_the_search_finds(county, caseworker_a, approver, clerk_a, make_household):
    """registry.selectors.person_search_rows (the search page's compiled queries) against person_search, for
    each kind of search, with and without a region, in three scopes, page by page."""
    from jiuzhu.core.pagination import CappedPaginator
    from jiuzhu.registry import selectors

    people = [("张三", dt.date(1960, 5, 1)), ("张三丰", dt.date(1961, 5, 1)), ("王五", dt.date(1970, 1, 1))]
    households = [make_household(village, [(n, b, Relation.SELF, {})]) for village in (county.village_a1,
                  county.village_b1) for n, b in people]  # fmt: skip
    person = households[0].members.get()
    texts = ["张", "张三", "zs", "ZS", "zhangsan", "wang", households[0].number[:14], households[3].number,
             person.id_number, "无此人"]  # fmt: skip
    for user in (caseworker_a, approver, clerk_a):
        for text in texts:
            for region in ("", county.village_a1.prefix, county.village_b1.prefix):
                query = selectors.SearchQuery(text=text, region=region)
                rows = selectors.person_search_rows(user=user, query=query, per_page=2)
                assert rows is not None
                old = selectors.person_search(user=user, query=query).only(*selectors.SEARCH_COLUMNS)
                for number in (1, 2, 3):
                    a, b = CappedPaginator(old, 2).get_page(number), CappedPaginator(rows, 2).get_page(number)
                    assert a.paginator.count == b.paginator.count, (user, text, region)
                    assert sorted(p.pk for p in a) == sorted(p.pk for p in b), (user, text, region)
    assert selectors.person_search_rows(user=approver, query=selectors.SearchQuery(), per_page=2) is None
