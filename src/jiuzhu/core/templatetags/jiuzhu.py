from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jiuzhu.core import messages
from jiuzhu.core.labels import key_label, value_label
from jiuzhu.core.models import AuditEntry
from jiuzhu.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(value: Decimal | int | None) -> str:
    return format_yuan(value)


@register.filter
def message(text: object, arg: str = "") -> str:
    """A marked message (core/messages.py: an explanation line, a reason, a finding's summary) in the reader's
    language; a text stored before messages were marked, as it is. `message:"names"`: the persons' names are
    words the catalogue translates (the casebook's 户主, 母亲)."""
    return messages.translated(str(text), names=arg == "names") if text is not None else ""


@register.filter
def audit_changes(entry: AuditEntry) -> list[dict[str, Any]]:
    if entry.action != "update":
        return []
    return audit_values(entry)


@register.filter
def audit_values(entry: AuditEntry) -> list[dict[str, Any]]:
    """What an entry recorded, field by field, as staff read it: the field's label, a choice's label, 是/否 for a
    boolean; `changed` tells an update's before → after from a value simply recorded."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    model = _audited_model(entry.object_type)
    out = []
    for k, v in after.items():
        label, choices = _field_label(model, k)
        if label == k:
            label = key_label(entry.object_type, k) or k
        out.append(
            {
                "field": label,
                "before": _readable(entry.object_type, k, _choice(choices, before.get(k))),
                "after": _readable(entry.object_type, k, _choice(choices, v)),
                "changed": k in before,
            }
        )
    return out


def _readable(object_type: str, key: str, value: Any) -> Any:
    """A recorded value as staff read it; a summary ({"found": 3, "new": 1}) with its keys' labels."""
    if isinstance(value, dict):
        return "，".join(f"{key_label(object_type, k) or k} {plain(v)}" for k, v in value.items())
    return value_label(key, value)


def _choice(choices: dict[Any, Any], value: Any) -> Any:
    return choices.get(value, value) if isinstance(value, str | int) else value


def _audited_model(object_type: str) -> Any:
    """The model an audit entry's object_type names ("household" → registry's Household, "monitored_household"
    → MonitoredHousehold, "charity_donation" → charity's Donation), looked up by name so that core needs to
    import no app above it; None when no model has that name."""
    names = {object_type, object_type.replace("_", "")}
    app_label, _sep, model_name = object_type.partition("_")
    return next(
        (
            m
            for m in apps.get_models()
            if m._meta.model_name in names or (m._meta.app_label == app_label and m._meta.model_name == model_name)
        ),
        None,
    )


def _field_label(model: Any, name: str) -> tuple[str, dict[Any, Any]]:
    """The field's Chinese label and its choices' labels (a code → its label), not the raw column name.
    A secret kept encrypted is audited under its plain name and labelled by its masked column."""
    if model is None:
        return name, {}
    for candidate in (name, f"{name}_masked", name.replace("_number", "_masked")):
        try:
            field = model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
        choices = {k: str(v) for k, v in field.flatchoices} if getattr(field, "choices", None) else {}
        return str(getattr(field, "verbose_name", name)), choices
    return name, {}


@register.simple_tag(takes_context=True)
def reveal_field(context: Any, obj: Any, field: str, masked: str) -> SafeString:
    """The masked value; for a user granted it, a button that fetches the full value (and logs it)."""
    if not masked:
        return mark_safe("—")
    user = context["request"].user
    if not getattr(user, "can_reveal_pii", False):
        return format_html("<span>{}</span>", masked)
    if obj._meta.model_name == "person":
        url = reverse("registry:person_reveal", args=[obj.pk, field])
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


@register.simple_tag(takes_context=True)
def page_url(context: Any, number: int) -> str:
    """The current query string with `page` set to `number`: filters stay as they are while paging."""
    query = context["request"].GET.copy()
    query["page"] = str(number)
    return "?" + query.urlencode()


@register.filter
def page_window(page: Any, radius: int = 2) -> list[int]:
    """The page numbers around the current one, for a pager that reaches page 800 in two clicks, not 800."""
    last = page.paginator.num_pages
    return list(range(max(1, page.number - radius), min(last, page.number + radius) + 1))


@register.filter
def plain(value: Any) -> Any:
    """A value as a caseworker reads it: 是/否 for a boolean, — for nothing; anything else as it is."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


# The top menu's HTML by language and entries (their URLs, which is open, how they are grouped): the same for
# every page of a role but the open entry, and through the template engine it cost about 0.35 ms a page.
_MENUS: dict[tuple[Any, ...], SafeString] = {}
_MENU_GROUP = '<details class="navgroup{}"><summary>{}</summary><div class="navmenu">{}</div></details>'


@register.simple_tag
def main_menu(nav: list[dict[str, Any]]) -> SafeString:
    """The menu of core.context_processors.navigation: a heading with its entries as a dropdown, an entry of its
    own as a link; the open one marked."""
    # The entries and their headings follow from the URLs shown (core.navigation's registry is fixed at start).
    key = (get_language(), tuple((e["url"], e["active"]) for item in nav for e in item.get("entries", [item])))
    html = _MENUS.get(key)
    if html is None:
        parts = []
        for item in nav:
            if item.get("entries"):
                links = "".join(_menu_link(sub) for sub in item["entries"])
                opened = " active" if item["active"] else ""
                parts.append(
                    format_html(_MENU_GROUP, opened, item["label"], mark_safe(links))
                )  # links: escaped by _menu_link
            else:
                parts.append(_menu_link(item))
        if len(_MENUS) > 2_000:  # roles × open entries × languages are far fewer; a bound all the same
            _MENUS.clear()
        html = _MENUS[key] = mark_safe("".join(parts))
    return html


def _menu_link(entry: dict[str, Any]) -> SafeString:
    current = mark_safe(' class="active" aria-current="page"') if entry["active"] else ""
    return format_html('<a href="{}"{}>{}</a>', entry["url"], current, entry["label"])
