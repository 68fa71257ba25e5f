"""PrivacySettings: the key material for personal data, read once from the environment.

One setting, `PERSONAL_DATA_KEYS`, e.g. ``hash:<key>,k2:<key>,k1:<key>`` (each key 32+ random bytes,
hex or base64; `python -m privacy generate` prints a fresh value):

- `hash:` is the root of every keyed hash (phone numbers, sender ids). Hashes are lookup keys stored in
  the database and Redis, so this key is never rotated like the others.
- every other entry is a sealing key named by its id; the first is the current key (it seals new
  values), the rest stay readable until `python -m privacy rotate-keys` has re-sealed everything.

Legacy settings still open existing data (one warning at start-up): `CASES_SECRET_KEY` becomes the
readable key `legacy` (and the hash root when there is no `hash:` entry, so case hashes stay the same);
`PHONE_HASH_KEY` keeps the gateway's historic SMS sender ids and opens its old queued tokens.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from privacy.hashing import derive
from privacy.sealing import LEGACY_KID, SealingKey

log = logging.getLogger(__name__)

VARIABLE = "PERSONAL_DATA_KEYS"
HASH_ENTRY = "hash"
_KID = re.compile(r"[a-z0-9][a-z0-9_-]{0,15}")
_SEAL_INFO = b"govbot-privacy/seal"
_LEGACY_SEAL_INFO = b"govbot-cases/encrypt"  # the case registry's first vault
_LOGGED: set[str] = set()


class PrivacyConfigError(ValueError):
    """The key material is missing or malformed; the message names the variable, never a key."""


def _key_bytes(raw: str, where: str) -> bytes:
    raw = raw.strip()
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        try:
            key = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise PrivacyConfigError(f"{where} must be hex or base64") from exc
    if len(key) < 32:
        raise PrivacyConfigError(f"{where} must hold at least 32 bytes")
    return key


def new_key(kid: str) -> str:
    """One fresh entry for PERSONAL_DATA_KEYS: '<kid>:<base64 of 32 random bytes>'."""
    if not _KID.fullmatch(kid) or kid in (LEGACY_KID,):
        raise PrivacyConfigError(f"key id {kid!r} must be 1-16 of a-z 0-9 _ - and not {LEGACY_KID!r}")
    return f"{kid}:{base64.b64encode(secrets.token_bytes(32)).decode('ascii')}"


@dataclass(frozen=True, slots=True)
class PrivacySettings:
    """Key material (never in repr). Build with `from_environ`, or `generate()` in tests."""

    sealing: tuple[tuple[str, bytes], ...] = field(repr=False)  # (kid, material), first = current
    hash_root: bytes = field(repr=False)
    legacy_cases_key: bytes | None = field(default=None, repr=False)  # CASES_SECRET_KEY
    legacy_phone_key: str = field(default="", repr=False)  # PHONE_HASH_KEY

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> PrivacySettings:
        raw = environ.get(VARIABLE, "").strip()
        legacy_cases = environ.get("CASES_SECRET_KEY", "").strip()
        legacy_phone = environ.get("PHONE_HASH_KEY", "").strip()
        sealing: list[tuple[str, bytes]] = []
        hash_root: bytes | None = None
        for n, entry in enumerate(filter(None, (e.strip() for e in raw.split(","))), start=1):
            kid, sep, material = entry.partition(":")
            kid = kid.strip()
            if not sep or not _KID.fullmatch(kid) or kid == LEGACY_KID:
                raise PrivacyConfigError(f"{VARIABLE} entry {n} must look like '<id>:<key>' (id a-z 0-9)")
            key = _key_bytes(material, f"{VARIABLE} entry {kid!r}")
            if kid == HASH_ENTRY:
                if hash_root is not None:
                    raise PrivacyConfigError(f"{VARIABLE} has two 'hash:' entries")
                hash_root = key
            elif any(kid == k for k, _ in sealing):
                raise PrivacyConfigError(f"{VARIABLE} names key {kid!r} twice")
            else:
                sealing.append((kid, key))
        cases_key = _key_bytes(legacy_cases, "CASES_SECRET_KEY") if legacy_cases else None
        if not sealing and cases_key is None and not legacy_phone:
            raise PrivacyConfigError(
                f"{VARIABLE} is not set: it keys the hashes and encryption of citizens' personal data "
                "(make one with: python -m privacy generate)"
            )
        if hash_root is None:
            if cases_key is not None:
                hash_root = cases_key
            elif not sealing:
                hash_root = legacy_phone.encode("utf-8")
            else:
                raise PrivacyConfigError(f"{VARIABLE} needs a 'hash:<key>' entry (the root of keyed hashes)")
        settings = cls(
            sealing=tuple(sealing),
            hash_root=hash_root,
            legacy_cases_key=cases_key,
            legacy_phone_key=legacy_phone,
        )
        for line in settings.legacy_notes():
            if line not in _LOGGED:  # several parts of one process read the same environment
                _LOGGED.add(line)
                log.warning("personal data: %s", line)
        return settings

    @classmethod
    def from_environ_if_set(cls, environ: Mapping[str, str]) -> PrivacySettings | None:
        """None when no key variable is set at all (a gateway without SMS or cases needs none)."""
        if not any(
            environ.get(name, "").strip() for name in (VARIABLE, "CASES_SECRET_KEY", "PHONE_HASH_KEY")
        ):
            return None
        return cls.from_environ(environ)

    @property
    def can_store(self) -> bool:
        """Whether there is a key for data at rest (PERSONAL_DATA_KEYS or CASES_SECRET_KEY); the
        gateway's PHONE_HASH_KEY alone only keys SMS ids and tokens in flight."""
        return bool(self.sealing) or self.legacy_cases_key is not None

    @classmethod
    def generate(cls, *, kid: str = "k1", legacy_phone_key: str = "") -> PrivacySettings:
        """Fresh random keys (tests, and `python -m privacy generate`)."""
        return cls(
            sealing=((kid, secrets.token_bytes(32)),),
            hash_root=secrets.token_bytes(32),
            legacy_phone_key=legacy_phone_key,
        )

    def legacy_notes(self) -> list[str]:
        notes = []
        if self.legacy_cases_key is not None:
            notes.append(
                "CASES_SECRET_KEY read as legacy key 'legacy'"
                + ("" if self.sealing else f" and used to seal: set {VARIABLE} and run `make rotate-keys`")
            )
        if self.legacy_phone_key:
            notes.append("PHONE_HASH_KEY keeps the historic SMS sender ids and opens old queued numbers")
        return notes

    def sealing_keys(self) -> tuple[SealingKey, ...]:
        """The keyring's keys, current first; the legacy key last (or only, without PERSONAL_DATA_KEYS)."""
        keys = [SealingKey(kid, derive(material, _SEAL_INFO)) for kid, material in self.sealing]
        legacy = self.legacy_cases_key
        if legacy is None and not self.sealing:
            legacy = self.legacy_phone_key.encode("utf-8")
        if legacy is not None:
            keys.append(SealingKey(LEGACY_KID, derive(legacy, _LEGACY_SEAL_INFO)))
        return tuple(keys)

    def to_environ(self) -> dict[str, str]:
        """The variables that give these settings again (for child processes in tests)."""
        env: dict[str, str] = {}
        entries = [f"{HASH_ENTRY}:{self.hash_root.hex()}"] if self.hash_root != self.legacy_cases_key else []
        entries += [f"{kid}:{material.hex()}" for kid, material in self.sealing]
        if self.sealing:
            env[VARIABLE] = ",".join(entries)
        if self.legacy_cases_key is not None:
            env["CASES_SECRET_KEY"] = self.legacy_cases_key.hex()
        if self.legacy_phone_key:
            env["PHONE_HASH_KEY"] = self.legacy_phone_key
        return env

    def with_current(self, kid: str, material: bytes) -> PrivacySettings:
        """These settings with a new current key in front (tests of rotation)."""
        return PrivacySettings(
            sealing=((kid, material), *self.sealing),
            hash_root=self.hash_root,
            legacy_cases_key=self.legacy_cases_key,
            legacy_phone_key=self.legacy_phone_key,
        )
