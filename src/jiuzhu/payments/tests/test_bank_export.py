import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from jiuzhu.core.models import AuditEntry
from jiuzhu.payments.bankfiles.export import bank_file_export, bank_file_render, line_reference
from jiuzhu.payments.bankfiles.layouts import BankFileError, fen_text, layout_get, layouts_all, text_fen
from jiuzhu.payments.models import BankFile, LineStatus, PayrollLine, PayrollStatus
from jiuzhu.payments.tests.bank_support import build_payroll
from jiuzhu.registry.models import Person


@pytest.fixture
def built(county, make_household):
    return build_payroll(county, make_household)


def test_shipped_layouts_load():
    names = {layout.name for layout in layouts_all()}
    assert {"yikatong", "nongshang_txt", "csv"} <= names
    assert layout_get("nongshang_txt").encoding == "gbk"
    with pytest.raises(BankFileError, match="没有名为"):
        layout_get("nope")


def test_amounts_are_exact_text_both_ways():
    assert fen_text(46600, "yuan") == "466.00" and fen_text(5, "yuan") == "0.05" and fen_text(5, "fen") == "5"
    assert text_fen("466.00", "yuan") == 46600 and text_fen("0.1", "yuan") == 10 and text_fen("46600", "fen") == 46600
    with pytest.raises(BankFileError, match="整分"):
        text_fen("1.001", "yuan")
    with pytest.raises(BankFileError, match="不是数字"):
        text_fen("abc", "yuan")


def test_fixed_width_gbk_file_carries_the_payrolls_count_and_total(built, approver):
    bank_file, data = bank_file_export(actor=approver, payroll=built.payroll, layout="nongshang_txt")
    records = data.split(b"\r\n")[:-1]
    head, body, tail = records[0], records[1:-1], records[-1]
    assert all(len(r) == 116 for r in body) and len(head) == 54 and len(tail) == 26
    # The household whose recovery takes all of its month needs no transfer.
    assert len(body) == 3 == bank_file.line_count
    amounts = [int(r[71:86]) for r in body]
    assert sum(amounts) == built.payroll.total_fen == bank_file.total_fen == int(tail[11:26]) == int(head[39:54])
    assert int(head[29:39]) == 3 == int(tail[1:11])
    names = [r[51:71].decode("gbk").strip() for r in body]
    assert "欧阳建国" in names and "李四" not in names
    # The account is in the clear in the file only.
    assert b"6228480001000000022" in data
    assert body[0][1:21].decode() == line_reference(built.payroll.pk, built.regular.pk)
    built.payroll.refresh_from_db()
    assert built.payroll.status == PayrollStatus.EXPORTED and built.payroll.exported_at is not None
    assert set(PayrollLine.objects.filter(household=built.settled).values_list("status", flat=True)) == {
        LineStatus.PAID
    }
    assert PayrollLine.objects.filter(payroll=built.payroll, status=LineStatus.PENDING).count() == 5
    assert bank_file.filename == f"DF202701_330727000000_{built.payroll.pk:08d}.txt"
    assert AuditEntry.objects.filter(object_type="payroll", action="export").exists()


def test_yikatong_sheet_totals_equal_the_lines(built, approver):
    bank_file, data = bank_file_export(actor=approver, payroll=built.payroll, layout="yikatong")
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [[c if c is not None else "" for c in row] for row in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "磐安县2027年01月社会救助资金一卡通代发清单"
    assert rows[1][5] == "3" and rows[1][7] == "1522.00"
    header = rows[2]
    body = rows[3:-1]
    amounts = [text_fen(r[header.index("发放金额（元）")], "yuan") for r in body]
    assert sum(amounts) == built.payroll.total_fen
    assert rows[-1][0] == "合计" and rows[-1][6] == "1522.00" and rows[-1][7] == "3笔"
    # The head's ID number, as the 一卡通 sheet carries it.
    heads = {p.household.number: p.id_number for p in Person.objects.select_related("household")}
    assert all(heads[r[header.index("户编号")]] == r[header.index("身份证号码")] for r in body)
    # The same bytes again for a lost download.
    assert bank_file_render(actor=approver, bank_file=bank_file) == data


def test_plain_csv(built, approver):
    _, data = bank_file_export(actor=approver, payroll=built.payroll, layout="csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "业务编号" and len(rows) == 4
    assert sum(text_fen(r[5], "yuan") for r in rows[1:]) == built.payroll.total_fen


def test_only_an_approved_payroll_is_exported_once(county, make_household, approver):
    built = build_payroll(county, make_household, status=PayrollStatus.CHECKED)
    with pytest.raises(BankFileError, match="只有已审批"):
        bank_file_export(actor=approver, payroll=built.payroll, layout="csv")
    built.payroll.status = PayrollStatus.APPROVED
    built.payroll.save()
    bank_file_export(actor=approver, payroll=built.payroll, layout="csv")
    with pytest.raises(BankFileError, match="只有已审批"):
        bank_file_export(actor=approver, payroll=built.payroll, layout="csv")
    assert BankFile.objects.count() == 1


def test_a_total_that_does_not_match_the_lines_is_refused(built, approver):
    built.payroll.total_fen += 1
    built.payroll.save()
    with pytest.raises(BankFileError, match="不符"):
        bank_file_export(actor=approver, payroll=built.payroll, layout="nongshang_txt")
    built.payroll.refresh_from_db()
    assert built.payroll.status == PayrollStatus.APPROVED and not BankFile.objects.exists()


def test_a_name_gbk_cannot_carry_is_refused_not_mangled(built, approver):
    PayrollLine.objects.filter(household=built.regular).update(payee_name="王𠮷")
    with pytest.raises(BankFileError, match="无法用gbk编码"):
        bank_file_export(actor=approver, payroll=built.payroll, layout="nongshang_txt")
    _, data = bank_file_export(actor=approver, payroll=built.payroll, layout="csv")
    assert "王𠮷" in data.decode("utf-8-sig")


def test_a_missing_account_is_refused(built, approver):
    PayrollLine.objects.filter(household=built.other).update(account_enc="")
    with pytest.raises(BankFileError, match="没有银行账号"):
        bank_file_export(actor=approver, payroll=built.payroll, layout="csv")


def test_who_may_export(built, caseworker_a, admin):
    for user in (caseworker_a, admin):
        with pytest.raises(PermissionDenied):
            bank_file_export(actor=user, payroll=built.payroll, layout="csv")


def test_a_value_too_long_for_its_field_is_refused_not_cut(built, approver):
    # 12 Chinese characters are 24 bytes in GBK: the payee field of nongshang_txt holds 20.
    PayrollLine.objects.filter(household=built.regular).update(payee_name="欧阳" * 6)
    with pytest.raises(BankFileError, match="超过了"):
        bank_file_export(actor=approver, payroll=built.payroll, layout="nongshang_txt")
    PayrollLine.objects.filter(household=built.regular).update(payee_name="欧阳" * 5)  # exactly 20 bytes
    _, data = bank_file_export(actor=approver, payroll=built.payroll, layout="nongshang_txt")
    assert ("欧阳" * 5).encode("gbk") in data
