from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiuzhu.core.tabular import write_xlsx
from jiuzhu.monitoring.models import MonitoredHousehold
from jiuzhu.monitoring.tests.support import build

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("monitoring", *args, stdout=out)
    return out.getvalue()


def test_scan_from_the_command_line_twice(standards: Any, make_household: Any) -> None:
    build(standards, make_household)
    first = _run("scan", "--region", standards.county.code, "--date", "2026-11-10", "--quiet")
    assert "新纳入 5 户" in first
    second = _run("scan", "--region", standards.county.code, "--date", "2026-11-10", "--quiet")
    assert "新纳入 0 户，等级或类别变化 0 户，定期评估 0 户" in second


def test_a_user_without_the_capability_is_refused(standards: Any, make_household: Any, clerk_a: Any) -> None:
    build(standards, make_household)
    with pytest.raises(CommandError):
        _run("scan", "--user", clerk_a.username, "--quiet")


def test_the_register_file_enrols(standards: Any, make_household: Any, tmp_path: Path) -> None:
    hh = build(standards, make_household)
    path = write_xlsx(
        tmp_path / "register.xlsx",
        ["id_number", "register_number", "name", "relation"],
        [[hh.near_miss.members.first().id_number, "FP1", "钱大", "户主"]],  # type: ignore[union-attr]
    )
    out = _run("register", str(path), "--region", standards.county.code, "--date", "2026-11-10")
    assert "新纳入 1 户" in out
    assert MonitoredHousehold.objects.get(household=hh.near_miss).category == "poverty"


def test_a_register_without_its_columns_is_refused(standards: Any, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bad.xlsx", ["身份证"], [["x"]])
    with pytest.raises(CommandError, match="id_number"):
        _run("register", str(path), "--region", standards.county.code)
