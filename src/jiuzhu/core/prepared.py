"""Querysets compiled once per process, run again with other values (issue #11, load).

Compiling a queryset into SQL (its columns, joins, ordering, where clause) costs Django 0.3–0.7 ms of CPU, more
than SQLite or PostgreSQL take to answer the small reads of a page (a household's members, its payroll lines,
the session's row): a household page made 17 of them on every request. `prepared` keeps the SQL of a queryset
built once and, on each call, runs that SQL with the call's values in their places, through Django's own
iterables (model instances with their select_related rows, values, values_list, flat):

    members = prepared(lambda household_id: Person.objects.filter(household_id=household_id).order_by("id"))
    members(household.pk)  # a list of Person; the first call per process compiles

The builder is called once per database and argument types, with stand-in values (ints or strings no row
holds); it must build the same query whatever the values are: the values only compared with columns, not
transformed (startswith, arithmetic), not limits or offsets, not None (`IS NULL` is another query), no branch
in Python on them. What cannot be checked is refused at the first call: a stand-in missing from the compiled
parameters (transformed) or written into the SQL. The query may not depend on the active language or time
zone (a `__date` lookup's SQL names the time zone on PostgreSQL), and its database is the one it names
when first built (no router choosing by the values). It returns a list, never a queryset: a
further filter on a queryset holding compiled SQL would be silently ignored.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

from django.db import connections
from django.db.models import QuerySet

T = TypeVar("T")
P = ParamSpec("P")

# Stand-ins no id or text of the database holds, one per argument position.
_INT_STANDIN = -7_340_042_900
_STR_STANDIN = "\ue000prepared-{}\ue000"


def _standin(kind: type, position: int) -> int | str:
    return _INT_STANDIN - position if kind is int else _STR_STANDIN.format(position)


def _plain(value: object) -> int | str:
    """An int or a string as itself (a choices member as its value); anything else is refused."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"a prepared query takes ints and strings, not {type(value).__name__}")
    return int(value) if isinstance(value, int) else str(value)


class _Compiled:
    """One builder's query for one database and argument types: the queryset, its compiler (after as_sql:
    its select, klass_info and annotation map are what the iterables read), the SQL and where each argument
    goes among its parameters."""

    def __init__(self, queryset: QuerySet[Any], standins: tuple[int | str, ...]) -> None:
        self.queryset = queryset
        self.compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, params = self.compiler.as_sql()
        self.params = tuple(params)
        self.slots: list[tuple[int, int]] = []  # (parameter index, argument index)
        for arg, standin in enumerate(standins):
            found = [i for i, p in enumerate(self.params) if type(p) is type(standin) and p == standin]
            if not found:
                raise ValueError(f"prepared query: argument {arg} is not among the compiled parameters "
                                 "(transformed by a lookup, or a limit): build this query each time")  # fmt: skip
            if str(standin) in self.sql:
                raise ValueError(f"prepared query: argument {arg} is written into the SQL itself")
            self.slots += [(i, arg) for i in found]

    def _params(self, args: tuple[Any, ...]) -> list[Any]:
        params = list(self.params)
        for i, arg in self.slots:
            params[i] = args[arg]
        return params

    def run(self, args: tuple[Any, ...]) -> list[Any]:
        sql, params = self.sql, self._params(args)
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[self.queryset.db]  # this thread's connection
        compiler.as_sql = lambda *_a, **_k: (sql, params)
        queryset = self.queryset.all()  # a copy: the query it holds is this call's alone
        queryset.query.get_compiler = lambda *_a, **_k: compiler  # type: ignore[method-assign]
        return list(queryset)

    def count(self, args: tuple[Any, ...]) -> int:
        """COUNT(*) over the compiled query's rows (a subquery), as Django counts a sliced queryset."""
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({self.sql}) counted", self._params(args))
            return int(cursor.fetchone()[0])


class prepared(Generic[P, T]):
    """The queryset `build` makes, compiled once per process (per database and argument types) and run with
    each call's values; see the module's text for what `build` may do. `rows` reads a slice of it (a page:
    compiled once per slice), `count` counts its rows up to a limit (a capped paginator's count)."""

    def __init__(self, build: Callable[P, QuerySet[Any, T]]) -> None:
        self.build = build
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}
        self._lock = threading.Lock()
        self.__doc__ = build.__doc__

    def _get(self, args: tuple[Any, ...], shape: tuple[Any, ...]) -> tuple[_Compiled, tuple[int | str, ...]]:
        values = tuple(_plain(a) for a in args)
        key = (tuple(type(a) for a in values), shape)
        compiled = self._compiled.get(key)
        if compiled is None:
            standins = tuple(_standin(k, i) for i, k in enumerate(key[0]))
            with self._lock:
                compiled = self._compiled.get(key)
                if compiled is None:
                    build: Callable[..., QuerySet[Any, Any]] = self.build
                    queryset = build(*standins)
                    if shape[0] == "slice":
                        queryset = queryset[shape[1] : shape[2]]
                    elif shape[0] == "count":
                        queryset = queryset.order_by().values("pk")[: shape[1]]
                    compiled = self._compiled[key] = _Compiled(queryset, standins)
        return compiled, values

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> list[T]:
        if kwargs:
            raise TypeError("a prepared query takes its values by position")
        compiled, values = self._get(args, ("all",))
        return compiled.run(values)

    def rows(self, *args: Any, start: int, stop: int) -> list[T]:
        """The rows start to stop (as `queryset[start:stop]`)."""
        compiled, values = self._get(args, ("slice", start, stop))
        return compiled.run(values)

    def count(self, *args: Any, limit: int) -> int:
        """How many rows the query gives, counting no further than `limit`."""
        compiled, values = self._get(args, ("count", limit))
        return compiled.count(values)
