"""One policy for the characters of every text field (issue #11 item 8).

- Control characters (C0 and DEL) are refused with a message, except tab, newline and carriage return in long
  text: one invisible byte in a name broke the xlsx export of a whole village, and NUL is refused by
  PostgreSQL itself. `ControlCharacterMiddleware` (core.middleware) applies this to every form post and API
  body; the importer flags such cells (registry.importer.parsing); exports drop what a spreadsheet cannot hold.
- Lengths: each field's limit is its model field's max_length (forms get it from the model, the API schemas
  from `bounded`, the importer from its columns), so no text reaches the database longer than its column.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

# C0 controls and DEL, but tab, newline and carriage return (allowed in long text: reasons, notes, opinions).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # the same, for Polars
# What xlsx (XML 1.0) cannot hold at all: every C0 control but tab, newline and carriage return.
XLSX_ILLEGAL_RE = CONTROL_RE


def control_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text (in the user's language), or None."""
    match = CONTROL_RE.search(value)
    if match is None:
        return None
    return _("含有不可见的控制字符（U+%(c)04X，第 %(p)d 个字符），请删除后重试") % {
        "c": ord(match.group()),
        "p": match.start() + 1,
    }


def for_spreadsheet(value: str) -> str:
    """The text without the characters a spreadsheet file cannot contain (nothing else changes)."""
    return XLSX_ILLEGAL_RE.sub("", value)


# Long text (reasons, findings, opinions, notes): enough for a page of the 审批表, short of abuse.
LONG_TEXT = 5000
# A person's name typed as free text (investigators, assessors).
NAME_TEXT = 50
# What the model layer lets through in a TextField whatever wrote it (text the code composes may be longer
# than what a person may type).
MODEL_TEXT_MAX = 20_000


def text_problems(instance: Any) -> dict[str, str]:
    """The model instance's text fields that break the policy: longer than the column (a CharField's
    max_length, MODEL_TEXT_MAX for a TextField), or holding control characters."""
    problems: dict[str, str] = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname, None)
        if not isinstance(value, str):
            continue
        limit = field.max_length or (MODEL_TEXT_MAX if isinstance(field, models.TextField) else None)
        if limit and len(value) > limit:
            problems[field.name] = _("%(f)s不能超过 %(n)d 个字（现有 %(m)d 个）") % {
                "f": field.verbose_name,
                "n": limit,
                "m": len(value),
            }
        elif problem := control_problem(value):
            problems[field.name] = f"{field.verbose_name}：{problem}"
    return problems


def refuse_bad_text(sender: type[models.Model], instance: models.Model, raw: bool = False, **_kw: Any) -> None:
    """pre_save, for every model of the project: a text too long or holding control characters is a
    ValidationError (a clear message on the page and a 422 in the API), never a database error on PostgreSQL
    or a silently oversized value on SQLite."""
    if raw or not sender.__module__.startswith("jiuzhu."):
        return
    problems = text_problems(instance)
    if problems:
        raise ValidationError(problems)
