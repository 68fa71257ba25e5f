"""PERSONAL_DATA_KEYS, sealing with key ids, hashes, and the legacy settings that still open old data."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from privacy import PersonalData, PrivacyConfigError, PrivacySettings, SealError, log_id
from privacy.settings import new_key

K1, K2, ROOT = (base64.b64encode(os.urandom(32)).decode() for _ in range(3))
LEGACY = os.urandom(32)


def old_vault_seal(secret: bytes, plaintext: str) -> str:
    """cases/vault.py PersonalDataVault.encrypt as it was before key ids (bare base64)."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"govbot-cases/encrypt").derive(secret)
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plaintext.encode(), None)).decode()


def old_vault_hash(secret: bytes, kind: str, value: str) -> str:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"govbot-cases/hash").derive(secret)
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def data(**env: str) -> PersonalData:
    return PersonalData(PrivacySettings.from_environ(env))


def test_the_first_key_seals_and_every_value_names_its_key() -> None:
    pd = data(PERSONAL_DATA_KEYS=f"hash:{ROOT}, k2:{K2}, k1:{K1}")
    sealed = pd.seal("line:U123")
    version, kid, body = sealed.split(".")
    assert (version, kid) == ("v1", "k2") and "U123" not in body
    assert pd.open(sealed) == "line:U123"
    assert pd.seal("line:U123") != sealed  # fresh nonce every time
    older = data(PERSONAL_DATA_KEYS=f"hash:{ROOT},k1:{K1}").seal("+66812345678")
    assert pd.open(older) == "+66812345678"  # k1 still readable


def test_a_key_that_is_gone_or_a_tampered_value_is_a_seal_error() -> None:
    sealed = data(PERSONAL_DATA_KEYS=f"hash:{ROOT},k1:{K1}").seal("+66812345678")
    only_k2 = data(PERSONAL_DATA_KEYS=f"hash:{ROOT},k2:{K2}")
    with pytest.raises(SealError, match="'k1'"):
        only_k2.open(sealed)
    pd = data(PERSONAL_DATA_KEYS=f"hash:{ROOT},k1:{K1}")
    tampered = sealed[:-6] + ("AAAAAA" if not sealed.endswith("AAAAAA") else "BBBBBB")
    with pytest.raises(SealError):
        pd.open(tampered)
    with pytest.raises(SealError):
        pd.open("v1.k1.not-base64!")


def test_hashes_do_not_depend_on_the_sealing_keys_and_are_domain_separated() -> None:
    a = data(PERSONAL_DATA_KEYS=f"hash:{ROOT},k1:{K1}")
    b = data(PERSONAL_DATA_KEYS=f"hash:{ROOT},k2:{K2},k1:{K1}")
    assert a.phone_hash("+66812345678") == b.phone_hash("+66812345678")  # rotation keeps lookups
    assert a.phone_hash("+66812345678") != a.sender_hash("+66812345678")
    assert a.sms_sender_id("081-234-5678") == a.sms_sender_id("+66812345678")
    assert a.sms_sender_id("+66812345678").startswith("sms:") and "812345678" not in a.sms_sender_id(
        "0812345678"
    )
    other_root = data(PERSONAL_DATA_KEYS=f"hash:{K2},k1:{K1}")
    assert other_root.phone_hash("+66812345678") != a.phone_hash("+66812345678")
    with pytest.raises(ValueError):
        a.keyed_hash("email", "x")
    assert log_id("sms:abc") == log_id("sms:abc") != log_id("sms:abd") and log_id(None) == "-"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "PERSONAL_DATA_KEYS is not set"),
        (f"k1:{K1}", "needs a 'hash:<key>' entry"),
        (f"hash:{ROOT},k1", "must look like '<id>:<key>'"),
        (f"hash:{ROOT},K1:{K1}", "must look like '<id>:<key>'"),
        (f"hash:{ROOT},legacy:{K1}", "must look like '<id>:<key>'"),
        (f"hash:{ROOT},k1:{K1},k1:{K2}", "names key 'k1' twice"),
        (f"hash:{ROOT},k1:c2hvcnQ=", "at least 32 bytes"),
        (f"hash:{ROOT},k1:???", "hex or base64"),
    ],
    ids=["unset", "no-hash", "no-key", "upper-id", "reserved-id", "twice", "short", "not-encoded"],
)
def test_malformed_settings_name_the_problem_never_the_key(value: str, message: str) -> None:
    with pytest.raises(PrivacyConfigError, match=message) as caught:
        PrivacySettings.from_environ({"PERSONAL_DATA_KEYS": value})
    assert K1 not in str(caught.value) and K2 not in str(caught.value)


def test_settings_hide_keys_from_repr_and_accept_hex_and_generated_entries() -> None:
    settings = PrivacySettings.from_environ(
        {"PERSONAL_DATA_KEYS": f"hash:{os.urandom(32).hex()},{new_key('k9')}"}
    )
    assert "k9" not in repr(settings) and settings.sealing[0][0] == "k9"
    again = PrivacySettings.from_environ(settings.to_environ())
    assert PersonalData(again).open(PersonalData(settings).seal("x")) == "x"
    assert PrivacySettings.from_environ_if_set({}) is None


def test_the_legacy_cases_key_opens_old_values_and_keeps_old_hashes(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("privacy.settings._LOGGED", set())  # the line is logged once per process
    old_token = old_vault_seal(LEGACY, "line:U123")
    with caplog.at_level(logging.WARNING, logger="privacy"):
        legacy_only = data(CASES_SECRET_KEY=LEGACY.hex())
    assert "CASES_SECRET_KEY read as legacy key" in caplog.text
    assert legacy_only.open(old_token) == "line:U123"
    assert legacy_only.open("v1.legacy." + old_token) == "line:U123"  # as migration 0007 leaves it
    assert legacy_only.seal("x").startswith("v1.legacy.")
    assert legacy_only.phone_hash("+66812345678") == old_vault_hash(LEGACY, "phone", "+66812345678")
    # With new keys beside it: new values under k1, old ones still open, hashes unchanged.
    both = data(PERSONAL_DATA_KEYS=f"k1:{K1}", CASES_SECRET_KEY=LEGACY.hex())
    assert both.seal("x").startswith("v1.k1.") and both.open(old_token) == "line:U123"
    assert both.sender_hash("line:U123") == old_vault_hash(LEGACY, "sender", "line:U123")


def test_phone_hash_key_keeps_the_gateways_sms_sender_ids_and_opens_its_queued_tokens() -> None:
    secret = "gateway-phone-hash-key"
    # channels/sms/numbers.py NumberVault as it was: sender id and Fernet seal.
    hash_key = hashlib.sha256(b"sms-number-hash:" + secret.encode()).hexdigest()
    old_id = "sms:" + hmac.new(hash_key.encode(), b"+66812345678", hashlib.sha256).hexdigest()[:32]
    fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"sms-number-enc:" + secret.encode()).digest()))
    old_token = fernet.encrypt(b"+66812345678").decode()

    pd = data(PERSONAL_DATA_KEYS=f"hash:{ROOT},k1:{K1}", PHONE_HASH_KEY=secret)
    assert pd.sms_sender_id("0812345678") == old_id
    assert pd.open(old_token) == "+66812345678"
    assert pd.seal("+66812345678").startswith("v1.k1.")
    fresh = data(PERSONAL_DATA_KEYS=f"hash:{ROOT},k1:{K1}")
    assert fresh.sms_sender_id("0812345678") != old_id
    with pytest.raises(SealError):
        fresh.open(old_token)


def test_generate_keeps_an_existing_cases_key_as_the_hash_root() -> None:
    from privacy.__main__ import generate

    upgraded = data(PERSONAL_DATA_KEYS=generate({"CASES_SECRET_KEY": LEGACY.hex()}))
    assert upgraded.phone_hash("+66812345678") == old_vault_hash(LEGACY, "phone", "+66812345678")
    assert upgraded.seal("x").startswith("v1.k1.")
    fresh = data(PERSONAL_DATA_KEYS=generate({}))
    assert fresh.phone_hash("+66812345678") != upgraded.phone_hash("+66812345678")
