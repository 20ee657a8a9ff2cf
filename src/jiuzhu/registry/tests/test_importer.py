"""The roster importer: every row checked first, then all or nothing."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from jiuzhu.conftest import id_for
from jiuzhu.core import pii
from jiuzhu.core.audit import audit_verify
from jiuzhu.core.idcard import check_character
from jiuzhu.core.models import AuditEntry
from jiuzhu.core.tabular import write_error_report
from jiuzhu.registry.importer import household_import, import_template_xlsx
from jiuzhu.registry.models import Household, Person

HEADER = ["户编号", "村（社区）区划代码", "住址", "联系电话", "姓名", "身份证号", "与户主关系", "残疾类别", "残疾等级",
          "工资性收入", "存款", "死亡日期"]  # fmt: skip
A2 = "330727100201"
A1 = "330727100001"
B1 = "330727101201"


def csv_bytes(rows, header=HEADER, encoding="utf-8"):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def row(name, id_number, relation="户主", region=A2, **kw):
    values = {"村（社区）区划代码": region, "姓名": name, "身份证号": id_number, "与户主关系": relation, **kw}
    return [values.get(h, "") for h in HEADER]


def family(n=1, region=A2):
    """n families of head + spouse + son, the household columns only on the head's row."""
    rows = []
    for i in range(n):
        rows.append(row(f"陈{i}强", id_for(dt.date(1960, 1, 1)), region=region, 住址=f"花溪村{i}号",
                        联系电话="13900001111", 存款="1200.5"))  # fmt: skip
        rows.append(row(f"何{i}英", id_for(dt.date(1962, 3, 4), male=False), "配偶", region=""))
        rows.append(row(f"陈{i}龙", id_for(dt.date(1990, 5, 6)), "子", region="", 工资性收入="2300.00"))
    return rows


def messages(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def test_a_valid_file_creates_households_and_persons(county, caseworker_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the audit entry is anchored on commit
        result = household_import(actor=caseworker_a, data=csv_bytes(family(2)), filename="roster.csv")
    assert result.ok, messages(result)
    assert (result.households, result.persons, result.rows) == (2, 6, 6)
    first = Household.objects.get(number=f"{A2}00001")
    assert first.head_name == "陈0强" and first.region_code == A2 and first.area == "rural"
    assert str(first.deposits) == "1200.50" and first.phone == "13900001111"
    assert sorted(first.members.values_list("relation", flat=True)) == ["self", "son", "spouse"]
    son = first.members.get(relation="son")
    assert str(son.income_wage) == "2300.00" and son.birth_date == dt.date(1990, 5, 6)
    assert AuditEntry.objects.filter(action="import").count() == 1
    assert audit_verify().ok


def test_one_bad_row_writes_nothing_and_the_report_names_row_column_value_and_reason(county, caseworker_a, tmp_path):
    rows = family(3)
    good = rows[4][5]
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    rows[4][5] = wrong
    result = household_import(actor=caseworker_a, data=csv_bytes(rows), filename="roster.csv")
    assert not result.ok
    assert Household.objects.count() == 0 and Person.objects.count() == 0
    assert [(e.row, e.column, e.value) for e in result.errors] == [(6, "身份证号", wrong)]
    assert result.errors[0].message == f"校验码错误，应为{check_character(good[:17])}"
    path = write_error_report(tmp_path / "errors.xlsx", result.errors)
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == ["行号", "列", "值", "问题"]
    assert [c.value for c in sheet[2]] == [6, "身份证号", wrong, result.errors[0].message]


def test_a_gbk_csv_imports(county, caseworker_a):
    data = csv_bytes(family(1), encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = household_import(actor=caseworker_a, data=data, filename="花名册.csv")
    assert result.ok, messages(result)
    assert result.encoding == "gbk"
    assert Person.objects.filter(name="何0英").exists()


def test_an_xlsx_imports(county, caseworker_a):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in family(1):
        ws.append(r)
    # Excel cells are often numbers and real dates rather than text.
    ws.append(row("曾小龙", id_for(dt.date(1950, 1, 1)), region=int(A1), 死亡日期=dt.datetime(2024, 3, 1), 存款=100))
    buf = io.BytesIO()
    wb.save(buf)
    result = household_import(actor=caseworker_a, data=buf.getvalue(), filename="roster.xlsx")
    assert result.ok, messages(result)
    assert result.households == 2
    assert Person.objects.get(name="曾小龙").date_of_death == dt.date(2024, 3, 1)


def test_the_template_reads_back_as_a_valid_file(county, admin):
    result = household_import(actor=admin, data=import_template_xlsx(), filename="template.xlsx")
    assert result.ok, messages(result)
    assert result.persons == 1


def test_a_15_digit_id_is_upgraded_to_18(county, caseworker_a):
    old = "330727500101001"  # born 1950-01-01
    result = household_import(actor=caseworker_a, data=csv_bytes([row("老王", old)]), filename="a.csv")
    assert result.ok, messages(result)
    assert result.upgraded == 1
    person = Person.objects.get(name="老王")
    assert person.id_number == "330727195001010014" and person.birth_date == dt.date(1950, 1, 1)
    assert person.sex == "M"


def test_duplicates_inside_the_file_are_refused_even_as_15_and_18_digits(county, caseworker_a):
    rows = [row("老王", "330727500101001"), row("老王", "330727195001010014", "子", region="")]
    result = household_import(actor=caseworker_a, data=csv_bytes(rows), filename="a.csv")
    assert messages(result) == [(3, "身份证号", "与第 2 行的身份证号重复")]
    assert not Person.objects.exists()


def test_duplicates_against_the_database_name_the_household_in_scope(county, caseworker_a, make_household):
    existing = make_household(county.village_a1).members.get()
    rows = [row("张三", existing.id_number)]
    result = household_import(actor=caseworker_a, data=csv_bytes(rows), filename="a.csv")
    assert messages(result) == [(2, "身份证号", f"该身份证号已登记在户 {existing.household.number}")]


def test_duplicates_outside_the_scope_do_not_say_where(county, caseworker_b, make_household):
    existing = make_household(county.village_a1).members.get()
    rows = [row("张三", existing.id_number, region=B1)]
    result = household_import(actor=caseworker_b, data=csv_bytes(rows), filename="a.csv")
    assert messages(result) == [(2, "身份证号", "该身份证号已在其他地区登记")]
    assert existing.household.number not in result.errors[0].message


def test_during_a_key_rotation_a_person_under_the_old_key_is_found_and_the_new_ones_take_the_current_key(
    county, caseworker_a, make_household, settings
):
    old = make_household(county.village_a1).members.get()  # sealed under the key of the test settings
    settings.PII_KEY = pii.format_keyring([(7, "6b" * 64), *pii.parse_keyring(settings.PII_KEY)])
    result = household_import(actor=caseworker_a, data=csv_bytes([row("张三", old.id_number)]), filename="a.csv")
    assert messages(result) == [(2, "身份证号", f"该身份证号已登记在户 {old.household.number}")]

    result = household_import(actor=caseworker_a, data=csv_bytes(family(1)), filename="a.csv")
    assert result.ok, messages(result)
    for person in Person.objects.exclude(pk=old.pk):
        assert person.id_number_enc.startswith("v7:")
        assert person.id_number_hash == pii.lookup_hash(person.id_number) == pii.lookup_hashes(person.id_number)[0]


def test_a_village_outside_the_scope_is_refused(county, caseworker_b):
    result = household_import(actor=caseworker_b, data=csv_bytes(family(1)), filename="a.csv")
    assert messages(result) == [(2, "村（社区）区划代码", "不在您的管辖范围内")]
    assert not Household.objects.exists()


def test_region_codes_must_exist_and_be_villages(county, admin):
    rows = [row("甲", id_for(dt.date(1970, 1, 1)), region="330727100999"),
            row("乙", id_for(dt.date(1971, 1, 1)), region="330727100000"),
            row("丙", id_for(dt.date(1972, 1, 1)), region="33072710")]  # fmt: skip
    result = household_import(actor=admin, data=csv_bytes(rows), filename="a.csv")
    assert [m for _r, _c, m in messages(result)] == [
        "区划代码不存在",
        "不是村（社区）级区划代码：家庭只能登记在村（社区）",
        "区划代码应为12位数字",
    ]


def test_each_family_needs_exactly_one_head(county, admin):
    rows = [
        row("甲", id_for(dt.date(1970, 1, 1)), 户编号=f"{A2}00007"),
        row("乙", id_for(dt.date(1971, 1, 1)), 户编号=f"{A2}00007"),
        row("丙", id_for(dt.date(1972, 1, 1)), "子", 户编号=f"{A2}00008"),
    ]
    result = household_import(actor=admin, data=csv_bytes(rows), filename="a.csv")
    assert messages(result) == [
        (3, "与户主关系", "同一户有多名户主（第 2 行已是户主）"),
        (4, "与户主关系", "该户没有户主（每户应有且只有一名户主）"),
    ]


def test_members_before_any_head_cannot_be_placed(county, admin):
    rows = [row("乙", id_for(dt.date(1971, 1, 1)), "配偶"), row("甲", id_for(dt.date(1970, 1, 1)))]
    result = household_import(actor=admin, data=csv_bytes(rows), filename="a.csv")
    assert messages(result) == [
        (2, "与户主关系", "无法确定所属家庭：请填写户编号或户主身份证号，或把成员行放在户主行之后")
    ]


def test_families_can_be_grouped_by_the_heads_id_number_in_any_order(county, admin):
    head, wife = id_for(dt.date(1970, 1, 1)), id_for(dt.date(1972, 1, 1), male=False)
    other = id_for(dt.date(1980, 1, 1))
    header = ["户主身份证号", "村（社区）区划代码", "姓名", "身份证号", "与户主关系"]
    rows = [[head, "", "李妻", wife, "妻子"], ["", A2, "王五", other, "户主"], [head, A2, "李四", head, "户主"]]
    result = household_import(actor=admin, data=csv_bytes(rows, header), filename="a.csv")
    assert result.ok, messages(result)
    li = Household.objects.get(head_name="李四")
    assert set(li.members.values_list("name", flat=True)) == {"李四", "李妻"}
    assert li.members.get(name="李妻").relation == "spouse"


def test_household_columns_must_agree_within_a_family(county, admin):
    rows = family(1)
    rows[1][2] = "别的地址"
    result = household_import(actor=admin, data=csv_bytes(rows), filename="a.csv")
    assert messages(result) == [(3, "住址", "同一户各行应一致：第 2 行为“花溪村0号”")]


def test_a_given_household_number_is_kept_and_generated_ones_follow_it(county, admin, make_household):
    make_household(county.village_a2)  # takes serial 00001
    rows = [row("甲", id_for(dt.date(1970, 1, 1)), 户编号=f"{A2}00009"), row("乙", id_for(dt.date(1971, 1, 1)))]
    result = household_import(actor=admin, data=csv_bytes(rows), filename="a.csv")
    assert result.ok, messages(result)
    assert Household.objects.get(head_name="甲").number == f"{A2}00009"
    assert Household.objects.get(head_name="乙").number == f"{A2}00010"


def test_the_last_serial_of_each_village_is_read_by_its_numbers(county, admin, make_household):
    """The highest serial of a village is the highest number carrying its code, wherever the household lives
    now, found per village down the number's index (households_last_serial)."""
    from jiuzhu.registry.selectors import households_last_serial

    for _ in range(3):
        make_household(county.village_a2)  # serials 00001 to 00003
    moved = make_household(county.village_a1)
    Household.objects.filter(pk=moved.pk).update(number=f"{A2}00012")  # numbered in A2, lives in A1 now
    assert households_last_serial(villages=[A2, county.village_a1.code, B1]) == {A2: 12}
    rows = [row("乙", id_for(dt.date(1971, 1, 1)))]
    result = household_import(actor=admin, data=csv_bytes(rows), filename="a.csv")
    assert result.ok, messages(result)
    assert Household.objects.get(head_name="乙").number == f"{A2}00013"


def test_values_are_checked_column_by_column(county, admin):
    rows = [
        row("甲", id_for(dt.date(1970, 1, 1)), 工资性收入="-5", 存款="12.345"),
        row("乙", id_for(dt.date(1971, 1, 1)), "外星人", region=""),
        row("丙", id_for(dt.date(1972, 1, 1)), "子", region="", 残疾类别="肢体残疾", 死亡日期="明天"),
        row("丁", id_for(dt.date(1973, 1, 1)), "女", region="", 残疾等级="5", 死亡日期="1960-01-01"),
        row("", "330727197301011234", "女", region=""),
    ]
    result = household_import(actor=admin, data=csv_bytes(rows), filename="a.csv")
    got = messages(result)
    assert (2, "存款", "应为不小于0的金额，最多两位小数") in got
    assert (2, "工资性收入", "应为不小于0的金额，最多两位小数") in got
    assert any(r == 3 and c == "与户主关系" and m.startswith("应为以下之一：户主、配偶") for r, c, m in got)
    assert (4, "残疾等级", "填写了残疾类别，应同时填写残疾等级") in got
    assert (4, "死亡日期", "日期格式应为 2025-03-01") in got
    assert (5, "残疾等级", "残疾等级应为 1、2、3 或 4") in got
    assert (5, "死亡日期", "死亡日期不能早于出生日期") in got
    assert (6, "姓名", "姓名不能为空") in got
    assert any(r == 6 and c == "身份证号" and m.startswith("校验码错误") for r, c, m in got)
    assert not Household.objects.exists()


def test_a_missing_required_column_is_reported_on_the_header_row(county, admin):
    data = csv_bytes([["甲", "x"]], header=["姓名", "身份证号"])
    result = household_import(actor=admin, data=data, filename="a.csv")
    assert messages(result) == [(1, "村（社区）区划代码", "缺少必需的列"), (1, "与户主关系", "缺少必需的列")]


def test_an_unreadable_file_is_one_error(county, admin):
    result = household_import(actor=admin, data=b"\xff\xfe\x00garbage\x81", filename="a.xls")
    assert len(result.errors) == 1 and result.errors[0].row == 1


def test_a_role_without_import_rights_is_refused(county, clerk_a):
    with pytest.raises(PermissionDenied):
        household_import(actor=clerk_a, data=csv_bytes(family(1)), filename="a.csv")


def test_the_command_line_operator_has_no_region_limit(county):
    result = household_import(actor=None, data=csv_bytes(family(1, region=B1)), filename="a.csv")
    assert result.ok, messages(result)
    entry = AuditEntry.objects.get(action="import")
    assert entry.actor_name == "system"


def test_id_numbers_are_stored_encrypted_and_found_by_hash(county, admin):
    number = id_for(dt.date(1950, 1, 1))
    household_import(actor=admin, data=csv_bytes([row("甲", number.lower())]), filename="a.csv")
    person = Person.objects.get(id_number_hash=pii.lookup_hash(number))
    assert number not in person.id_number_enc and person.id_number == number
