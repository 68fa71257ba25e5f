"""Moves accepted events from the queue through Rasa to the citizen, one sender at a time.

Why retries live here and not in the queue: while Rasa is down the worker keeps the event in hand and
retries with exponential backoff, so the sender's later events (which wait behind it) stay in order
and nothing is dropped; only errors that retrying cannot fix reach the dead-letter stream.
A "done" marker written after a successful send makes a redelivered entry (crash between send and
ack, or a stale claim) a no-op, so each event is answered once. Rasa's answer is stored (keyed by the
event id) before it is delivered, so an event redelivered (the queue marks it) after Rasa answered it
(crash between the answer and the send) is delivered from that record instead of reaching Rasa a
second time: Rasa sees an event twice only when the crash cut its answer short.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from channels.base import Channel, DeliveryError
from channels.messages import Button, Inbound, Outbound
from channels.queue import REDELIVERED, EventQueue
from channels.rasa_client import RasaClient, RasaRejected, RasaUnavailable
from channels.settings import Settings
from channels.store import KeyValueStore
from observability import request_id
from privacy import log_id

if TYPE_CHECKING:
    from handover.gate import HandoverGate

log = logging.getLogger(__name__)

DONE_TTL_SECONDS = 7 * 24 * 3600
# Rasa answered a citizen's message with nothing: a broken turn (typically the action server is
# down, which Rasa logs and then answers []). Silence would look like the bot ignoring them.
APOLOGY = Outbound(text="ขออภัยค่ะ ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้งหรือพิมพ์ 'คุยกับเจ้าหน้าที่'")


# Channels whose citizen hears an apology when their turn is dead-lettered.
APOLOGY_ON_DEAD_LETTER = frozenset({"web", "sms"})


class EventFailed(Exception):
    """Raised to the queue after the worker gave up: the event goes to the dead-letter stream."""


class Worker:
    def __init__(
        self,
        *,
        queue: EventQueue,
        rasa: RasaClient,
        channels: Mapping[str, Channel],
        store: KeyValueStore,
        settings: Settings,
        stats: Counter[str] | None = None,
        handover: HandoverGate | None = None,
    ) -> None:
        self._queue = queue
        self._rasa = rasa
        self._channels = channels
        self._store = store
        self._base = settings.retry_base_seconds
        self._cap = settings.retry_max_seconds
        self._max_attempts = settings.max_attempts
        self._typing_delay = settings.typing_delay_seconds
        self.stats: Counter[str] = Counter() if stats is None else stats
        # Who owns each conversation (handover/gate.py): checked before every Rasa call. None without a
        # database or personal-data keys; then nobody can take a conversation over.
        self._handover = handover

    async def run(self) -> None:
        """Consume the queue until cancelled (started by the app's cleanup context)."""
        await self._queue.run(self.handle)

    async def handle(self, event: Inbound) -> None:
        # Every log line about this event carries the id of the request that brought it.
        token = request_id.bind(event.extra.get(request_id.METADATA_KEY))
        try:
            await self._handle(event)
        finally:
            request_id.reset(token)

    async def _handle(self, event: Inbound) -> None:
        channel = self._channels.get(event.channel)
        if channel is None:
            raise EventFailed(f"channel {event.channel!r} is not enabled in this gateway")
        done_key = f"done:{event.channel}:{event.event_id}"
        if await self._store.get(done_key):
            self.stats["already_done"] += 1
            return
        event = await channel.prepare(event)
        responses = await channel.local_reply(event)
        answer_key = f"answer:{event.channel}:{event.event_id}"
        if responses is None and event.extra.get(REDELIVERED):  # a first delivery has none stored
            stored = await self._store.get(answer_key)
            if stored is not None:
                # The previous attempt got this far: its delivery may have reached the citizen. The
                # adapter is told (`extra["resend"]`) so it can avoid a second copy (LINE: a used reply
                # token means the answer went out; no push after it).
                responses = outbound_from_json(stored)
                event = dataclasses.replace(event, extra={**event.extra, "resend": True})
                self.stats["answers_reused"] += 1
        if responses is None and self._handover is not None:
            responses = await self._handover.before_rasa(event, channel)
            if responses is not None:  # stored like Rasa's answer: a redelivery records nothing twice
                self.stats["handover_handled"] += 1
                await self._store.set(answer_key, outbound_to_json(responses), DONE_TTL_SECONDS)
        if responses is None:
            # The indicator runs alongside the Rasa call and only if the answer takes a while. A call
            # already on its way is awaited before the answer goes out, so it never lands after it.
            started = asyncio.Event()
            typing = asyncio.create_task(self._best_effort_typing(channel, event, started))
            try:
                responses = await self._ask_rasa(event)
            except EventFailed:
                await self._apologise_before_dead_letter(channel, event)
                raise
            finally:
                if not started.is_set():
                    typing.cancel()
                await asyncio.gather(typing, return_exceptions=True)
            if self._handover is not None:
                responses = await self._handover.after_rasa(event, responses, channel)
            if not responses:
                log.warning("rasa answered nothing to %s; apology sent", log_id(event.sender_id))
                self.stats["apologies"] += 1
                responses = [APOLOGY]
            await self._store.set(answer_key, outbound_to_json(responses), DONE_TTL_SECONDS)
        if responses or event.channel == "web":
            # A web turn must end even when Rasa says nothing: the widget stops its typing
            # indicator and a resend finds "answered" instead of waiting forever.
            await self._deliver(channel, event, responses)
        await self._store.set(done_key, "1", DONE_TTL_SECONDS)
        self.stats["answered"] += 1

    async def _apologise_before_dead_letter(self, channel: Channel, event: Inbound) -> None:
        # A web or SMS citizen would otherwise wait for ever (the widget keeps "typing"); the same
        # apology as for an empty answer ends the turn. LINE's reply token is spent by then anyway.
        if event.channel not in APOLOGY_ON_DEAD_LETTER:
            return
        try:
            await channel.send(event, [APOLOGY])
        except Exception as exc:  # the event is dead-lettered either way
            log.warning("apology before dead-lettering failed for %s: %r", log_id(event.sender_id), exc)
            return
        self.stats["apologies"] += 1
        self.stats["dead_letter_apologies"] += 1

    async def _best_effort_typing(self, channel: Channel, event: Inbound, started: asyncio.Event) -> None:
        await asyncio.sleep(self._typing_delay)  # a quick answer needs no indicator (and saves a call)
        started.set()
        try:
            await channel.typing(event)
        except Exception as exc:  # a missing loading animation must never cost an answer
            log.debug("typing indicator failed: %r", exc)

    def _delay(self, attempt: int) -> float:
        # Full jitter keeps many workers from hammering a recovering Rasa in lockstep.
        return random.uniform(self._base / 2, min(self._cap, self._base * 2**attempt))  # noqa: S311

    async def _ask_rasa(self, event: Inbound) -> list[Outbound]:
        rejected = 0
        attempt = 0
        while True:
            try:
                return await self._rasa.send(event)
            except RasaUnavailable as exc:
                # Unbounded: an outage must not turn into lost messages; backoff is capped.
                self.stats["rasa_retries"] += 1
                if attempt in (0, 5) or attempt % 20 == 0:
                    log.warning(
                        "rasa unavailable (%s); event %s waits, retry %d", exc, event.event_id, attempt
                    )
            except RasaRejected as exc:
                rejected += 1
                self.stats["rasa_rejected"] += 1
                if rejected >= self._max_attempts:
                    raise EventFailed(f"Rasa rejected the event {rejected} times: {exc}") from exc
            attempt += 1
            await asyncio.sleep(self._delay(attempt))

    async def _deliver(self, channel: Channel, event: Inbound, responses: Sequence[Outbound]) -> None:
        for attempt in range(1, self._max_attempts + 1):
            try:
                await channel.send(event, responses)
                return
            except DeliveryError as exc:
                if exc.permanent or attempt == self._max_attempts:
                    raise EventFailed(f"delivery failed for good: {exc}") from exc
                log.warning("delivery to %s failed (%s); retry %d", log_id(event.sender_id), exc, attempt)
                self.stats["send_retries"] += 1
                await asyncio.sleep(self._delay(attempt))


def outbound_to_json(messages: Sequence[Outbound]) -> str:
    """Rasa's answer as stored between Rasa and the delivery (Thai kept as UTF-8)."""
    return json.dumps(
        [
            {
                "text": m.text,
                "buttons": [[b.title, b.payload] for b in m.buttons],
                "image_url": m.image_url,
                "custom": m.custom,
            }
            for m in messages
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def outbound_from_json(raw: str) -> list[Outbound]:
    return [
        Outbound(
            text=m.get("text"),
            buttons=tuple(Button(title, payload) for title, payload in m.get("buttons", [])),
            image_url=m.get("image_url"),
            custom=m.get("custom"),
        )
        for m in json.loads(raw)
    ]
