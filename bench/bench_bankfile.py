"""Benchmark of writing and reading a bank file (issue 9), without the database: N households already
netted (what payments.bankfiles.export.payees reads from the payroll lines), accounts encrypted as at rest.

    .venv/bin/python bench/bench_bankfile.py [--households 1000000] [--layout nongshang_txt]

Times the records frame (decrypting every account into it), the file in the layout, and parsing the
bank's answer to it (the return file of the same layout, every tenth household failed). The database
part — reading the lines, the export's BankFile row, marking lines on return — is in bench_payroll.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import tempfile
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--layout", default="nongshang_txt")
    args = parser.parse_args()
    os.environ.setdefault("JIUZHU_DATA_DIR", tempfile.mkdtemp(prefix="jz-bench-bank-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    from jiuzhu import datadir

    datadir.prepare()  # the keys, as any `jiuzhu` command makes them
    django.setup()
    import polars as pl

    from jiuzhu.core import pii
    from jiuzhu.payments.bankfiles import export
    from jiuzhu.payments.bankfiles.layouts import layout_get
    from jiuzhu.payments.bankfiles.returns import return_parse
    from jiuzhu.payments.models import Payroll

    n = args.households
    layout = layout_get(args.layout)
    names = ["王秀英", "欧阳建国", "李四", "赵六"]
    households = pl.DataFrame(
        {
            "household_id": range(1, n + 1),
            "amount_fen": [52800 + i % 1000 for i in range(n)],
            "payee_name": [names[i % 4] for i in range(n)],
            "bank_name": ["磐安农商银行"] * n,
            "account_enc": [pii.encrypt(f"62284800{i:011d}") for i in range(n)],
            "household_number": [f"330727100001{i:05d}" for i in range(n)],
            "region_code": ["330727100001"] * n,
        }
    )
    payroll = Payroll(pk=1, month=dt.date(2027, 1, 1))
    context = {"batch": "P00000001", "date": dt.date.today(), "count": n, "month": payroll.month, "payroll_id": 1}
    context |= {"region_code": "330727000000", "region_name": "磐安县"}
    started = time.perf_counter()
    records = export.records_frame(layout, payroll, households)
    t_records = time.perf_counter() - started
    context["total"] = str(int(households["amount_fen"].sum()))
    started = time.perf_counter()
    data = (
        export._fixed(layout, records, context) if layout.format == "fixed" else export._csv(layout, records, context)
    )
    t_file = time.perf_counter() - started
    print(
        f"{n:,} households, layout {layout.name}: records {t_records:.1f} s, file {t_file:.1f} s, "
        f"{len(data) / 2**20:.0f} MiB"
    )
    if layout.returns.format == "fixed":
        from jiuzhu.payments.bankfiles.simulate import _fixed as answer

        rows = records.to_dicts()
        for i, row in enumerate(rows):
            row["result"], row["reason"] = ("E101", "账户已销户") if i % 10 == 0 else ("0000", "")
        returned = answer(layout, rows, {**context, "date": context["date"].strftime("%Y%m%d")})
        started = time.perf_counter()
        parsed = return_parse(layout, returned)
        print(f"return file parsed: {parsed.frame.height:,} records in {time.perf_counter() - started:.1f} s")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
