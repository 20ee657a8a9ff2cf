"""`jiuzhu import households FILE`: counts on success; exit status 1 and an error report otherwise."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from jiuzhu.cli import main
from jiuzhu.core.models import AuditEntry
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Household, Person
from jiuzhu.registry.tests.test_importer import csv_bytes, family


def run(*args):
    out = io.StringIO()
    call_command("import", *[str(a) for a in args], "--quiet", stdout=out)
    return out.getvalue()


def test_it_imports_a_file_and_prints_the_counts(county, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(family(2)))
    assert "已导入 2 户 6 人" in run("households", path)
    assert Person.objects.count() == 6
    assert AuditEntry.objects.get(action="import", object_type="household").actor_name == "system"


# The command line closes every connection as it exits, which would end a test's transaction on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_a_broken_file_exits_1_and_prints_the_report_path(county, tmp_path, capsys):
    rows = family(2)
    wrong = rows[2][5][:17] + ("0" if rows[2][5][17] != "0" else "1")
    rows[2][5] = wrong
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(rows, encoding="gbk"))
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "households", str(path), "--quiet"])
    assert exit_info.value.code == 1
    out, err = capsys.readouterr()
    assert "未导入任何数据" in err
    report = next(line.split("：", 1)[1] for line in out.splitlines() if line.startswith("错误报告"))
    assert report.startswith(str(tmp_path)) and report.endswith(".xlsx")
    rows = list(load_workbook(report).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "值", "问题")
    assert rows[1][:3] == (4, "身份证号", wrong)
    assert not Household.objects.exists()


def test_the_report_goes_where_asked(county, tmp_path):
    path, report = tmp_path / "roster.csv", tmp_path / "out" / "errors.xlsx"
    path.write_bytes(csv_bytes([["", "", "", "", "甲", "1", "户主"]]))
    with pytest.raises(CommandError) as exc:
        run("households", path, "--report", report)
    assert exc.value.returncode == 1 and report.is_file()


def test_as_a_user_the_import_stays_in_their_region(county, caseworker_b, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(family(1)))  # township A's village
    with pytest.raises(CommandError):
        run("households", path, "--user", "caseworker_b", "--report", tmp_path / "r.xlsx")
    assert load_workbook(tmp_path / "r.xlsx").active["D2"].value == "不在您的管辖范围内"


def test_an_unknown_user_or_a_role_without_rights_is_refused(county, clerk_a, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(family(1)))
    with pytest.raises(CommandError, match="不存在"):
        run("households", path, "--user", "nobody")
    with pytest.raises(CommandError, match="无权"):
        run("households", path, "--user", "clerk_a")


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        run("households", tmp_path / "nope.csv")


def test_regions_are_imported_by_the_same_command(county, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("区划代码,名称,城乡分类代码\n330727100202,新村,220\n", encoding="utf-8")
    assert "新增 1" in run("regions", path)
    assert Region.objects.filter(code="330727100202", name="新村").exists()
