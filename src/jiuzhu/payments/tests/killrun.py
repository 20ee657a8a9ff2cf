"""Helper process of test_payroll_kill: `python -m jiuzhu.payments.tests.killrun setup N | generate` on the
SQLite database of $JIUZHU_DATA_DIR. Not a test module (no test_ prefix)."""

from __future__ import annotations

import datetime as dt
import os
import sys

MONTH = dt.date(2027, 1, 1)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    from jiuzhu import datadir

    datadir.prepare()
    django.setup()


def setup(n: int) -> None:
    import polars as pl
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from jiuzhu.core.bulk import bulk_insert
    from jiuzhu.payments.models import Entitlement
    from jiuzhu.regions.services import region_ensure
    from jiuzhu.registry.models import Household

    call_command("migrate", verbosity=0)
    region_ensure(code="330000000000", name="浙江省")
    region_ensure(code="330700000000", name="金华市")
    region_ensure(code="330727000000", name="磐安县")
    region_ensure(code="330727100000", name="安文街道")
    village = region_ensure(code="330727100201", name="花溪村")
    now = timezone.now()
    households = pl.DataFrame(
        {"id": range(1, n + 1), "number": [f"K{i:011d}" for i in range(1, n + 1)]}
    ).with_columns(
        region_id=pl.lit(village.pk), region_code=pl.lit(village.code), area=pl.lit("rural"), address=pl.lit(""),
        head_name=pl.lit("户主"), phone_enc=pl.lit(""), phone_masked=pl.lit(""), bank_name=pl.lit(""),
        bank_account_enc=pl.lit(""), bank_account_masked=pl.lit(""), deposits=pl.lit("0"), vehicles=pl.lit(0),
        disability_vehicle=pl.lit(False), homes=pl.lit(1), business=pl.lit(False), notes=pl.lit(""),
        created_at=pl.lit(now), updated_at=pl.lit(now),
    )  # fmt: skip
    entitlements = pl.DataFrame({"household_id": range(1, n + 1)}).with_columns(
        region_code=pl.lit(village.code), program=pl.lit("dibao_rural"), monthly_amount=pl.lit("396.50"),
        start_month=pl.lit(dt.date(2026, 6, 1)), status=pl.lit("active"), gradual_exit=pl.lit(False),
        reason=pl.lit(""), created_at=pl.lit(now),
    )  # fmt: skip
    with transaction.atomic():
        bulk_insert(Household, households)
        bulk_insert(Entitlement, entitlements)


def generate() -> None:
    from jiuzhu.payments.services.payroll import payroll_generate
    from jiuzhu.regions.models import Region

    county = Region.objects.get(code="330727000000")
    print("started", flush=True)
    payroll = payroll_generate(actor=None, month=MONTH, region=county)
    print("done", payroll.line_count, flush=True)


if __name__ == "__main__":
    _django()
    if sys.argv[1] == "setup":
        setup(int(sys.argv[2]))
    else:
        generate()
