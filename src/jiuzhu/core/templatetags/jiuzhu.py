from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jiuzhu.core.models import AuditEntry
from jiuzhu.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(value: Decimal | int | None) -> str:
    return format_yuan(value)


@register.filter
def audit_changes(entry: AuditEntry) -> list[dict[str, Any]]:
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    if entry.action != "update":
        return []
    return [{"field": k, "before": before.get(k), "after": v} for k, v in after.items()]


@register.simple_tag(takes_context=True)
def reveal_field(context: Any, obj: Any, field: str, masked: str) -> SafeString:
    """The masked value; for a user granted it, a button that fetches the full value (and logs it)."""
    if not masked:
        return mark_safe("—")
    user = context["request"].user
    if not getattr(user, "can_reveal_pii", False):
        return format_html("<span>{}</span>", masked)
    if field == "id_number":
        url = reverse("registry:person_reveal", args=[obj.pk])
    else:
        url = reverse("registry:household_reveal", args=[obj.pk, field])
    return format_html(
        '<span class="masked-wrap"><span>{}</span> <button class="link" hx-post="{}" hx-target="closest .masked-wrap"'
        ' hx-swap="innerHTML" title="{}">{}</button></span>',
        masked,
        url,
        _("查看完整信息将记入审计日志"),
        _("显示"),
    )
