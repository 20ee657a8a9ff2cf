import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from jiuzhu.payments.bankfiles.export import bank_file_export, line_reference
from jiuzhu.payments.bankfiles.layouts import BankFileError
from jiuzhu.payments.bankfiles.returns import bank_return_import
from jiuzhu.payments.bankfiles.simulate import bank_return_simulate
from jiuzhu.payments.models import (
    AccountFlag,
    BankReturn,
    LineKind,
    LineStatus,
    Payroll,
    PayrollLine,
    PayrollStatus,
)
from jiuzhu.payments.tests.bank_support import MONTH, build_payroll
from jiuzhu.registry.services import household_update


@pytest.fixture
def exported(county, make_household, approver):
    built = build_payroll(county, make_household)
    bank_file_export(actor=approver, payroll=built.payroll, layout="nongshang_txt")
    return built


def _statuses(payroll):
    return dict(PayrollLine.objects.filter(payroll=payroll).values_list("id", "status"))


def test_gbk_return_round_trip_marks_paid_and_failed_and_flags_the_household(exported, approver):
    data = bank_return_simulate(
        payroll=exported.payroll, layout="nongshang_txt", failures={exported.adjusted.pk: "户名不符"}
    )
    data.decode("gbk")  # the bank's GBK, Chinese reason included
    result = bank_return_import(actor=approver, data=data, filename="RET202701.txt")
    assert (result.created, result.paid, result.failed, result.reconciled) == (True, 2, 1, True)
    lines = PayrollLine.objects.filter(payroll=exported.payroll)
    assert set(lines.filter(household=exported.adjusted).values_list("status", "failure_reason")) == {
        (LineStatus.FAILED, "户名不符")
    }
    assert set(lines.exclude(household=exported.adjusted).values_list("status", flat=True)) == {LineStatus.PAID}
    flag = AccountFlag.objects.get()
    assert flag.household == exported.adjusted and flag.reason == "户名不符" and flag.resolved_at is None
    assert flag.line is not None and flag.line.household == exported.adjusted
    exported.payroll.refresh_from_db()
    assert exported.payroll.status == PayrollStatus.RECONCILED and exported.payroll.reconciled_at is not None
    assert BankReturn.objects.get().failed == 1


def test_the_same_file_twice_changes_nothing(exported, approver):
    data = bank_return_simulate(
        payroll=exported.payroll, layout="nongshang_txt", failures={exported.other.pk: "账户已销户"}
    )
    bank_return_import(actor=approver, data=data, filename="a.txt")
    before = _statuses(exported.payroll)
    again = bank_return_import(actor=approver, data=data, filename="a.txt", layout="nongshang_txt")
    assert not again.created and again.failed == 1
    assert _statuses(exported.payroll) == before
    assert BankReturn.objects.count() == 1 and AccountFlag.objects.count() == 1


def _csv_return(rows):
    text = "业务编号,金额（元）,结果,原因\r\n" + "".join(",".join(r) + "\r\n" for r in rows)
    return text.encode("gbk")


def test_a_partial_return_then_the_rest_reconciles(county, make_household, approver):
    built = build_payroll(county, make_household)
    bank_file_export(actor=approver, payroll=built.payroll, layout="csv")
    p = built.payroll.pk
    first = _csv_return([(line_reference(p, built.regular.pk), "528.00", "成功", "")])
    assert not bank_return_import(actor=approver, data=first, filename="1.csv", layout="csv").reconciled
    built.payroll.refresh_from_db()
    assert built.payroll.status == PayrollStatus.EXPORTED
    rest = _csv_return(
        [
            (line_reference(p, built.adjusted.pk), "466.00", "成功", ""),
            (line_reference(p, built.other.pk), "528.00", "失败", "账号不存在"),
        ]
    )
    # An answered household answered again (another file) is refused.
    with pytest.raises(BankFileError, match="已在之前的回盘中处理过"):
        bank_return_import(actor=approver, data=first + b"\r\n", filename="1b.csv", layout="csv")
    assert bank_return_import(actor=approver, data=rest, filename="2.csv").reconciled


def test_the_yikatong_sheet_round_trip(county, make_household, approver):
    built = build_payroll(county, make_household)
    bank_file_export(actor=approver, payroll=built.payroll, layout="yikatong")
    data = bank_return_simulate(payroll=built.payroll, layout="yikatong", failures={built.regular.pk: "卡片挂失"})
    result = bank_return_import(actor=approver, data=data, filename="回盘.xlsx")
    assert (result.paid, result.failed, result.reconciled) == (2, 1, True)


def _malformed(exported, approver, data, match, **kw):
    before = _statuses(exported.payroll)
    with pytest.raises(BankFileError, match=match):
        bank_return_import(actor=approver, data=data, filename="bad", **kw)
    assert _statuses(exported.payroll) == before
    assert not BankReturn.objects.exists() and not AccountFlag.objects.exists()
    exported.payroll.refresh_from_db()
    assert exported.payroll.status == PayrollStatus.EXPORTED


def test_malformed_files_are_refused_and_change_nothing(exported, approver, county, make_household):
    good = bank_return_simulate(payroll=exported.payroll, layout="nongshang_txt", failures={exported.other.pk: "x"})
    text = good.decode("gbk")
    lines = text.split("\r\n")
    p = exported.payroll.pk
    # The trailer's total changed.
    tail = lines[-2]
    bad_total = "\r\n".join([*lines[:-2], tail.replace("152200", "152201"), ""]).encode("gbk")
    _malformed(exported, approver, bad_total, "合计金额", layout="nongshang_txt")
    # A record dropped: the count no longer matches the trailer.
    dropped = "\r\n".join([*lines[:1], *lines[2:]]).encode("gbk")
    _malformed(exported, approver, dropped, "笔数", layout="nongshang_txt")
    # A record cut short.
    short = "\r\n".join([lines[0], lines[1][:-3], *lines[2:]]).encode("gbk")
    _malformed(exported, approver, short, "长度", layout="nongshang_txt")
    # Wrong columns.
    _malformed(exported, approver, "编号,金额\r\n1,2\r\n".encode(), "缺少列", layout="csv")
    # A reference this payroll never exported; another amount; not ours at all.
    ref = line_reference(p, exported.settled.pk)
    _malformed(exported, approver, _csv_return([(ref, "1.00", "成功", "")]), "不在本批次", layout="csv")
    ref = line_reference(p, exported.regular.pk)
    _malformed(exported, approver, _csv_return([(ref, "527.00", "成功", "")]), "金额与导出", layout="csv")
    _malformed(exported, approver, _csv_return([("X1", "527.00", "成功", "")]), "不是本系统导出", layout="csv")
    _malformed(exported, approver, _csv_return([(ref, "528.00", "成功", "")] * 2), "不止一次", layout="csv")
    # The return of another payroll, uploaded on this one.
    other = Payroll.objects.create(month=MONTH, region=county.township_a, region_code=county.township_a.code)
    _malformed(exported, approver, good, "不是本批次", payroll=other)
    # Not a file of any layout.
    _malformed(exported, approver, b"hello", "无法识别")


def test_a_return_before_export_is_refused(county, make_household, approver):
    built = build_payroll(county, make_household)
    data = "\r\n".join(
        ["业务编号,金额（元）,结果,原因", f"{line_reference(built.payroll.pk, built.regular.pk)},528.00,成功,"]
    )
    with pytest.raises(BankFileError, match="不能导入回盘"):
        bank_return_import(actor=approver, data=data.encode(), filename="r.csv")


def test_out_of_scope_payroll_does_not_exist(exported, caseworker_b, approver):
    data = bank_return_simulate(payroll=exported.payroll, layout="nongshang_txt")
    with pytest.raises(BankFileError, match="不存在"):
        bank_return_import(actor=caseworker_b, data=data, filename="r.txt")


def test_a_corrected_account_releases_the_flag_and_the_month_can_be_paid_again(exported, approver, admin):
    data = bank_return_simulate(
        payroll=exported.payroll, layout="nongshang_txt", failures={exported.regular.pk: "销户"}
    )
    bank_return_import(actor=approver, data=data, filename="r.txt")
    ent = exported.entitlements[exported.regular.pk]
    nxt = Payroll.objects.create(month=dt.date(2027, 2, 1), region=exported.payroll.region, region_code="330727000000")
    # The month paid (to household `other`) stays paid once: the database refuses it again.
    ent_other = exported.entitlements[exported.other.pk]
    with pytest.raises(IntegrityError), transaction.atomic():
        PayrollLine.objects.create(
            payroll=nxt, household=exported.other, region_code=exported.other.region_code, program="dibao",
            entitlement=ent_other, kind=LineKind.REGULAR, service_month=MONTH, amount_fen=52800,
        )  # fmt: skip
    household_update(actor=admin, household=exported.regular, bank_account="6228480001000000099")
    flag = AccountFlag.objects.get(household=exported.regular)
    assert flag.resolved_at is not None
    # The returned month is free to be paid again by the next payroll.
    PayrollLine.objects.create(
        payroll=nxt, household=exported.regular, region_code=exported.regular.region_code, program="dibao",
        entitlement=ent, kind=LineKind.REGULAR, service_month=MONTH, amount_fen=52800,
    )  # fmt: skip
