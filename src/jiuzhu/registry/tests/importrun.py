"""Helper process of test_import_chunks: `python -m jiuzhu.registry.tests.importrun FAMILIES CHUNK` on a SQLite
file of its own ($JIUZHU_DATA_DIR). Migrates, makes two villages, then imports a roster of
FAMILIES families of three while another thread edits a household of the next village again and again, each edit one
transaction; prints one JSON line: the longest an edit took, the edits made (and those made while the import was
writing), the import's result and time.
Not a test module (no test_ prefix)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
import threading
import time


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    from jiuzhu import datadir

    datadir.prepare()
    django.setup()


def _roster(families: int, village: str) -> bytes:
    from jiuzhu.core.idcard import make_id_number

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["村（社区）区划代码", "姓名", "身份证号", "与户主关系"])
    start = dt.date(1940, 1, 1)
    for i in range(families):
        birth = start + dt.timedelta(days=i // 150)
        seq = (i % 150) * 3
        w.writerow([village, f"陈{i}强", make_id_number("330727", birth, seq, male=True), "户主"])
        w.writerow(["", f"何{i}英", make_id_number("330727", birth, seq + 1, male=False), "配偶"])
        w.writerow(["", f"陈{i}龙", make_id_number("330727", birth, seq + 2, male=True), "子"])
    return buf.getvalue().encode()


def main(families: int, chunk: int) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections, transaction

    from jiuzhu.regions.services import region_ensure
    from jiuzhu.registry.importer import household_import
    from jiuzhu.registry.models import Household

    settings.JIUZHU_IMPORT_WRITE_CHUNK = chunk
    call_command("migrate", verbosity=0)
    for code, name in (("330000000000", "浙江省"), ("330700000000", "金华市"), ("330727000000", "磐安县"),
                       ("330727100000", "安文街道")):  # fmt: skip
        region_ensure(code=code, name=name)
    village = region_ensure(code="330727100201", name="花溪村")
    neighbour = region_ensure(code="330727100202", name="大园村")
    other = Household.objects.create(number=neighbour.code + "00001", region=neighbour, region_code=neighbour.code,
                                     area="rural", head_name="他户")  # fmt: skip
    data = _roster(families, village.code)

    waits: list[float] = []
    finished: list[float] = []
    stop = threading.Event()

    def clerk() -> None:
        try:
            n = 0
            while not stop.is_set():
                t = time.monotonic()
                with transaction.atomic():  # BEGIN IMMEDIATE: waits for the write lock
                    Household.objects.filter(pk=other.pk).update(notes=f"第{n}次修改")
                waits.append(time.monotonic() - t)
                finished.append(time.monotonic())
                n += 1
                time.sleep(0.05)
        finally:
            connections.close_all()

    writer = threading.Thread(target=clerk)
    writer.start()
    writing: list[float] = []

    def progress(stage: str, fraction: float) -> None:
        if fraction >= 0.4 and not writing:  # household_import's "写入数据库" stage begins at 0.4
            writing.append(time.monotonic())

    t = time.monotonic()
    result = household_import(actor=None, data=data, filename="roster.csv", progress=progress)
    end = time.monotonic()
    seconds = end - t
    time.sleep(0.3)
    stop.set()
    writer.join()
    print(json.dumps({"ok": result.ok, "persons": result.persons, "households": result.households,
                      "import_seconds": round(seconds, 2), "edits": len(waits),
                      "write_seconds": round(end - writing[0], 2) if writing else None,
                      "edits_while_writing": sum(1 for f in finished if writing and writing[0] < f < end),
                      "longest_edit": round(max(waits, default=0.0), 3),
                      "errors": [e.message for e in result.errors[:3]]}))  # fmt: skip


if __name__ == "__main__":
    _django()
    main(int(sys.argv[1]), int(sys.argv[2]))
