import pytest

from jiuzhu.core import pii


def test_encryption_round_trips_and_is_not_deterministic():
    a, b = pii.encrypt("330727198001010011"), pii.encrypt("330727198001010011")
    assert a != b
    assert pii.decrypt(a) == "330727198001010011"
    assert "330727" not in a


def test_lookup_hash_is_stable_and_keyed(settings):
    h = pii.lookup_hash("330727198001010011")
    assert h == pii.lookup_hash("330727198001010011") and len(h) == 32
    settings.PII_KEY = "ab" * 64
    assert pii.lookup_hash("330727198001010011") != h


def test_masks():
    assert pii.mask_id("33072719800101123X") == "330727********123X"
    assert pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_account("6228480012345678901") == "***************8901"
    assert pii.mask_name("张三丰") == "张*丰"
    assert pii.mask_name("李四") == "李*"


def test_a_missing_key_is_refused_with_what_to_do(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.PII_KEY = "missing-pii-key-run-a-jiuzhu-command-first"
    with pytest.raises(ImproperlyConfigured, match="pii_key"):
        pii.encrypt("330727199001011234")
