"""Text written once and read in each reader's language: a message is stored language-neutral and translated
where it is shown (issue #10: the rules' explanation lines, the monitoring reasons, the findings' summaries are
computed once and read by staff in Chinese or in English).

A marked text is the Chinese text itself with each message and each of its parameters bracketed by marks, so
that the message id (the Chinese source with %(name)s placeholders, as in the catalogue) and the parameters can
be read back at display time:

    MSG_START … MSG_END                   a message: literal text and parameters
    PARAM_START name PARAM_NAME_END … PARAM_END
                                          a parameter of the enclosing message: literal text (a number, a
                                          person's name) and nested messages (a reason, a list of clauses
                                          and their separators)

The marks are five code points at the very end of Unicode's last private use plane (U+10FFF1 to U+10FFF5), not
control characters: every text field refuses those (core/text.py), and no name or document uses these. Taking
the marks and parameter names out gives the Chinese text exactly (`plain`); `render` gives it in the language of
a gettext function. Text without any mark (a row stored before messages were marked) is its own rendering.
Pure Python, no Django: the rules engine builds the same form column-wise (policy/rules/fmt.py) and the
template filter `message` (core/templatetags/jiuzhu.py) renders it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

MSG_START, MSG_END, PARAM_START, PARAM_NAME_END, PARAM_END = (
    "\U0010fff1",
    "\U0010fff2",
    "\U0010fff3",
    "\U0010fff4",
    "\U0010fff5",
)
# Any mark; and what plain() removes (the rules engine strips its columns with the same pattern: the marks are
# literal characters in it, read alike by Python's re and Polars' regex).
MARKS_PATTERN = f"[{MSG_START}-{PARAM_END}]"
STRIP_PATTERN = f"[{MSG_START}{MSG_END}{PARAM_END}]|{PARAM_START}[A-Za-z0-9_]*{PARAM_NAME_END}"
_STRIP = re.compile(STRIP_PATTERN)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_MARKS = re.compile(MARKS_PATTERN)


def template_parts(template: str) -> list[tuple[str, str | None]]:
    """A message id as (literal text, parameter name or None) pieces, "%%" read as "%": what the marked form
    writes out (the rules engine builds its expressions from the same pieces)."""
    parts: list[tuple[str, str | None]] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append((template[pos : match.start()].replace("%%", "%"), match.group(1)))
        pos = match.end()
    parts.append((template[pos:].replace("%%", "%"), None))
    return parts


def msg(template: str, /, **params: str) -> str:
    """A marked message: `template` is the message id (Chinese, %(name)s placeholders), each parameter a plain
    or marked text. msg("合计 %(n)s 人", n="3") reads "合计 3 人" in Chinese."""
    names = {name for _lit, name in template_parts(template) if name}
    if names != set(params):
        raise ValueError(f"parameters {sorted(params)} do not match {template!r}")
    out = [MSG_START]
    for literal, name in template_parts(template):
        out.append(literal)
        if name is not None:
            out += [PARAM_START, name, PARAM_NAME_END, params[name], PARAM_END]
    out.append(MSG_END)
    return "".join(out)


def join(parts: list[str], separator: str = "；") -> str:
    """Marked texts one after the other, the separator a message of its own (it is translated too)."""
    return msg(separator).join(parts) if len(parts) > 1 else "".join(parts)


@dataclass
class Message:
    msgid: str
    params: dict[str, list[Node]] = field(default_factory=dict)


Node = str | Message


def is_marked(text: str) -> bool:
    return bool(_MARKS.search(text))


def plain(text: str) -> str:
    """The Chinese text: the marked text without its marks."""
    return _STRIP.sub("", text)


def parse(text: str) -> list[Node]:
    """The marked text as literal pieces and messages. Tolerant: an unterminated message or parameter (a text
    cut to its column's length) ends where the text ends."""
    nodes, _pos = _content(text, 0, stop="")
    return nodes


def _content(text: str, pos: int, stop: str) -> tuple[list[Node], int]:
    """Literal text and messages up to `stop` (a parameter's end, or the end of the text)."""
    nodes: list[Node] = []
    buf: list[str] = []
    while pos < len(text):
        ch = text[pos]
        if ch == stop:
            break
        if ch == MSG_START:
            if buf:
                nodes.append("".join(buf))
                buf = []
            message, pos = _message(text, pos + 1)
            nodes.append(message)
            continue
        if ch not in (MSG_END, PARAM_START, PARAM_NAME_END, PARAM_END):
            buf.append(ch)
        pos += 1
    if buf:
        nodes.append("".join(buf))
    return nodes, pos


def _message(text: str, pos: int) -> tuple[Message, int]:
    msgid: list[str] = []
    params: dict[str, list[Node]] = {}
    while pos < len(text):
        ch = text[pos]
        if ch == MSG_END:
            return Message("".join(msgid), params), pos + 1
        if ch == PARAM_START:
            end = text.find(PARAM_NAME_END, pos)
            if end < 0:
                break
            name = text[pos + 1 : end]
            value, pos = _content(text, end + 1, stop=PARAM_END)
            params[name] = value
            msgid.append(f"%({name})s")
            pos += 1  # the parameter's end
            continue
        msgid.append("%%" if ch == "%" else ch)
        pos += 1
    return Message("".join(msgid), params), pos


NAME = "name"  # the parameter that names a person: shown as it is written


def render(text: str, gettext: Callable[[str], str], *, names: bool = False) -> str:
    """The marked text in the language of `gettext`; a text without marks as it is. With `names`, the persons'
    names are translated too: the casebook names its persons by their relation (户主, 母亲)."""
    if not is_marked(text):
        return text
    return _render(parse(text), gettext, names)


def _render(nodes: list[Node], gettext: Callable[[str], str], names: bool = False) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
            continue
        values = {}
        for key, value in node.params.items():
            shown = _render(value, gettext, names)
            values[key] = gettext(shown) if names and key == NAME and shown else shown
        translated = gettext(node.msgid)
        try:
            out.append(translated % values)
        except (KeyError, ValueError, TypeError):  # a catalogue entry with other placeholders: the source
            out.append(node.msgid % values)
    return "".join(out)


def translated(text: str, *, names: bool = False) -> str:
    """The marked text in the active language (Django's gettext, imported here so the module stays pure)."""
    from django.utils.translation import gettext

    return render(text, gettext, names=names)


def msgids(text: str) -> list[str]:
    """Every message id of a marked text, nested ones included (for the catalogue's tests)."""
    found: list[str] = []

    def walk(nodes: list[Node]) -> None:
        for node in nodes:
            if isinstance(node, Message):
                found.append(node.msgid)
                for value in node.params.values():
                    walk(value)

    walk(parse(text))
    return found
