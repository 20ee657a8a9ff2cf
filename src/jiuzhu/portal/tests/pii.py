"""What no public page may show: a valid ID number, a mobile number, a full name or an address of the registry."""

from __future__ import annotations

import re

from django.test import Client

from jiuzhu.core import pii
from jiuzhu.core.idcard import IdNumberError, parse_id_number
from jiuzhu.registry.models import Household, Person

ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def crawl(client: Client, start: str = "/public/") -> dict[str, str]:
    """Every portal page reachable from `start` by links (downloads left out), as text."""
    todo, pages = [start], {}
    while todo:
        url = todo.pop()
        if url in pages or not url.startswith("/public/") or url.endswith((".pdf", ".xlsx")):
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
        todo += re.findall(r'href="(/public/[^"#?]*)"', pages[url])
    return pages


def _valid_id(candidate: str) -> bool:
    try:
        parse_id_number(candidate)
    except IdNumberError:
        return False
    return True


def leaks(html: str) -> list[str]:
    """The personal data of the registry found in a page (case and notice numbers are 18 digits too, but never
    a valid ID number)."""
    text = re.sub(r"<[^>]+>", " ", html)
    found = [m for m in ID_RE.findall(text) if _valid_id(m)]
    found += PHONE_RE.findall(text)
    names = set(Person.objects.values_list("name", flat=True)) | set(
        Household.objects.values_list("head_name", flat=True)
    )
    found += [n for n in names if len(n) >= 2 and n in text]
    found += [a for a in Household.objects.values_list("address", flat=True) if a and a in text]
    phones = [pii.decrypt(p) for p in Household.objects.values_list("phone_enc", flat=True) if p]
    found += [p for p in phones if p in text]
    return found
