"""A county with households on 低保 for the cross-check tests, and a helper that imports an external list
through the real import path (a CSV with the kind's Chinese headers)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.matching.kinds import fields_of
from jiuzhu.matching.models import DataSet
from jiuzhu.matching.services.datasets import dataset_import
from jiuzhu.payments import services as payments
from jiuzhu.payments.models import Entitlement
from jiuzhu.registry.models import Household, Person, Relation

TODAY = timezone.localdate()
MONTH = TODAY.replace(day=1)


def months_ago(n: int) -> dt.date:
    y, m = divmod(MONTH.month - 1 - n, 12)
    return dt.date(MONTH.year + y, m + 1, 1)


def years_ago(n: int, month: int = 3, day: int = 15) -> dt.date:
    return dt.date(TODAY.year - n, month, day)


def csv_bytes(kind: str, rows: list[dict[str, Any]], *, encoding: str = "utf-8") -> bytes:
    """The rows with the kind's labels as headers (so the mapping is guessed)."""
    labels = {f.name: f.label for f in fields_of(kind)}
    names = list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([labels[n] for n in names])
    for r in rows:
        w.writerow(["" if r.get(n) is None else str(r[n]) for n in names])
    return buf.getvalue().encode(encoding)


def person_row(p: Person, **extra: Any) -> dict[str, Any]:
    return {"name": p.name, "id_number": p.id_number, "gender": "男" if p.sex == "M" else "女",
            "birth_date": p.birth_date.isoformat(), **extra}  # fmt: skip


@pytest.fixture
def load(approver: User) -> Any:
    counter = iter(range(1, 1000))

    def load(kind: str, rows: list[dict[str, Any]], source: str = "") -> DataSet:
        return dataset_import(
            actor=approver,
            kind=kind,
            source=source or f"来源{next(counter)}",
            data=csv_bytes(kind, rows),
            filename=f"{kind}.csv",
        )

    return load


@pytest.fixture
def entitle(approver: User) -> Any:
    def entitle(hh: Household, program: str = "dibao_rural", persons: list[Person] | None = None,
                amount: str = "400", start: dt.date | None = None, **kw: Any) -> Entitlement:  # fmt: skip
        return payments.entitlement_create(
            actor=approver,
            household=hh,
            program=program,
            persons=persons if persons is not None else list(hh.members.all()),
            monthly_amount=Decimal(amount),
            start_month=start or months_ago(24),
            **kw,
        )

    return entitle


@pytest.fixture
def family(standards: Any, make_household: Any) -> Any:
    """make a household in village A1 (township A) or B1 from (name, birth, fields) tuples; first is head."""

    def family(*members: tuple[str, dt.date] | tuple[str, dt.date, dict[str, Any]], village: str = "a1") -> Household:
        rows = []
        for i, m in enumerate(members):
            fields = m[2] if len(m) > 2 else {}  # type: ignore[misc]
            rows.append((m[0], m[1], Relation.SELF if i == 0 else Relation.OTHER, fields))
        region = {"a1": standards.village_a1, "a2": standards.village_a2, "b1": standards.village_b1}[village]
        return make_household(region, rows)

    return family
