"""Every page of the demo county, as every role reaches it by following links, answers without a server error
and shows no raw code where staff read (issue #10: "the 办理记录 lists `submit, accept, investigate`…, the 变更记录
shows `serious_illness：False → True`, the audit log shows `program: dibao_urban`, `new_amount: None`"); and in
English, no programme name or choice value left in Chinese where the catalogue translates it ("programme names and
statuses in the English recipient roster showed Chinese"), and no reason in Chinese: the explanation lines of the
eligibility panel and the case, the monitoring reasons and panel, the findings' summaries ("every word staff read
is Chinese, English in the English UI: actions, fields, values, parameters, reasons"). Names of people, places and
documents stay Chinese. Nowhere a message's marks (core/messages.py) shown raw.

The crawl starts at the home page and follows the links a user can click (GET only; files, the API and logout
excepted), a few pages per URL shape, so that any page an app adds later is crawled too."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urlparse

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from jiuzhu.cases.workflow import STEPS
from jiuzhu.core.messages import MARKS_PATTERN
from jiuzhu.demo.services import DEMO_USERS
from jiuzhu.policy.programs import PAID_ONLY, PROGRAMS

SKIP_PREFIXES = ("/accounts/logout", "/api/", "/static/", "/i18n/", "/jsi18n/", "/media/")
SKIP_SUFFIXES = (".xlsx", ".csv", ".pdf", ".zip", ".txt", ".json", ".png", ".svg", ".js", ".css")
PAGES_PER_SHAPE = 2
PAGES_PER_ROLE = 90


def _raw_codes() -> set[str]:
    """What must never be shown as it is stored: programme codes, workflow steps, and every choice value of the
    project's models that reads as an identifier (`township_opinion`, `dibao_urban`)."""
    codes = {p.code for p in PROGRAMS} | set(PAID_ONLY) | set(STEPS)
    for model in apps.get_models():
        if not model.__module__.startswith("jiuzhu."):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "choices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z]+(_[a-z]+)+", value):
                    codes.add(value)
    return codes


def _translated_values() -> set[str]:
    """Programme names and the choice labels of the project's models that the catalogue translates: an English
    page showing one of them whole (a cell, a tag, an option) shows a value it should have translated. A longer
    text that merely contains one (a finding's summary, stored as written) is not counted."""
    labels = {p.name for p in PROGRAMS}
    for model in apps.get_models():
        if not model.__module__.startswith("jiuzhu."):
            continue
        for field in model._meta.get_fields():
            for _value, label in getattr(field, "choices", None) or ():
                labels.add(str(label))
    with translation.override("en"):
        english = {label: translation.gettext(label) for label in labels}
    return {label for label, en in english.items() if re.search(r"[\u4e00-\u9fff]", label) and en != label}


_UNREAD = ("script", "style", "template", "code", "pre")
# What reads as a reason: every word of it in the reader's language but the names it quotes (a person, a place,
# a company in the evidence). The household page's eligibility lines, the case's, the monitoring reasons (class
# "reason"), the findings' summaries; and the household page's monitoring panel as a whole.
REASON_CLASSES = ("reason", "finding-summary")
REASON_IDS = ("monitoring-panel",)
_VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")
HAN = re.compile(r"[\u4e00-\u9fff]")
MARKS = re.compile(MARKS_PATTERN)


class _Text(HTMLParser):
    """The page as a reader sees it: text outside <script>/<style>, plus titles and placeholders; and its links;
    and the text of each reason element (REASON_CLASSES, REASON_IDS) apart."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self.reasons: list[str] = []
        self._hidden = 0
        self._reason: tuple[str, int] | None = None  # the reason element's tag and how deep in it we are

    def _reason_start(self, tag: str, values: dict[str, str | None]) -> None:
        if tag in _VOID:
            return
        if self._reason is not None:
            if tag == self._reason[0]:
                self._reason = (tag, self._reason[1] + 1)
            return
        classes = (values.get("class") or "").split()
        if any(c in REASON_CLASSES for c in classes) or values.get("id") in REASON_IDS:
            self._reason = (tag, 1)
            self.reasons.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <code> holds what is shown as a code on purpose (a programme's code beside its name, for the API);
        # <pre> a document quoted verbatim (the rule text of the casebook, with its parameter keys).
        if tag in _UNREAD:
            self._hidden += 1
        values = dict(attrs)
        self._reason_start(tag, values)
        for name in ("title", "placeholder", "aria-label"):
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in _UNREAD and self._hidden:
            self._hidden -= 1
        if self._reason is not None and tag == self._reason[0]:
            depth = self._reason[1] - 1
            self._reason = (tag, depth) if depth else None

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)
            if self._reason is not None:
                self.reasons[-1] += data


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _data_names() -> re.Pattern[str]:
    """The names a reason may quote as they are written: persons, household heads and addresses, places, and the
    values of the findings' evidence (a company, a plate, an employer, a region of another county's roll)."""
    from jiuzhu.matching.models import Finding
    from jiuzhu.regions.models import Region
    from jiuzhu.registry.models import Household, Person

    names: set[str] = set(Person.objects.values_list("name", flat=True))
    names |= set(Region.objects.values_list("name", flat=True))
    for head, address in Household.objects.values_list("head_name", "address"):
        names |= {head, address}
    for evidence in Finding.objects.values_list("evidence", flat=True):
        stack = [evidence]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                stack += value.values()
            elif isinstance(value, list):
                stack += value
            elif isinstance(value, str):
                names.add(value)
    words = sorted((n for n in names if n and HAN.search(n)), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def _chinese_reasons(parser: _Text, names: re.Pattern[str]) -> list[str]:
    """The reasons of the page still in Chinese once the names they quote are taken out."""
    return [r.strip()[:80] for r in parser.reasons if HAN.search(names.sub("", r))]


def _crawl(
    client: Client,
    codes: re.Pattern[str],
    untranslated: frozenset[str] = frozenset(),
    names: re.Pattern[str] | None = None,
) -> tuple[list[str], list[str], int]:
    """(server errors, pages showing raw codes, message marks or values in `untranslated`, or with `names` a
    reason in Chinese, pages read)."""
    errors: list[str] = []
    raw: list[str] = []
    seen: set[str] = set()
    per_shape: dict[str, int] = {}
    queue = deque(["/"])
    read = 0
    while queue and read < PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url)
        read += 1
        if response.status_code >= 500:
            errors.append(f"{url} → {response.status_code}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        text = " ".join(parser.parts)
        found = sorted(set(codes.findall(text)))
        if found:
            raw.append(f"{url}: {', '.join(found[:8])}")
        chinese = sorted({part.strip() for part in parser.parts} & untranslated)
        if chinese:
            raw.append(f"{url} (en): {'、'.join(chinese[:8])}")
        if MARKS.search(text):
            raw.append(f"{url}: a message shown with its marks")
        if names is not None and (reasons := _chinese_reasons(parser, names)):
            raw.append(f"{url} (en, reasons): {' | '.join(reasons[:3])}")
        for href in parser.links:
            link = urldefrag(href)[0]
            parsed = urlparse(link)
            if parsed.scheme or parsed.netloc or not parsed.path.startswith("/"):
                continue
            if parsed.path.startswith(SKIP_PREFIXES) or parsed.path.endswith(SKIP_SUFFIXES) or link in seen:
                continue
            shape = _shape(parsed.path) + ("?" if parsed.query else "")
            if per_shape.get(shape, 0) >= PAGES_PER_SHAPE:
                continue
            per_shape[shape] = per_shape.get(shape, 0) + 1
            seen.add(link)
            queue.append(link)
    return errors, raw, read


@pytest.mark.django_db
def test_every_page_each_role_reaches_answers_and_shows_no_raw_code() -> None:
    from jiuzhu.accounts.models import User

    call_command("demo", no_serve=True, households=300, seed=5, stdout=StringIO(), stderr=StringIO())
    # A login name may read like a code (the demo's `township_head`): it is a name, shown as such.
    logins = set(User.objects.values_list("username", flat=True))
    names = "|".join(sorted(_raw_codes() - logins, key=len, reverse=True))
    codes = re.compile(r"(?<![\w/.=-])(" + names + r"|None|True|False)(?![\w/.-])")
    problems: dict[str, tuple[list[str], list[str]]] = {}
    for spec in DEMO_USERS:
        client = Client(raise_request_exception=False)  # a server error is counted, the crawl goes on
        client.force_login(User.objects.get(username=spec.username))
        errors, raw, read = _crawl(client, codes)
        assert read > 5, spec.username
        if errors or raw:
            problems[spec.username] = (errors, raw)
    # In English, as a township and as the county: the same pages, their values in English. Codes with an
    # underscore only: `accept` or `None` are English words there.
    untranslated = frozenset(_translated_values())
    assert "农村最低生活保障" in untranslated and "正常享受" in untranslated
    snake = "|".join(sorted((c for c in _raw_codes() - logins if "_" in c), key=len, reverse=True))
    en_codes = re.compile(r"(?<![\w/.=-])(" + snake + r")(?![\w/.-])")
    names = _data_names()
    for username in ("caseworker", "approver"):
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        client.cookies["django_language"] = "en"
        errors, raw, read = _crawl(client, en_codes, untranslated, names)
        assert read > 5, username
        raw += _reasons_read_in_english(client, username, names)
        if errors or raw:
            problems[f"{username} (en)"] = (errors, raw)
    assert not problems, "\n".join(f"{u}: {e} {r}" for u, (e, r) in problems.items())


def _reasons_read_in_english(client: Client, username: str, names: re.Pattern[str]) -> list[str]:
    """Whatever the crawl happened to reach: a monitored household's page with its findings (the eligibility
    panel and the monitoring panel), the findings ledger and the monitoring detail, read in English; each has
    reasons, none in Chinese."""
    from django.urls import reverse

    from jiuzhu.accounts.models import User
    from jiuzhu.core.scope import scope_q
    from jiuzhu.matching.models import Finding
    from jiuzhu.monitoring.models import MonitoredHousehold

    user = User.objects.get(username=username)
    monitored = MonitoredHousehold.objects.filter(scope_q(user)).order_by("pk")
    with_finding = monitored.filter(household__in=Finding.objects.values("household")).first() or monitored.first()
    assert with_finding is not None, username
    pages = [
        reverse("registry:household_detail", args=[with_finding.household_id]),
        reverse("matching:findings"),
        reverse("monitoring:detail", args=[with_finding.pk]),
    ]
    out = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        parser = _Text()
        parser.feed(response.content.decode())
        assert parser.reasons, f"{url}: no reason read"
        if chinese := _chinese_reasons(parser, names):
            out.append(f"{url} (en, reasons): {' | '.join(chinese[:3])}")
    return out
