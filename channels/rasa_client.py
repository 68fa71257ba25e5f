"""Talks to our own Rasa input channels (rasa_plugins/channels.py) over loopback.

Rasa chooses `channel:` response variants by the output channel's name, so each platform posts to its
own input channel (/webhooks/line/webhook, /webhooks/sms/webhook, /webhooks/web/webhook) rather than
to Rasa's REST channel, whose output channel is always called "collector".

Every message carries the gateway's signed word on who sent it (privacy/identity.py): the adapters
have checked the platform's signature, so only the gateway may say "this is LINE user U…"; the
actions believe a channel identity from that signature alone, never from the sender id. Without
PERSONAL_DATA_KEYS there is no key to sign with and the citizen counts as anonymous to the actions.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp

from channels.messages import Button, Inbound, Outbound
from channels.settings import Settings
from observability import request_id
from privacy.identity import GatewayIdentity

log = logging.getLogger(__name__)

TOKEN_HEADER = "X-Gateway-Token"  # noqa: S105 (a header name, not a secret)


class RasaUnavailable(Exception):
    """Rasa did not answer (down, restarting, overloaded): retry later, the event is not at fault."""


class RasaRejected(Exception):
    """Rasa answered with a client error for this event: retrying the same request will not help."""


def rasa_text(event: Inbound) -> str:
    """The message text Rasa sees for an event.

    Non-text events become intent messages ("/intent{json entities}") so the dialogue can react to them
    without NLU guessing; the raw details also travel in the metadata (`location`, `media_id`).
    """
    if event.kind == "text":
        return event.text or ""
    if event.kind == "postback":
        return event.payload or event.text or ""
    if event.kind == "follow":
        return "/greet"
    if event.kind == "location" and event.location is not None:
        entities = {"latitude": event.location.latitude, "longitude": event.location.longitude}
        return "/share_location" + json.dumps(entities)
    if event.kind == "image":
        return "/share_image"
    if event.kind == "sticker":
        return "/share_sticker"
    return event.text or ""


# Adapter-private details (push target, the SMS number sealed for the worker) stay in the gateway;
# only these travel to Rasa, where metadata is stored with every user event.
_EXTRA_FOR_RASA = ("sticker_keywords", "chose", "n")  # "n": the SMS number, sealed (Fernet)


def rasa_metadata(event: Inbound) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "channel": event.channel,
        "user_id": event.sender_id,
        "locale": event.locale,
        "event_id": event.event_id,
        "kind": event.kind,
    }
    if event.display_name:
        metadata["display_name"] = event.display_name
    if event.location is not None:
        metadata["location"] = {
            "latitude": event.location.latitude,
            "longitude": event.location.longitude,
            "address": event.location.address,
            "title": event.location.title,
        }
    if event.media_id:
        metadata["media_id"] = event.media_id
    rid = request_id.well_formed(event.extra.get(request_id.METADATA_KEY))
    if rid is not None:  # Rasa keeps it on the user event; the action server logs it
        metadata[request_id.METADATA_KEY] = rid
    extra = {key: event.extra[key] for key in _EXTRA_FOR_RASA if key in event.extra}
    if extra:
        metadata["extra"] = extra
    return metadata


def outbound_from_rasa(messages: Sequence[dict[str, Any]]) -> list[Outbound]:
    """Rasa's collected bot utterances -> channel-neutral messages (unknown keys are dropped)."""
    result: list[Outbound] = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        buttons = tuple(
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in message.get("buttons") or ()
            if isinstance(b, dict) and b.get("title")
        )
        custom = message.get("custom")
        outbound = Outbound(
            text=message.get("text") or None,
            buttons=buttons,
            image_url=message.get("image") or None,
            custom=custom if isinstance(custom, dict) else None,
        )
        if outbound.text or outbound.buttons or outbound.image_url or outbound.custom:
            result.append(outbound)
    return result


class RasaClient:
    """One client per process, on the gateway's shared ClientSession."""

    def __init__(self, session: aiohttp.ClientSession, settings: Settings) -> None:
        self._session = session
        self._base = settings.rasa_url
        self._token = settings.gateway_rasa_token
        self._identity = GatewayIdentity(settings.privacy) if settings.privacy is not None else None
        if self._identity is None:
            log.warning(
                "no PERSONAL_DATA_KEYS: identities go unsigned; the actions see every citizen as anonymous"
            )
        self._timeout = aiohttp.ClientTimeout(
            total=settings.timeouts.rasa_total, sock_connect=settings.timeouts.rasa_connect
        )

    async def send(self, event: Inbound) -> list[Outbound]:
        metadata = rasa_metadata(event)
        if self._identity is not None:  # signed now, as it leaves for Rasa: a queued event never expires
            metadata = self._identity.sign(metadata)
        body = {"sender": event.sender_id, "message": rasa_text(event), "metadata": metadata}
        headers = {TOKEN_HEADER: self._token} if self._token else {}
        if request_id.METADATA_KEY in metadata:
            headers[request_id.HEADER] = metadata[request_id.METADATA_KEY]
        url = f"{self._base}/webhooks/{event.channel}/webhook"
        try:
            async with self._session.post(url, json=body, headers=headers, timeout=self._timeout) as resp:
                if resp.status in (429, 502, 503, 504):
                    raise RasaUnavailable(f"Rasa answered {resp.status}")
                if resp.status >= 400:
                    raise RasaRejected(f"Rasa answered {resp.status}: {(await resp.text())[:200]}")
                data = await resp.json(content_type=None)
        except (aiohttp.ClientConnectionError, TimeoutError) as exc:
            raise RasaUnavailable(repr(exc)) from exc
        except (aiohttp.ContentTypeError, json.JSONDecodeError) as exc:
            raise RasaRejected(f"Rasa sent a body that is not JSON: {exc!r}") from exc
        if not isinstance(data, list):
            raise RasaRejected("Rasa sent JSON that is not a list of messages")
        return outbound_from_rasa(data)

    async def ready(self) -> bool:
        """Rasa's server answers (GET / needs no token and exists without --enable-api)."""
        try:
            async with self._session.get(f"{self._base}/", timeout=aiohttp.ClientTimeout(total=2)) as resp:
                return resp.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False
