"""Pagination for searches over a province's registry: counting every match of "王" among millions costs
seconds and tells a caseworker nothing, so counts stop at a cap and the page says "1000+"."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

from jiuzhu.core.prepared import prepared


class PreparedRows:
    """A prepared query's rows (core.prepared) as CappedPaginator reads them: counted up to its cap, read a
    page at a time, each compiled once per process."""

    def __init__(self, query: prepared[..., Any], *args: Any, per_page: int) -> None:
        self.query, self.args, self.per_page = query, args, per_page

    def capped_count(self, limit: int) -> int:
        return self.query.count(*self.args, limit=limit)

    def __getitem__(self, page: slice) -> list[Any]:
        # A whole page is read (one compiled query per page, not one per last page's length), then cut.
        start = page.start or 0
        rows = self.query.rows(*self.args, start=start, stop=start + self.per_page)
        return rows[: page.stop - start] if page.stop is not None else rows


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    cap = 1000

    @cached_property
    def count(self) -> int:
        # A sliced count is COUNT(*) over a LIMITed subquery: it stops reading at cap + 1 rows. Without the
        # ORDER BY the database may count inside a covering index instead of walking the ordered one.
        if isinstance(self.object_list, PreparedRows):
            return self.object_list.capped_count(self.cap + 1)
        return self.object_list.order_by()[: self.cap + 1].count()  # type: ignore[attr-defined]

    @property
    def capped(self) -> bool:
        return self.count > self.cap
