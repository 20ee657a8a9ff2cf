"""The roster's columns (家庭成员花名册), declared once: header, field, kind, level, whether required, help.
The parsers, the template, the export and the header matching all read this list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from jiuzhu.registry.models import Area, DisabilityKind, Employment, Labor, OrphanKind, Relation, Supporter

Kind = Literal[
    "key", "text", "id", "region", "choice", "bool", "money", "int", "grade", "date", "sex", "phone", "account"
]


@dataclass(frozen=True)
class Column:
    key: str  # the frame column and, unless `field` says otherwise, the model field
    header: str  # the Chinese header in the file: a data format, so never translated
    kind: Kind
    level: Literal["household", "person"]
    required: bool = False
    max_length: int = 0
    choices: type[models.TextChoices] | None = None
    default: str = ""
    aliases: tuple[str, ...] = ()
    help: StrOrPromise = ""
    example: str = ""
    maximum: int = 999  # the largest value of an "int" column
    blank: StrOrPromise = ""  # what the report says when a required text cell is empty
    field: str = ""  # the model field, when it is not `key`

    @property
    def parsed(self) -> str:
        """The frame column holding this column's parsed value, beside the column of text as written."""
        return "_" + self.key


def _money(key: str, header: str, help_text: StrOrPromise, example: str = "0") -> Column:
    return Column(key, header, "money", "person", help=help_text, example=example)


COLUMNS: tuple[Column, ...] = (
    Column("household_number", "户编号", "key", "household", max_length=17, aliases=("家庭编号",), field="number",
           help=gettext_lazy("可留空，自动编号；填写时应为村（社区）区划代码加5位序号。同一户各行相同")),
    Column("head_id", "户主身份证号", "key", "household", aliases=("户主身份证号码",),
           help=gettext_lazy("可留空；填写时同一户各行填户主的身份证号。不填户编号和户主身份证号时，"
                             "成员行归入其上方最近的户主行所在的户")),
    Column("region_code", "村（社区）区划代码", "region", "household", required=True,
           aliases=("村（社区）代码", "区划代码", "村居区划代码", "村（居）区划代码"),
           help=gettext_lazy("12位统计用区划代码，须为您管辖范围内的村（社区）"), example="330727100201"),
    Column("area", "城乡类别", "choice", "household", choices=Area, aliases=("城乡",),
           help=gettext_lazy("留空时按村（社区）的城乡分类确定"), example="农村"),
    Column("address", "住址", "text", "household", max_length=200, aliases=("家庭住址", "地址"),
           example="花溪村3组12号"),
    Column("phone", "联系电话", "phone", "household", aliases=("电话", "手机号", "手机号码"),
           help=gettext_lazy("7至12位数字"), example="13900001111"),
    Column("bank_name", "开户银行", "text", "household", max_length=60, example="农商银行"),
    Column("bank_account", "银行账号", "account", "household", aliases=("银行卡号", "账号"),
           help=gettext_lazy("12至30位数字"), example="6230910000000000001"),
    Column("deposits", "存款", "money", "household", aliases=("存款及有价证券",),
           help=gettext_lazy("全户存款及有价证券，元，最多两位小数"), example="1200.50"),
    Column("vehicles", "机动车辆数", "int", "household", default="0", aliases=("车辆数",), example="0"),
    Column("disability_vehicle", "残疾人代步车", "bool", "household",
           aliases=("车辆为残疾人功能性补偿代步机动车",), help=gettext_lazy("是/否"), example="否"),
    Column("homes", "房产套数", "int", "household", default="1", example="1"),
    Column("business", "有工商登记", "bool", "household", help=gettext_lazy("是/否"), example="否"),
    Column("name", "姓名", "text", "person", required=True, max_length=50, example="陈国强",
           blank=gettext_lazy("姓名不能为空")),
    Column("id_number", "身份证号", "id", "person", required=True, aliases=("身份证号码", "公民身份号码"),
           help=gettext_lazy("18位，或15位旧号码（自动升级为18位）。请将单元格设为文本格式"),
           example="330727195001010014"),
    Column("relation", "与户主关系", "choice", "person", required=True, choices=Relation,
           help=gettext_lazy("每户有且只有一名户主"), example="户主"),
    Column("sex", "性别", "sex", "person", help=gettext_lazy("可留空；填写时须与身份证号一致"), example="男"),
    Column("birth_date", "出生日期", "date", "person", help=gettext_lazy("可留空；填写时须与身份证号一致")),
    Column("disability_kind", "残疾类别", "choice", "person", choices=DisabilityKind, aliases=("残疾类型",)),
    Column("disability_grade", "残疾等级", "grade", "person", help=gettext_lazy("1至4级，与残疾类别同时填写")),
    Column("disability_cert", "残疾证号", "text", "person", max_length=30),
    Column("serious_illness", "患重特大疾病", "bool", "person", help=gettext_lazy("是/否"), example="否"),
    Column("illness_name", "疾病名称", "text", "person", max_length=60),
    Column("labor", "劳动能力", "choice", "person", choices=Labor, default=Labor.FULL, example="有劳动能力"),
    Column("adl_impossible", "不能完成的日常活动项数", "int", "person", default="0", maximum=6,
           aliases=("六项日常活动中不能完成的项数",),
           help=gettext_lazy("0至6：吃饭、穿衣、上下床、如厕、室内行走、洗澡"), example="0"),
    Column("student", "在校学生", "bool", "person", help=gettext_lazy("是/否"), example="否"),
    Column("employment", "就业状况", "choice", "person", choices=Employment, default=Employment.NONE,
           example="务农"),
    Column("supporter", "赡养抚养扶养人", "choice", "person", choices=Supporter, default=Supporter.CAPABLE),
    Column("orphan", "孤儿情况", "choice", "person", choices=OrphanKind, default=OrphanKind.NONE),
    Column("institution", "机构集中供养", "bool", "person", aliases=("机构集中供养/养育",),
           help=gettext_lazy("是/否")),
    Column("date_of_death", "死亡日期", "date", "person", help=gettext_lazy("如 2025-03-01；健在留空")),
    _money("income_wage", "工资性收入", gettext_lazy("月收入，元，最多两位小数"), "1500"),
    _money("income_business", "经营净收入", gettext_lazy("月收入，元")),
    _money("income_property", "财产净收入", gettext_lazy("月收入，元")),
    _money("income_transfer", "转移净收入", gettext_lazy("月收入，元")),
    _money("income_other", "其他收入", gettext_lazy("月收入，元")),
    _money("income_exempt", "豁免收入", gettext_lazy("月收入，元，不计入家庭收入")),
    _money("rigid_medical", "刚性医疗支出", gettext_lazy("月支出，元")),
    _money("rigid_rehab", "刚性康复支出", gettext_lazy("月支出，元")),
)  # fmt: skip
BY_KEY = {c.key: c for c in COLUMNS}
HOUSEHOLD_COLUMNS = [c for c in COLUMNS if c.level == "household" and c.kind != "key"]

# Words clerks write for the same thing; the TextChoices' own codes and labels are accepted as well.
_SYNONYMS: dict[str, dict[str, str]] = {
    "relation": {
        "本人": Relation.SELF, "户主本人": Relation.SELF, "妻": Relation.SPOUSE, "妻子": Relation.SPOUSE,
        "夫": Relation.SPOUSE, "丈夫": Relation.SPOUSE, "儿子": Relation.SON, "长子": Relation.SON,
        "次子": Relation.SON, "三子": Relation.SON, "女儿": Relation.DAUGHTER, "长女": Relation.DAUGHTER,
        "次女": Relation.DAUGHTER, "三女": Relation.DAUGHTER, "父": Relation.FATHER, "母": Relation.MOTHER,
        "孙": Relation.GRANDSON, "外孙": Relation.GRANDSON, "外孙女": Relation.GRANDDAUGHTER,
        "媳": Relation.DAUGHTER_IN_LAW, "儿媳妇": Relation.DAUGHTER_IN_LAW, "祖父": Relation.GRANDPARENT,
        "祖母": Relation.GRANDPARENT, "外祖父": Relation.GRANDPARENT, "外祖母": Relation.GRANDPARENT,
        "兄": Relation.SIBLING, "弟": Relation.SIBLING, "姐": Relation.SIBLING, "妹": Relation.SIBLING,
        "哥哥": Relation.SIBLING, "弟弟": Relation.SIBLING, "姐姐": Relation.SIBLING, "妹妹": Relation.SIBLING,
    },
    "area": {"城市": Area.URBAN, "城": Area.URBAN, "乡村": Area.RURAL, "农": Area.RURAL},
    "disability_kind": {
        "视力": DisabilityKind.VISUAL, "听力": DisabilityKind.HEARING, "言语": DisabilityKind.SPEECH,
        "肢体": DisabilityKind.PHYSICAL, "智力": DisabilityKind.INTELLECTUAL, "精神": DisabilityKind.MENTAL,
        "多重": DisabilityKind.MULTIPLE,
    },
    "labor": {"有": Labor.FULL, "部分丧失": Labor.PARTIAL, "无": Labor.NONE, "丧失劳动能力": Labor.NONE},
}  # fmt: skip


def header_key(text: str) -> str:
    """Headers as typed by hand: half-width brackets, spaces, a trailing unit."""
    text = text.replace("(", "（").replace(")", "）").replace(" ", "").replace("\u3000", "")
    for unit in ("（元）", "（元/月）", "（人）"):
        text = text.removesuffix(unit)
    return text


HEADERS = {header_key(h): c.key for c in COLUMNS for h in (c.header, *c.aliases)}


def choice_map(key: str) -> dict[str, str]:
    """Every spelling accepted for an enumeration column: code, Chinese label, active-language label."""
    choices = BY_KEY[key].choices
    assert choices is not None
    mapping: dict[str, str] = {}
    with translation.override(None):  # the source strings, i.e. the Chinese labels
        mapping |= {str(c.label): c.value for c in choices}
    mapping |= {str(c.label): c.value for c in choices}
    mapping |= {c.value: c.value for c in choices}
    mapping |= {k: str(v) for k, v in _SYNONYMS.get(key, {}).items()}
    return mapping


def choice_labels(key: str) -> list[str]:
    choices = BY_KEY[key].choices
    assert choices is not None
    with translation.override(None):
        return [str(c.label) for c in choices]
