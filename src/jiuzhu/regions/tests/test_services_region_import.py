import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jiuzhu.conftest import PASSWORD
from jiuzhu.regions.models import Level, Region
from jiuzhu.regions.services import region_import

GOOD = "区划代码,名称,城乡分类代码\n330727102000,新渥街道,\n330727102001,新渥社区,111\n330727102201,大皿村,220\n"


def test_the_county_admin_imports_townships_and_villages(county, admin):
    result = region_import(actor=admin, data=GOOD.encode("gbk"), filename="regions.csv")
    assert result.ok and result.created == 3
    village = Region.objects.get(code="330727102201")
    assert village.level == Level.VILLAGE and village.parent.code == "330727102000"
    assert village.urban_rural == "220" and not village.is_urban


def test_a_second_import_updates_names(county, admin):
    region_import(actor=admin, data=GOOD.encode(), filename="regions.csv")
    result = region_import(actor=admin, data="区划代码,名称\n330727102201,大皿新村\n".encode(), filename="r.csv")
    assert result.created == 0 and result.updated == 1
    assert Region.objects.get(code="330727102201").name == "大皿新村"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("33072710200,短码", "12位数字"),
        ("330727199201,无上级村", "上级区划 330727199000 不存在"),
        ("330728001000,外县乡镇", "不在您的管辖范围内"),
        ("330727102202,,", "名称不能为空"),
        ("330727102203,某村,999", "城乡分类代码"),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_written(county, admin, row, message):
    before = Region.objects.count()
    result = region_import(actor=admin, data=(GOOD + row + "\n").encode(), filename="regions.csv")
    assert not result.ok
    assert any(message in e.message and e.row == 5 for e in result.errors)
    assert Region.objects.count() == before


def test_only_the_county_admin_may_import(county, caseworker_a):
    with pytest.raises(PermissionDenied):
        region_import(actor=caseworker_a, data=GOOD.encode(), filename="regions.csv")


def test_the_page_shows_the_errors_in_chinese(client, county, admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.login(username="admin", password=PASSWORD)
    upload = SimpleUploadedFile("regions.csv", (GOOD + "1234,坏行\n").encode())
    response = client.post(reverse("regions:list"), {"file": upload})
    html = response.content.decode()
    assert "未导入任何数据" in html and "12位数字" in html
    assert not Region.objects.filter(code="330727102000").exists()
