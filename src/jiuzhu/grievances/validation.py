"""What a complainant or a desk may type: lengths, control characters, phone numbers. Each problem is a
ValidationError on the field, in the user's language, before anything is written."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CONTENT_MIN = 5
CONTENT_MAX = 3000
ANSWER_MAX = 3000
NOTE_MAX = 2000
NAME_MAX = 50

# A mainland mobile number, or a landline with its area code (0579-84661234, 057984661234).
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
_ALLOWED_CONTROLS = frozenset("\n\r\t")


def has_control_chars(text: str) -> bool:
    """Control and format characters (Cc, Cf: NUL, escape sequences, bidi overrides) other than line breaks and
    tabs: nothing a person types, and a way to hide text from whoever reads it."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in _ALLOWED_CONTROLS for ch in text)


def clean_text(field: str, text: str, *, label: str, maximum: int, minimum: int = 0) -> str:
    text = text.strip()
    if has_control_chars(text):
        raise ValidationError({field: _("%(f)s含有不可见的控制字符，请删除后重新填写") % {"f": label}})
    if len(text) > maximum:
        raise ValidationError(
            {field: _("%(f)s最多 %(max)s 字，现为 %(n)s 字") % {"f": label, "max": maximum, "n": len(text)}}
        )
    if len(text) < minimum:
        raise ValidationError({field: _("%(f)s至少 %(min)s 字") % {"f": label, "min": minimum}})
    return text


def clean_phone(phone: str) -> str:
    """The number with spaces removed; "" stays "". Refuses anything but a mobile or a landline number."""
    phone = re.sub(r"[\s]", "", phone)
    if not phone:
        return ""
    if not (_MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone)):
        raise ValidationError(
            {"contact_phone": _("联系电话格式不正确：应为 11 位手机号码或带区号的固定电话（如 0579-84661234）")}
        )
    return phone
