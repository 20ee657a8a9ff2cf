"""A payroll job killed with SIGKILL halfway leaves nothing half-written, and running it again completes.

Runs the generation in a separate process on a SQLite file of its own, kills it once the generation has
begun, and looks at the file: either no payroll or a whole one (the payroll, its lines and its totals are
one transaction). Then the same command again writes the whole payroll."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

N = 40_000


def _run(env, *args, **kw):
    return subprocess.Popen(
        [sys.executable, "-m", "jiuzhu.payments.tests.killrun", *args], env=env, stdout=subprocess.PIPE, text=True, **kw
    )


def _state(db):
    with sqlite3.connect(db) as con:
        payrolls = con.execute("SELECT line_count, total_fen FROM payments_payroll").fetchall()
        lines = con.execute("SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM payments_payrollline").fetchone()
    return payrolls, lines


def test_a_killed_generation_leaves_nothing_half_written(tmp_path):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("runs on a SQLite file of its own")
    env = {**os.environ, "JIUZHU_DATA_DIR": str(tmp_path / "kill")}
    env.pop("DATABASE_URL", None)
    setup = _run(env, "setup", str(N))
    assert setup.wait(timeout=300) == 0
    db = tmp_path / "kill" / "jiuzhu.sqlite3"

    victim = _run(env, "generate")
    assert victim.stdout is not None and victim.stdout.readline().strip() == "started"
    time.sleep(0.3)  # inside the generation: reading, joining or inserting the lines
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=60)
    payrolls, (count, total) = _state(db)
    assert payrolls in ([], [(N, N * 39650)])
    assert (count, total) == ((0, 0) if not payrolls else (N, N * 39650))

    rerun = _run(env, "generate")
    out, _err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0 and out.split() == ["started", "done", str(N)]
    assert _state(db) == ([(N, N * 39650)], (N, N * 39650))
