"""Pagination for searches over a province's registry: counting every match of "王" among millions costs
seconds and tells a caseworker nothing, so counts stop at a cap and the page says "1000+"."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    cap = 1000

    @cached_property
    def count(self) -> int:
        # A sliced count is COUNT(*) over a LIMITed subquery: it stops reading at cap + 1 rows. Without the
        # ORDER BY the database may count inside a covering index instead of walking the ordered one.
        return self.object_list.order_by()[: self.cap + 1].count()  # type: ignore[attr-defined]

    @property
    def capped(self) -> bool:
        return self.count > self.cap
