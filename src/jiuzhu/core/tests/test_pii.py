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


VALUES = ["330727198001010011", "", "33072719800101123X", "6228480012345678901", "残疾证号甲", "1"]


def test_seal_many_keeps_seal_s_contract():
    tokens, hashes = pii.seal_many(VALUES)
    assert [pii.decrypt(t) for t in tokens] == VALUES
    assert hashes == [pii.lookup_hash(v) for v in VALUES]
    assert tokens[1] == "" and hashes[1] == ""
    current = pii.keyring().current.id
    # The same token format as seal: the key's id, then base64 of a 12-byte nonce and the ciphertext.
    one, _h = pii.seal(VALUES[0])
    assert tokens[0].startswith(f"v{current}:") and len(tokens[0]) == len(one)
    assert len({t for t in tokens if t}) == 5  # a nonce of its own per value
    again, _hashes = pii.seal_many(VALUES)
    assert again[0] != tokens[0]


def test_encrypt_many_round_trips():
    tokens = pii.encrypt_many(VALUES)
    assert pii.decrypt_many(tokens) == VALUES
    assert pii.encrypt_many([]) == []


def test_seal_many_takes_known_hashes_only_from_the_current_key_and_in_order(settings):
    settings.PII_KEY = pii.format_keyring([(2, "6b" * 64), (1, "5a" * 64)])
    numbers = [f"3307271980010{i:05d}" for i in range(300)]
    columns = pii.keyed_hash_columns(numbers)
    assert [c.key_id for c in columns] == [2, 1]
    assert columns[0].hashes == [pii.lookup_hash(n) for n in numbers]
    assert [[c.hashes[i] for c in columns] for i in range(3)] == [pii.lookup_hashes(n) for n in numbers[:3]]
    assert pii.lookup_hash_columns(numbers) == [c.hashes for c in columns]

    # Taken as they are when the key is still the current one (a deliberately wrong value shows they were).
    marked = pii.KeyedHashes(2, [*columns[0].hashes[:7], "x" * 32, *columns[0].hashes[8:]])
    _tokens, hashes = pii.seal_many(numbers, known=marked)
    assert hashes is marked.hashes
    # Made by another key (the ring changed since): computed again under the current one.
    _tokens, hashes = pii.seal_many(numbers, known=columns[1])
    assert hashes == columns[0].hashes
    # The same hashes for values in another order: the sample check refuses them.
    _tokens, hashes = pii.seal_many(numbers[::-1], known=columns[0])
    assert hashes == columns[0].hashes[::-1]
    # Of another length: refused too.
    _tokens, hashes = pii.seal_many(numbers[:-1], known=columns[0])
    assert hashes == columns[0].hashes[:-1]


def test_the_bulk_hmac_equals_hmac_new():
    values = ["", "a", "张三", "x" * 200, "330727198001010011"]
    for key in (pii.keyring().current, pii._key(1, "ab" * 200)):
        assert pii._mac_many(key, values) == [pii._mac(key, v) if v else "" for v in values]


def test_mask_expressions_equal_the_masks():
    import polars as pl

    values = [
        "",
        *("1234567890123456789012345"[:n] for n in range(1, 26)),
        "张三李四五六七八九十一二",
        "33072719800101123X",
    ]
    frame = pl.DataFrame({"v": values}).select(
        pii.mask_id_expr(pl.col("v")).alias("id"),
        pii.mask_phone_expr(pl.col("v")).alias("phone"),
        pii.mask_account_expr(pl.col("v")).alias("account"),
    )
    assert frame["id"].to_list() == [pii.mask_id(v) for v in values]
    assert frame["phone"].to_list() == [pii.mask_phone(v) for v in values]
    assert frame["account"].to_list() == [pii.mask_account(v) for v in values]
    for value in ("", "12", "1234567890123"):  # one row: each branch is computed over it, short or long
        one = pl.DataFrame({"v": [value]}).select(
            pii.mask_id_expr(pl.col("v")).alias("i"), pii.mask_phone_expr(pl.col("v")).alias("p")
        )
        assert one.row(0) == (pii.mask_id(value), pii.mask_phone(value))
    nulls = pl.DataFrame({"v": [None]}, schema={"v": pl.String}).select(pii.mask_id_expr(pl.col("v")))
    assert nulls.item() is None
