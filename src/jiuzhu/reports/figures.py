"""What the county reports, computed from snapshot rows: the statistical categories of the monthly tables,
per-capita assistance, coverage, year-to-date, year-on-year, target completion, and the summary sentences
the seed reports write ("农村低保保障168641人，累计发放农村低保资金18938.44万元，月人均补助水平达到80.07元，
完成目标任务的109.68%"). Pure functions: the selectors hand them the rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jiuzhu.regions.models import Level


@dataclass(frozen=True)
class Category:
    key: str
    label: str  # msgid: the sheet name of the monthly tables
    programs: tuple[str, ...]
    monthly: bool  # a monthly allowance (per-capita assistance makes sense) or occasional aid


CATEGORIES: tuple[Category, ...] = (
    Category("dibao_urban", gettext_noop("城市低保"), ("dibao_urban",), True),
    Category("dibao_rural", gettext_noop("农村低保"), ("dibao_rural",), True),
    Category("tekun", gettext_noop("特困"), ("tekun_central", "tekun_dispersed"), True),
    Category("linshi", gettext_noop("临时救助"), ("linshi",), False),
    # 医疗救助 pays bills and, once a year, the residents' insurance contribution of 特困 and 低保 members (资助参保).
    Category("yiliao", gettext_noop("医疗救助"), ("yiliao", "zizhu_canbao"), False),
)
CATEGORY_BY_KEY = {c.key: c for c in CATEGORIES}
DIBAO = ("dibao_urban", "dibao_rural")
FIELDS = (
    "households", "persons", "male", "female", "age_child", "age_working", "age_elderly", "disabled", "urban",
    "rural", "regular_fen", "backpay_fen", "recovery_fen", "one_off_fen", "insurance_fen", "total_fen", "new",
    "stopped", "adjusted", "population",
)  # fmt: skip

Row = Mapping[str, int]


def add(rows: Iterable[Row]) -> dict[str, int]:
    """The sum of snapshot rows (of programmes of one category, or months of one year)."""
    out = dict.fromkeys(FIELDS, 0)
    for row in rows:
        for f in FIELDS:
            out[f] += int(row.get(f, 0) or 0)
    return out


def yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def wan(fen: int) -> Decimal:
    """Fen → 万元 with two decimals, as the reports write money."""
    return (Decimal(fen) / 1_000_000).quantize(Decimal("0.01"), ROUND_HALF_UP)


def ratio(part: int | Decimal, whole: int | Decimal, places: str = "0.01") -> Decimal | None:
    """part / whole as a percentage, rounded half up; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(places), ROUND_HALF_UP)


def per_capita(money_fen: int, person_months: int) -> Decimal | None:
    """Yuan per person and month, two decimals."""
    if not person_months:
        return None
    return (Decimal(money_fen) / 100 / person_months).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Completion:
    persons: Decimal | None  # persons covered this month / target persons, percent
    money: Decimal | None  # money paid this year / target money, percent

    @property
    def headline(self) -> Decimal | None:
        """The figure a report cites: persons when a persons target is set, else money."""
        return self.persons if self.persons is not None else self.money


def completion(*, persons: int, ytd_fen: int, target_persons: int | None, target_money: Decimal | None) -> Completion:
    """完成目标任务的 Z%: persons covered against the annual persons target, money paid in the year so far
    against the money target (two decimals, half up, as 109.68%)."""
    money = None
    if target_money:
        money = ratio(Decimal(ytd_fen) / 100, target_money)
    return Completion(ratio(persons, target_persons or 0), money)


def region_word(name: str, level: int) -> str:
    """全县, 全镇, 全街道…: how a report names its own region."""
    if level == Level.TOWNSHIP:
        for suffix in ("街道", "乡", "镇"):
            if name.endswith(suffix):
                return _("全%(s)s") % {"s": suffix}
        return _("全镇")
    words = {Level.PROVINCE: _("全省"), Level.CITY: _("全市"), Level.COUNTY: _("全县")}
    if level in words:
        return words[Level(level)]
    return _("全社区") if name.endswith("社区") else _("全村")


def _num(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}".replace(",", "")


def category_sentence(
    category: Category, *, persons: int, ytd_fen: int, person_months: int, ytd_regular_fen: int, done: Completion
) -> str:
    """One category's sentence, in the seed's words: a monthly allowance counts the persons it covers this month
    ("农村低保保障168641人"), occasional aid the person-times of the year so far (`persons`: "临时救助1234人次")."""
    label = _(category.label)
    if category.monthly:
        text = _("%(c)s保障%(n)d人，累计发放%(c)s资金%(w)s万元") % {"c": label, "n": persons, "w": wan(ytd_fen)}
    else:
        text = _("%(c)s%(n)d人次，累计发放%(c)s资金%(w)s万元") % {"c": label, "n": persons, "w": wan(ytd_fen)}
    if category.monthly and person_months:
        text += _("，月人均补助水平达到%(y)s元") % {"y": _num(per_capita(ytd_regular_fen, person_months))}
    if done.headline is not None:
        text += _("，完成目标任务的%(p)s%%") % {"p": _num(done.headline)}
    return _("%(s)s。") % {"s": text}  # the full stop, in English a period


def dibao_share_sentence(*, word: str, dibao_persons: int, population: int) -> str:
    """全县的低保人数比例达2.8%."""
    share = ratio(dibao_persons, population, "0.1")
    if share is None:
        return ""
    return _("%(w)s的低保人数比例达%(p)s%%。") % {"w": word, "p": share}


def change(now: int, before: int) -> Decimal | None:
    """Year-on-year change, percent, one decimal."""
    if not before:
        return None
    return ratio(now - before, before, "0.1")
