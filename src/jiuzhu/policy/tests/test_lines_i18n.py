"""The explanation lines in the reader's language (issue #10): every message of every golden case's lines —
the monthly programmes' and the one-off rules' — is in the English catalogue, reads in Chinese exactly as the
golden cases expect, and in English carries no Chinese but the persons' names."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from jiuzhu.core import messages
from jiuzhu.policy.casebook import event_files, load, monthly_files, run_event, run_monthly

HAN = re.compile(r"[\u4e00-\u9fff]")


def _lines() -> list[str]:
    out = []
    for name in monthly_files():
        for case in load(name):
            result, _outcome = run_monthly(case)
            out += [line for p in result["programs"].values() for line in p["explain"]]
    for name in event_files():
        for case in load(name):
            award, _outcome = run_event(case)
            out += award.lines
    return out


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return _lines()


def test_every_message_of_the_lines_is_translated(lines: list[str]) -> None:
    assert len(lines) > 500
    ids = {m for line in lines for m in messages.msgids(line) if HAN.search(m)}
    with translation.override("en"):
        untranslated = sorted(m for m in ids if translation.gettext(m) == m)
    assert not untranslated


def test_chinese_is_the_text_the_golden_cases_compare(lines: list[str]) -> None:
    with translation.override("zh-hans"):
        assert all(messages.translated(line) == messages.plain(line) for line in lines)


def _names(nodes: list[messages.Node]) -> list[str]:
    """The persons' names in a parsed line (the `name` parameters): Chinese in any language."""
    out = []
    for node in nodes:
        if isinstance(node, messages.Message):
            for key, value in node.params.items():
                out += [v for v in value if isinstance(v, str)] if key == "name" else _names(value)
    return out


def test_the_casebook_names_its_persons_in_english(lines: list[str]) -> None:
    """Its persons are named by their relation (户主, 弟弟): its page translates them with the lines."""
    with translation.override("en"):
        left = [text for line in lines if HAN.search(text := messages.translated(line, names=True))]
    assert not left


def test_english_lines_have_no_chinese_but_names(lines: list[str]) -> None:
    with translation.override("en"):
        english = {line: messages.translated(line) for line in lines}
    left = []
    for line, text in english.items():
        for name in _names(messages.parse(line)):
            text = text.replace(name, "")
        if HAN.search(text):
            left.append(text)
    assert not left
