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
