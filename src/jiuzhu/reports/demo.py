"""The demo county's statistics: the snapshot of every month with payroll history, and this year's targets
set by the county admin for the county and each township (a little above or below what was reached, so that
the completion percentages differ)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Min

from jiuzhu.accounts.models import User
from jiuzhu.payments.models import Payroll
from jiuzhu.regions.models import Level, Region
from jiuzhu.reports.figures import CATEGORIES, add
from jiuzhu.reports.models import Snapshot
from jiuzhu.reports.services.snapshots import snapshot_build, snapshot_months
from jiuzhu.reports.services.targets import target_set

# Target = reached × this factor / 100, by the region's position: 91 → 109.89% done, 104 → 96.15%.
_FACTORS = (91, 95, 98, 100, 104)


def reports_seed(*, county: Region, admin: User) -> dict[str, int]:
    """Builds the snapshots of every paid month and sets the year's targets; returns counts for the report."""
    span = Payroll.objects.aggregate(first=Min("month"), last=Max("month"))
    if span["first"] is None:
        return {"months": 0, "rows": 0, "targets": 0}
    months = snapshot_months(first=span["first"], last=span["last"])
    rows = sum(snapshot_build(month=m) for m in months)
    latest = (
        Snapshot.objects.filter(region_code=county.code, total_fen__gt=0).aggregate(m=Max("month"))["m"] or months[-1]
    )
    regions = [county, *Region.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("code")]
    targets = 0
    for i, region in enumerate(regions):
        targets += _targets(region=region, month=latest, admin=admin, factor=_FACTORS[i % len(_FACTORS)])
    return {"months": len(months), "rows": rows, "targets": targets}


def _targets(*, region: Region, month: dt.date, admin: User, factor: int) -> int:
    """Targets a little above or below what the region reached: the persons covered in `month` for a monthly
    allowance, the person-times of the year so far for occasional aid (as the dashboard counts them)."""
    now = Snapshot.objects.filter(region_code=region.code, month=month)
    year = Snapshot.objects.filter(region_code=region.code, month__range=(month.replace(month=1), month))
    n = 0
    for category in CATEGORIES:
        rows = (now if category.monthly else year).filter(program__in=category.programs)
        reached = add({"persons": r.persons, "total_fen": r.total_fen} for r in rows)
        if not reached["persons"]:
            continue
        target_set(
            actor=admin,
            year=month.year,
            region=region,
            program=category.key,
            persons=max(1, reached["persons"] * factor // 100),
            money=None,
            note="演示：县政府年度民生实事目标（演示用）",
        )
        n += 1
    return n
