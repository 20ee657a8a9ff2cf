"""Resident ID numbers (居民身份证号码), GB 11643-1999: 6-digit region, 8-digit birth date,
3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_RE_18 = re.compile(r"^\d{17}[\dX]$")
_RE_15 = re.compile(r"^\d{15}$")


class IdNumberError(ValueError):
    """A number that is not a valid resident ID; the message says why, in the user's language."""


@dataclass(frozen=True, slots=True)
class IdNumber:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    region_code: str
    upgraded_from: str | None = None

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_character(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def upgrade_15(number15: str) -> str:
    """A 15-digit number (born 19xx) as the 18-digit number it became."""
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_character(first17)


def normalize(raw: str) -> str:
    return raw.strip().replace(" ", "").replace("x", "X")


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber:
    """The parsed number, or IdNumberError naming what is wrong ("校验码错误，应为X")."""
    number = normalize(raw or "")
    upgraded_from = None
    if _RE_15.match(number):
        upgraded_from = number
        number = upgrade_15(number)
    elif len(number) not in (15, 18):
        raise IdNumberError(_("身份证号应为18位（或15位旧号码），此处为%(n)d位") % {"n": len(number)})
    if not _RE_18.match(number):
        raise IdNumberError(_("身份证号只能包含数字，最后一位可为X"))
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError(_("出生日期 %(d)s 不是有效日期") % {"d": number[6:14]}) from None
    if birth > (today or timezone.localdate()):
        raise IdNumberError(_("出生日期 %(d)s 晚于今天") % {"d": birth.isoformat()})
    if birth.year < 1880:
        raise IdNumberError(_("出生日期 %(d)s 早于1880年") % {"d": birth.isoformat()})
    expected = check_character(number[:17])
    if number[17] != expected:
        raise IdNumberError(_("校验码错误，应为%(c)s") % {"c": expected})
    sex = "M" if int(number[16]) % 2 else "F"
    return IdNumber(number, birth, sex, number[:6], upgraded_from)


def make_id_number(region6: str, birth: dt.date, seq: int, *, male: bool) -> str:
    """A valid 18-digit number; used by the demo and tests. seq is 0..499."""
    seq3 = seq * 2 + (1 if male else 0)
    first17 = f"{region6}{birth:%Y%m%d}{seq3 % 1000:03d}"
    return first17 + check_character(first17)
