"""Issue 14, finding 3 (identity part), without servers: the gateway's signed identity
(privacy/identity.py) is believed only when genuine, fresh and for this conversation.

The replay against the running processes is test_finding3_rasa_and_actions.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from privacy import PersonalData, PrivacySettings
from privacy.identity import IDENTITY_FIELD, MAX_AGE_SECONDS, GatewayIdentity

KEYS = PrivacySettings.generate()
LINE_USER = "line:U" + "4af4980629" * 3 + "ab"
NOW = 1_800_000_000.0


def gateway(at: float = NOW, keys: PrivacySettings = KEYS) -> GatewayIdentity:
    return GatewayIdentity(keys, clock=lambda: at)


def claim(sender: str = LINE_USER, **extra: Any) -> dict[str, Any]:
    return {"channel": sender.split(":", 1)[0], "user_id": sender, "locale": "th", **extra}


def test_the_gateways_signature_names_the_citizen() -> None:
    verdict = gateway().verify(gateway().sign(claim()), LINE_USER)
    assert verdict.identity is not None and verdict.rejection is None
    assert (verdict.identity.channel, verdict.identity.user_id) == ("line", LINE_USER)


def test_an_sms_identity_carries_its_sealed_number_and_only_that_one() -> None:
    sender = "sms:" + "c" * 32
    sealed = PersonalData(KEYS).seal("+66812345678")
    signed = gateway().sign(claim(sender, extra={"n": sealed}))
    verdict = gateway().verify(signed, sender)
    assert verdict.identity is not None and verdict.identity.sealed_number == sealed
    swapped = {**signed, "extra": {"n": PersonalData(KEYS).seal("+66899999999")}}
    assert gateway().verify(swapped, sender).rejection == "bad_signature"


@pytest.mark.parametrize(
    ("metadata", "why"),
    [
        (None, "missing"),
        (claim(), "missing"),  # what Rasa's REST channel or a hand-made tracker event carries
        ({**claim(), IDENTITY_FIELD: "yes"}, "malformed"),
        ({**claim(), IDENTITY_FIELD: {"v": 1, "ts": "now", "sig": "00"}}, "malformed"),
        ({**claim(), IDENTITY_FIELD: {"v": 1, "ts": True, "sig": "00"}}, "malformed"),
        ({**claim(), IDENTITY_FIELD: {"v": 1, "ts": int(NOW), "sig": "00" * 32}}, "bad_signature"),
    ],
)
def test_missing_or_made_up_signatures_are_refused(metadata: Any, why: str) -> None:
    assert gateway().verify(metadata, LINE_USER).identity is None
    assert gateway().verify(metadata, LINE_USER).rejection == why


def test_a_signature_under_other_keys_is_a_forgery() -> None:
    forged = gateway(keys=PrivacySettings.generate()).sign(claim())
    assert gateway().verify(forged, LINE_USER).rejection == "bad_signature"


@pytest.mark.parametrize(
    "change",
    [
        {"user_id": "line:U" + "0" * 32},  # another LINE user
        {"channel": "web", "user_id": "web:" + LINE_USER[5:]},  # same id on another channel
    ],
)
def test_a_signed_claim_cannot_be_edited(change: dict[str, str]) -> None:
    tampered = {**gateway().sign(claim()), **change}
    assert gateway().verify(tampered, tampered["user_id"]).rejection == "bad_signature"


def test_the_route_decides_the_channel_so_a_relabelled_claim_fails() -> None:
    """Rasa's input channel overwrites metadata.channel with its own name (rasa_plugins/channels.py):
    a LINE identity posted to the web channel arrives as channel "web" and no longer verifies."""
    relabelled = {**gateway().sign(claim()), "channel": "web"}
    assert gateway().verify(relabelled, LINE_USER).identity is None


def test_an_old_signature_has_expired_and_one_from_the_future_is_refused() -> None:
    signed = gateway(at=NOW).sign(claim())
    assert gateway(at=NOW + MAX_AGE_SECONDS - 1).verify(signed, LINE_USER).identity is not None
    assert gateway(at=NOW + MAX_AGE_SECONDS + 1).verify(signed, LINE_USER).rejection == "expired"
    assert gateway(at=NOW - 3600).verify(signed, LINE_USER).rejection == "future"


def test_a_signed_identity_is_only_good_in_its_own_conversation() -> None:
    """Copying a citizen's stored metadata into another conversation (a REST sender's) proves nothing."""
    signed = gateway().sign(claim())
    assert gateway().verify(signed, "attacker").rejection == "other_conversation"
    assert gateway().verify(signed, "rest:" + LINE_USER).rejection == "other_conversation"


def test_rest_and_unknown_channels_cannot_be_signed_into_a_citizen() -> None:
    for sender in ("rest:me", "me", "line:../../etc"):
        signed = gateway().sign({"channel": sender.split(":", 1)[0], "user_id": sender})
        assert gateway().verify(signed, sender).rejection == "malformed"


async def test_the_gateway_signs_what_it_sends_to_rasa(aiohttp_server: Any) -> None:
    """channels/rasa_client.py: every message leaves the gateway with an identity the action server
    (same PERSONAL_DATA_KEYS) accepts for that conversation — and only for it."""
    import dataclasses

    import aiohttp
    from aiohttp import web

    from channels.messages import Inbound
    from channels.rasa_client import RasaClient
    from channels.settings import Settings

    received: list[dict[str, Any]] = []

    async def webhook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response([{"text": "สวัสดีค่ะ"}])

    app = web.Application()
    app.router.add_post("/webhooks/line/webhook", webhook)
    server = await aiohttp_server(app)
    settings = dataclasses.replace(Settings(), rasa_url=str(server.make_url("")).rstrip("/"), privacy=KEYS)
    event = Inbound(channel="line", sender_id=LINE_USER, event_id="e1", kind="text", text="สวัสดี")
    async with aiohttp.ClientSession() as session:
        replies = await RasaClient(session, settings).send(event)
    assert replies[0].text == "สวัสดีค่ะ"
    body = received[0]
    verdict = GatewayIdentity(KEYS).verify(body["metadata"], body["sender"])
    assert verdict.identity is not None and verdict.identity.user_id == LINE_USER
    assert GatewayIdentity(PrivacySettings.generate()).verify(body["metadata"], LINE_USER).identity is None
