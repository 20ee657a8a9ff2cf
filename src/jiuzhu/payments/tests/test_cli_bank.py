import argparse
import io

import pytest
from django.core.management.base import CommandError

from jiuzhu.payments import cli_bank
from jiuzhu.payments.bankfiles.simulate import bank_return_simulate
from jiuzhu.payments.models import PayrollStatus
from jiuzhu.payments.tests.bank_support import build_payroll


def _run(*argv):
    parser = argparse.ArgumentParser()
    cli_bank.register(parser.add_subparsers(dest="subcommand"))
    out = io.StringIO()
    handled = cli_bank.run(vars(parser.parse_args([str(a) for a in argv])), out)
    return handled, out.getvalue()


def test_other_subcommands_are_not_ours():
    assert cli_bank.run({"subcommand": "generate"}, io.StringIO()) is False


def test_export_then_returns(county, make_household, approver, tmp_path):
    built = build_payroll(county, make_household)
    handled, out = _run(
        "export", "--month", "2027-01", "--layout", "nongshang_txt", "--out", tmp_path, "--user", "approver"
    )
    assert handled and "3笔，合计1522.00元" in out
    files = list(tmp_path.glob("DF202701_*.txt"))
    assert len(files) == 1
    built.payroll.refresh_from_db()
    assert built.payroll.status == PayrollStatus.EXPORTED
    ret = tmp_path / "ret.txt"
    ret.write_bytes(
        bank_return_simulate(payroll=built.payroll, layout="nongshang_txt", failures={built.other.pk: "销户"})
    )
    handled, out = _run("returns", ret)
    assert "成功2笔，失败1笔" in out and "已对账" in out
    _, out = _run("returns", ret, "--layout", "nongshang_txt")
    assert "已导入过" in out


def test_refusals_are_command_errors(county, make_household, tmp_path):
    build_payroll(county, make_household, status=PayrollStatus.DRAFT)
    with pytest.raises(CommandError, match="没有待导出"):
        _run("export", "--month", "2027-01", "--layout", "csv", "--out", tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="缺少列"):
        _run("returns", bad, "--layout", "csv")
    with pytest.raises(CommandError, match="不存在"):
        _run("returns", tmp_path / "none.txt")


def test_a_user_who_may_not_is_told(county, make_household, caseworker_a, tmp_path):
    build_payroll(county, make_household)
    with pytest.raises(CommandError, match="无权"):
        _run("export", "--month", "2027-01", "--layout", "csv", "--out", tmp_path, "--user", "caseworker_a")
