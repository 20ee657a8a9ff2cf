"""What may be typed: properties that hold for any text, and the phone formats a county meets."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.grievances.services import CODE_ALPHABET, normalise_code
from jiuzhu.grievances.validation import clean_phone, clean_text, has_control_chars


@settings(deadline=None)  # timings are not behaviour: a loaded machine must not fail it
@given(st.text(max_size=200))
def test_accepted_text_never_holds_a_control_character(text):
    try:
        cleaned = clean_text("content", text, label="内容", maximum=200)
    except ValidationError:
        return
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\r\t" for ch in cleaned)
    assert len(cleaned) <= 200


@settings(deadline=None)  # timings are not behaviour: a loaded machine must not fail it
@given(st.text(alphabet=st.characters(categories=["Lo", "Nd", "Zs", "Po"]), max_size=100))
def test_ordinary_chinese_text_is_kept_as_typed(text):
    assert not has_control_chars(text)
    assert clean_text("content", text, label="内容", maximum=100) == text.strip()


@settings(deadline=None)  # timings are not behaviour: a loaded machine must not fail it
@given(st.text(alphabet=CODE_ALPHABET, min_size=8, max_size=8), st.sampled_from(["", " ", "-", "  -  "]))
def test_a_code_reads_the_same_however_it_is_spaced_or_cased(code, sep):
    typed = f" {code[:4].lower()}{sep}{code[4:]} "
    assert normalise_code(typed) == code


@pytest.mark.parametrize("phone", ["13812345678", "138 1234 5678", "0579-84661234", "057984661234", "010-12345678"])
def test_phones_a_county_meets_are_accepted(phone):
    assert clean_phone(phone) == phone.replace(" ", "")


@pytest.mark.parametrize("phone", ["12345678901", "1381234567", "+8613812345678", "138123456789", "phone", "0579-123"])
def test_anything_else_is_refused(phone):
    with pytest.raises(ValidationError):
        clean_phone(phone)
