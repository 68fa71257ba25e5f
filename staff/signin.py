"""One sign-in attempt, start to finish: reserve throttle slots, check the password, settle, audit.

Three short transactions, and the Argon2 check outside all of them: (1) reserve a slot on each key
(staff.signin_throttle) or be refused at once, without a check; (2) read the account and verify the
password (an unknown name verifies a dummy hash, so it costs the same); (3) settle: count the failure
and maybe impose a block, or start the session. Nothing holds a lock while a password is hashed.

Unknown names go through exactly the same steps and get exactly the same answers (200 "wrong name or
password", then 429 with the same wording), so no answer tells which accounts exist.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from staff import audit, devices, sessions
from staff import signin_throttle as throttle
from staff.accounts import get_by_username, normalise_username
from staff.audit import Actor, hash_ip
from staff.database import Database
from staff.models import StaffUser
from staff.passwords import hash_password, needs_rehash, verify_password
from staff.settings import StaffSettings


class SignInOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown user or wrong password: the page says the same for both
    LOCKED = "locked"  # refused without a check, or this attempt imposed a block (429 either way)
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class Attempt:
    username: str  # as typed
    password: str
    client_address: str | None  # the peer, or the client a trusted proxy names (channels.edge)
    device_cookie: str | None  # staff.devices.COOKIE, if the browser sent one


@dataclass(frozen=True, slots=True)
class SignInResult:
    outcome: SignInOutcome
    retry_at: datetime | None = None  # LOCKED: when to try again
    just_locked: bool = False  # this attempt imposed the block (audited as auth.locked)
    session_token: str | None = None  # OK: the new session's cookie value
    device_cookie: str | None = None  # OK: the browser's trusted-device cookie value
    username: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    account: throttle.Limit
    client: throttle.Limit
    device: throttle.Limit

    @classmethod
    def of(cls, settings: StaffSettings) -> Policy:
        first, longest = timedelta(seconds=settings.first_block_s), timedelta(seconds=settings.lockout_s)
        return cls(
            account=throttle.Limit(settings.lockout_threshold, first, longest),
            client=throttle.Limit(settings.client_threshold, first, longest, reset_on_success=False),
            device=throttle.Limit(settings.lockout_threshold, first, longest),
        )


async def sign_in(
    database: Database, settings: StaffSettings, attempt: Attempt, *, now: datetime
) -> SignInResult:
    secret = settings.session_secret
    policy = Policy.of(settings)
    name = normalise_username(attempt.username)
    ip_hash = hash_ip(secret, attempt.client_address)
    device_id = devices.device_for(secret, name, attempt.device_cookie)
    if device_id is not None:
        wanted = [(throttle.device_key(secret, device_id), policy.device)]
    else:  # client before account: the one order every attempt locks them in
        wanted = [
            (throttle.client_key(secret, attempt.client_address), policy.client),
            (throttle.account_key(secret, name), policy.account),
        ]
    gate = await database.run(throttle.reserve, wanted, now)
    if not gate.allowed:
        await database.run(_record_refusal, Actor(None, name[:64], ip_hash), gate, now)
        return SignInResult(SignInOutcome.LOCKED, retry_at=gate.retry_at, username=name)
    user = await database.run(get_by_username, name)
    right = await asyncio.to_thread(verify_password, user.password_hash if user else None, attempt.password)
    if right and user is not None:
        return await database.run(_succeed, settings, gate, user.id, attempt.password, ip_hash, now)
    return await database.run(_fail, secret, gate, name, user.id if user else None, ip_hash, now)


def _record_refusal(db: Session, who: Actor, gate: throttle.Gate, now: datetime) -> None:
    detail = f"by={gate.refused_by}"
    audit.record(
        db, who, "auth.refused.locked", target_type="user", target_id=who.username, detail=detail, at=now
    )


def _fail(
    db: Session,
    secret: str,
    gate: throttle.Gate,
    name: str,
    user_id: int | None,
    ip_hash: str,
    now: datetime,
) -> SignInResult:
    who = Actor(user_id, name[:64], ip_hash)
    imposed = throttle.settle_failure(db, gate.slots, now)
    if not imposed:
        audit.record(db, who, "auth.refused.wrong", target_type="user", target_id=who.username, at=now)
        return SignInResult(SignInOutcome.WRONG, username=name)
    until = max(imposed.values())
    account_until = imposed.get(throttle.account_key(secret, name))
    if account_until is not None and user_id is not None:
        user = db.get(StaffUser, user_id)
        if user is not None:
            user.locked_until = account_until  # shown on the users pages, where admins can unlock
    kinds = ",".join(sorted(throttle.kind_of(key) for key in imposed))
    audit.record(
        db, who, "auth.locked", target_type="user", target_id=who.username, detail=f"by={kinds}", at=now
    )
    return SignInResult(SignInOutcome.LOCKED, retry_at=until, just_locked=True, username=name)


def _succeed(
    db: Session,
    settings: StaffSettings,
    gate: throttle.Gate,
    user_id: int,
    password: str,
    ip_hash: str,
    now: datetime,
) -> SignInResult:
    throttle.settle_success(db, gate.slots, now)
    user = db.get(StaffUser, user_id)
    if user is None:  # removed between the check and now
        return SignInResult(SignInOutcome.WRONG)
    who = Actor(user.id, user.username, ip_hash)
    if not user.active:
        audit.record(db, who, "auth.refused.disabled", target_type="user", target_id=user.username, at=now)
        return SignInResult(SignInOutcome.DISABLED, username=user.username)
    if any(throttle.kind_of(slot.key) == "account" for slot in gate.slots):
        user.locked_until = None  # the account's run ended with the right password
    user.failed_attempts = 0
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    sessions.purge_expired(db, now=now, idle=timedelta(seconds=settings.session_idle_s))
    throttle.purge(db, now)
    token = sessions.start(db, user, now=now, lifetime=timedelta(seconds=settings.session_lifetime_s))
    audit.record(db, who, "auth.sign_in", target_type="user", target_id=user.username, at=now)
    return SignInResult(
        SignInOutcome.OK,
        session_token=token,
        device_cookie=devices.issue(settings.session_secret, user.username),
        username=user.username,
    )
