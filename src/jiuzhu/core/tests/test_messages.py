"""Marked messages (core/messages.py): written once language-neutral, read in Chinese exactly as the source
says and in English through the catalogue; text stored before messages were marked reads as it is."""

from __future__ import annotations

from jiuzhu.core.messages import Message, join, msg, msgids, parse, plain, render


def _english(msgid: str) -> str:
    return {
        "合计 %(n)s 人": "%(n)s persons in all",
        "%(kind)s%(grade)s级残疾": "grade %(grade)s %(kind)s disability",
        "肢体": "physical",
        "；": "; ",
        "加发 %(p)s%% 标准": "add-on of %(p)s%% of the standard",
    }.get(msgid, msgid)


def test_the_chinese_text_is_the_marked_text_without_its_marks() -> None:
    line = join([msg("合计 %(n)s 人", n="3"), msg("%(kind)s%(grade)s级残疾", kind=msg("肢体"), grade="2")])
    assert plain(line) == "合计 3 人；肢体2级残疾"
    assert render(line, lambda s: s) == plain(line)


def test_english_through_the_catalogue_nested_messages_and_separators_too() -> None:
    line = join([msg("合计 %(n)s 人", n="3"), msg("%(kind)s%(grade)s级残疾", kind=msg("肢体"), grade="2")])
    assert render(line, _english) == "3 persons in all; grade 2 physical disability"
    assert msgids(line) == ["合计 %(n)s 人", "；", "%(kind)s%(grade)s级残疾", "肢体"]


def test_a_literal_percent_sign_is_escaped_in_the_message_id() -> None:
    line = msg("加发 %(p)s%% 标准", p="20")
    assert plain(line) == "加发 20% 标准"
    assert parse(line) == [Message("加发 %(p)s%% 标准", {"p": ["20"]})]
    assert render(line, _english) == "add-on of 20% of the standard"


def test_text_stored_before_messages_were_marked_reads_as_it_is() -> None:
    assert render("张三 已于 2025-01-01 死亡", _english) == "张三 已于 2025-01-01 死亡"
    assert plain("100% 无标记") == "100% 无标记"


def test_a_text_cut_short_still_renders() -> None:
    line = msg("合计 %(n)s 人", n="12345")
    for end in range(len(line)):
        render(line[:end], _english)  # no exception
    assert "123" in render(line[: line.index("45")], lambda s: s)


def test_a_catalogue_entry_with_other_placeholders_falls_back_to_the_source() -> None:
    assert render(msg("合计 %(n)s 人", n="3"), lambda s: "%(m)s in all") == "合计 3 人"


def test_parameters_must_match_the_message_id() -> None:
    try:
        msg("合计 %(n)s 人", m="3")
    except ValueError:
        return
    raise AssertionError("a parameter the message id does not name was accepted")


def test_names_are_shown_as_written_unless_asked() -> None:
    line = msg("%(name)s：%(kind)s%(grade)s级残疾", name="母亲", kind=msg("肢体"), grade="2")
    catalogue = {"母亲": "Mother", "%(name)s：%(kind)s%(grade)s级残疾": "%(name)s: grade %(grade)s %(kind)s"}
    assert render(line, lambda s: catalogue.get(s, s)) == "母亲: grade 2 肢体"
    assert render(line, lambda s: catalogue.get(s, s), names=True) == "Mother: grade 2 肢体"
