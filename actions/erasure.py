"""action_delete_contact_data: erase the asker's contact data from every case, after they confirmed.

The rule in bot/data/rules_personal_data.yml runs this only on a yes to utter_ask_delete_contact_data.
Who is asking comes from the channel, never from what was typed: the chat account's sender id, and on
SMS the number the gateway sealed into the message metadata (cases.erasure explains why).
The answer is honest in every case: how many cases lost the contact data, that there was nothing to
erase, or that the service is not available here (no PERSONAL_DATA_KEYS) or failed, with a person to ask.
The same transaction erases the asker's live-handover data (handover/erasure.py: reply addresses,
transcript texts, call-back phones); a photo sent to staff leaves the photo store after the commit.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from actions import replies
from actions.case_runtime import Asker, CaseRuntime, asker_of
from actions.context import ActionContext
from cases.erasure import erase_contact_data
from handover.erasure import HandoverErasure, erase_handover_data
from privacy import ContactError
from staff.models import utcnow

log = logging.getLogger(__name__)


class ActionDeleteContactData(Action):
    def __init__(self, runtime: CaseRuntime | None, sessions: sessionmaker[Session] | None) -> None:
        self._runtime = runtime
        self._sessions = sessions

    def name(self) -> str:
        return "action_delete_contact_data"

    def _erase(
        self, runtime: CaseRuntime, sessions: sessionmaker[Session], asker: Asker
    ) -> tuple[int, HandoverErasure]:
        phone = asker.sms_number if asker.channel == "sms" else None
        now = utcnow()
        with sessions() as session, session.begin():
            cases = erase_contact_data(
                session, runtime.tools.vault, asker.channel, asker.sender_id, phone=phone, now=now
            )
            chats = erase_handover_data(session, runtime.tools.vault, asker.sender_id, now=now)
        for ref in chats.photo_refs:  # committed: the rows no longer point at them
            try:
                runtime.tools.photos.delete(ref)
            except OSError as exc:
                log.warning("erasure: a handover photo was not deleted (%s)", type(exc).__name__)
        return cases, chats

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        runtime, sessions = self._runtime, self._sessions
        if runtime is None or sessions is None:
            replies.send(dispatcher, tracker, "personal_data_unavailable")
            return []
        asker = asker_of(tracker, runtime)
        try:
            # Blocking database work off the event loop, so other conversations keep flowing.
            count, chats = await asyncio.to_thread(self._erase, runtime, sessions, asker)
        except (SQLAlchemyError, ContactError) as exc:
            # The transaction rolled back: nothing was half-erased. Only the error type is logged.
            log.error("erasure failed on channel %s: %s", asker.channel, type(exc).__name__)
            replies.send(dispatcher, tracker, "contact_data_erase_failed")
            return []
        if count == 0 and chats.anything:
            replies.send(dispatcher, tracker, "handover_data_erased")
        elif count == 0:
            replies.send(dispatcher, tracker, "contact_data_nothing_to_erase")
        else:
            replies.send(dispatcher, tracker, "contact_data_erased", values={"count": str(count)})
        return []


def build_actions(context: ActionContext) -> list[Action]:
    return [ActionDeleteContactData(context.cases, context.sessionmaker)]
