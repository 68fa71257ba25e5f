"""Session tokens: only the server can mint them; anything else is refused, never crashes."""

from __future__ import annotations

import pytest

from channels.web.session import SessionSigner

SECRET = "test-secret-0123456789abcdef"


def test_issued_token_verifies_to_its_id() -> None:
    signer = SessionSigner(SECRET)
    session_id, token = signer.issue()
    assert signer.verify(token) == session_id
    assert token.startswith(session_id + ".")


def test_ids_are_unique() -> None:
    signer = SessionSigner(SECRET)
    assert len({signer.issue()[0] for _ in range(500)}) == 500


def test_token_from_another_secret_is_rejected() -> None:
    _, token = SessionSigner("another-secret-0123456789").issue()
    assert SessionSigner(SECRET).verify(token) is None


@pytest.mark.parametrize("position", [0, 10, 21, 23, 40, -1])
def test_any_changed_character_is_rejected(position: int) -> None:
    signer = SessionSigner(SECRET)
    _, token = signer.issue()
    chars = list(token)
    if chars[position] == ".":
        position += 1
    chars[position] = "A" if chars[position] != "A" else "B"
    assert signer.verify("".join(chars)) is None


def test_client_made_id_with_swapped_signature_is_rejected() -> None:
    signer = SessionSigner(SECRET)
    id_a, token_a = signer.issue()
    id_b, _ = signer.issue()
    forged = id_b + "." + token_a.partition(".")[2]
    assert signer.verify(forged) is None
    assert signer.verify(token_a) == id_a


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        ".",
        "abc",
        "a" * 22,
        "a" * 22 + ".",
        "ก" * 22 + "." + "b" * 43,
        123,
        ["x"],
        {"a": 1},
        "x" * 5000,
        "aaaaaaaaaaaaaaaaaaaaaa.\u200b" + "b" * 42,
        "aaaaaaaaaaaaaaaaaaaaaa.bbbb.cccc",
    ],
)
def test_garbage_is_rejected_without_raising(token: object) -> None:
    assert SessionSigner(SECRET).verify(token) is None


def test_short_secret_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError):
        SessionSigner("short")


# --- expiry and rotation (issue 14, finding 6) ----------------------------------------------------


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_token_expires_after_its_max_age() -> None:
    clock = Clock()
    signer = SessionSigner(SECRET, max_age_seconds=3600, rotate_after_seconds=600, clock=clock)
    session_id, token = signer.issue()
    clock.now += 3599
    assert signer.check(token).status == "valid" and signer.verify(token) == session_id
    clock.now += 2
    check = signer.check(token)
    assert check.status == "expired" and check.session_id is None and signer.verify(token) is None


def test_an_old_enough_token_is_rotated_to_the_same_session() -> None:
    clock = Clock()
    signer = SessionSigner(SECRET, max_age_seconds=3600, rotate_after_seconds=600, clock=clock)
    session_id, token = signer.issue()
    assert not signer.needs_rotation(signer.check(token))
    clock.now += 601
    check = signer.check(token)
    assert signer.needs_rotation(check)
    same, fresh = signer.issue(check.session_id)
    assert same == session_id and fresh != token and signer.check(fresh).issued_at == int(clock.now)
    clock.now += 3500  # the old token is past its age; the rotated one is not
    assert signer.check(token).status == "expired" and signer.verify(fresh) == session_id


def test_a_changed_issue_time_breaks_the_signature() -> None:
    signer = SessionSigner(SECRET)
    _, token = signer.issue()
    sid, issued, signature = token.split(".")
    younger = f"{sid}.{int(issued) + 100}.{signature}"  # within the clock skew allowed: only the MAC says no
    assert signer.check(younger).status == "invalid"


def test_a_token_from_the_far_future_is_not_ours() -> None:
    clock = Clock()
    future = SessionSigner(SECRET, clock=Clock(clock.now + 86400))
    _, token = future.issue()
    assert SessionSigner(SECRET, clock=clock).check(token).status == "invalid"


def test_tokens_of_the_earlier_format_count_as_expired() -> None:
    import base64
    import hashlib
    import hmac

    session_id = "A" * 22
    mac = hmac.new(SECRET.encode(), b"web-session:" + session_id.encode(), hashlib.sha256).digest()
    legacy = session_id + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    assert SessionSigner(SECRET).check(legacy).status == "expired"
    assert SessionSigner("another-secret-0123456789").check(legacy).status == "invalid"


def test_a_previous_secret_still_verifies_and_is_rotated_away() -> None:
    old_signer = SessionSigner("the-old-secret-0123456789")
    session_id, token = old_signer.issue()
    signer = SessionSigner(SECRET, previous_secrets=["the-old-secret-0123456789"])
    check = signer.check(token)
    assert check.status == "valid" and check.session_id == session_id and not check.current_key
    assert signer.needs_rotation(check)  # re-signed with the current secret at the next connection
    assert SessionSigner(SECRET).check(token).status == "invalid"


def test_client_tags_are_stable_keyed_and_hide_the_address() -> None:
    signer = SessionSigner(SECRET)
    tag = signer.client_tag("203.0.113.7")
    assert tag == signer.client_tag("203.0.113.7") != signer.client_tag("203.0.113.8")
    assert "203" not in tag and tag != SessionSigner("another-secret-0123456789").client_tag("203.0.113.7")
