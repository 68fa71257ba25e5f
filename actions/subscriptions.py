"""Case updates on or off: subscribe_form (which case, proof of access when needed, consent) and
action_unsubscribe_updates.

A subscription is a contact on the case for the asker's own channel (LINE/web: the sender id; SMS:
also the phone number it came from) with notify=True, and the consent wording exactly as shown with
its time in case_consents. "All my cases" means every case with a contact that belongs to the asker,
so it never needs proof; a case the asker did not file needs the same last-4-digits check as the
status look-up. Unsubscribing turns notify off on the asker's own contacts of that case only: a
global opt-out is what STOP or unfollowing the LINE account does.

As in actions/case_status.py, each database unit of work is a synchronous function run in a worker
thread that returns plain values (an Outcome), so a wait for the SQLite write lock blocks no one else.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies
from actions.case_status import (
    CaseAction,
    CaseFormValidation,
    CaseLookup,
    Outcome,
    canonical_ref,
    find_case_ref,
    latest_intent,
    latest_text,
    leaves_form,
    refusal,
    send_bad_check,
    verification_slots,
)
from actions.complaint_talk import bare
from actions.context import ActionContext
from actions.form_ask import AskSlotAction
from actions.replies import (
    ALL_CASES_WORDS,
    CHANNEL_NAMES,
    COMPLAINT_CANCEL_WORDS,
    PHRASES,
    UNSUBSCRIBE_ALL_BUTTON,
    Button,
)
from cases.registry import (
    AskerKeys,
    NewConsent,
    cases_of_asker,
    find_case_by_reference,
    subscribe_asker,
    unsubscribe_asker,
)
from privacy import ContactError, check_sender_id

log = logging.getLogger(__name__)

ALL = "all"
NOTIFY_CHANNELS = frozenset({"line", "sms", "web"})
MAX_WHICH_BUTTONS = 4
SUBSCRIBE_SLOTS = ("subscribe_target", "subscribe_consent", "phone_last4", "case_id")


def wants_all(text: str) -> bool:
    lowered = text.casefold()
    return any(word in lowered for word in ALL_CASES_WORDS)


def _entity_ref(tracker: Tracker) -> str | None:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == "case_id":
            ref = canonical_ref(entity.get("value"))
            if ref is not None:
                return ref
    return None


def where_of(channel: str | None) -> str:
    return CHANNEL_NAMES.get(channel or "", PHRASES["this_chat"])


def _consent_values(target: str, channel: str | None) -> dict[str, str]:
    what = PHRASES["all_my_cases"] if target == ALL else PHRASES["one_case"].format(reference=target)
    return {"what": what, "where": where_of(channel)}


def consent_values(tracker: Tracker) -> dict[str, str]:
    """The consent question names the case(s) and the channel; the submit action records these words."""
    return _consent_values(str(tracker.get_slot("subscribe_target")), tracker.get_latest_input_channel())


def consent_wording(target: str, channel: str | None) -> str:
    """The consent question exactly as the citizen sees it; the same words go into case_consents."""
    return replies.reply_for("ask_subscribe_consent", channel).text.format(**_consent_values(target, channel))


def _target_label(refs: tuple[str, ...]) -> str:
    return ", ".join(refs)


def can_notify(keys: AskerKeys) -> bool:
    """Only LINE, SMS (with the number the message came from) and web chat can carry notices."""
    if keys.channel not in NOTIFY_CHANNELS or (keys.channel == "sms" and keys.phone is None):
        return False
    try:
        check_sender_id(keys.channel, keys.sender_id)
    except ContactError:
        return False
    return True


def which_buttons(refs: tuple[str, ...]) -> tuple[Button, ...]:
    """One button per subscribed case (the first few), and one for all of them."""
    each = (Button(ref, f'/unsubscribe_updates{{"case_id":"{ref}"}}') for ref in refs[:MAX_WHICH_BUTTONS])
    return (*each, UNSUBSCRIBE_ALL_BUTTON)


# --- database units of work (run in a worker thread; plain values out) ----------------------


def _asker_has_cases(lookup: CaseLookup, keys: AskerKeys) -> bool:
    with lookup.sessions() as session:
        return bool(cases_of_asker(session, keys))


def _subscribe(
    lookup: CaseLookup,
    keys: AskerKeys,
    target: Any,
    channel: str | None,
    consented: bool,
) -> Outcome | None:
    """Switch updates on for the target case, or all the asker's cases, in one transaction; None when
    there is nothing to say (no consent: never reached through the rules)."""
    assert lookup.runtime is not None
    with lookup.sessions() as session, session.begin():
        if target == ALL:
            cases = cases_of_asker(session, keys)
        else:
            reference = canonical_ref(target)
            if reference is None:
                return Outcome("case_ref_not_reference")
            case = find_case_by_reference(session, reference)
            refused = refusal(*lookup.access(session, reference, case, keys))
            if refused is not None or case is None:  # an unknown reference is never verified
                return refused or Outcome("ask_phone_last4")
            cases = [case]
        if not consented:
            return None  # nothing is switched on without consent
        if not can_notify(keys):
            return Outcome("subscribe_channel_unsupported")
        if not cases:
            return Outcome("no_cases_of_asker")
        consent = NewConsent(wording=consent_wording(str(target), channel), given_at=lookup.clock())
        for case in cases:
            subscribe_asker(session, case, keys, consent, lookup.runtime.tools, now=lookup.clock())
        refs = tuple(case.reference for case in cases)
    return Outcome("subscribed", {"refs": _target_label(refs), "where": where_of(channel)}, refs)


def _unsubscribe(
    lookup: CaseLookup, keys: AskerKeys, named: str | None, last: str | None, everything: bool
) -> Outcome:
    """Switch updates off in one transaction: the named case, else all the asker's subscribed cases
    (`everything`), the case just looked up, or the only one; several and none chosen: ask which."""
    with lookup.sessions() as session, session.begin():
        if named is not None:
            case = find_case_by_reference(session, named)
            if case is None or not unsubscribe_asker(session, case, keys):
                return Outcome("unsubscribe_nothing", {"what": PHRASES["one_case"].format(reference=named)})
            changed = [case]
        else:
            subscribed = [
                case
                for case in cases_of_asker(session, keys)
                if any(keys.owns(c) and c.notify for c in case.contacts)
            ]
            if not everything:
                if last in {case.reference for case in subscribed}:
                    subscribed = [case for case in subscribed if case.reference == last]
                elif len(subscribed) > 1:
                    return Outcome("unsubscribe_which", refs=tuple(case.reference for case in subscribed))
            if not subscribed:
                return Outcome("unsubscribe_nothing", {"what": ""})
            for case in subscribed:
                unsubscribe_asker(session, case, keys)
            changed = subscribed
        refs = tuple(case.reference for case in changed)
    return Outcome("unsubscribed", {"refs": _target_label(refs)}, refs)


# --- the actions ------------------------------------------------------------------------------


class ValidateSubscribeForm(CaseFormValidation):
    reference_slot = "subscribe_target"

    def name(self) -> str:
        return "validate_subscribe_form"

    async def form_slots(self, lookup: CaseLookup, tracker: Tracker) -> list[str]:
        target = tracker.get_slot("subscribe_target")
        if target is None or target == ALL:
            return ["subscribe_target", "subscribe_consent"]
        proof = await verification_slots(lookup, tracker, target)
        if proof:
            if (
                tracker.get_slot("requested_slot") == "phone_last4"
                and tracker.get_slot("phone_last4") != target
            ):
                return ["subscribe_target", *proof]  # still proving (or just locked out)
            return ["subscribe_target", *proof, "subscribe_consent"]
        if await lookup.access_of(tracker, target) in ("owner", "verified"):
            return ["subscribe_target", "subscribe_consent"]
        return ["subscribe_target"]  # locked, no phone on the case: the submit action explains

    async def extract_subscribe_target(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        requested = tracker.get_slot("requested_slot")
        if requested is not None and leaves_form(tracker):
            return {}
        if requested == "subscribe_target":
            return {"subscribe_target": _entity_ref(tracker) or latest_text(tracker)}
        if requested is not None:
            return {}
        # Starting: the case named in the message, "all my cases", else the case just looked up.
        text = latest_text(tracker)
        named = _entity_ref(tracker)
        if named is None and (wants_all(text) or find_case_ref(text)[0] != "not_a_reference"):
            named = text
        return {"subscribe_target": named or tracker.get_slot("last_case_ref")}

    async def validate_subscribe_target(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if slot_value is None or self.lookup is None or not self.lookup.ready:
            return {"subscribe_target": None}
        text = str(slot_value)
        status, ref = find_case_ref(text)
        if status == "valid" and ref is not None:
            return {"subscribe_target": ref}  # unknown or not the asker's: the digits are asked alike
        if status == "bad_check":
            send_bad_check(dispatcher, tracker, text)
            return {"subscribe_target": None}
        if text == ALL or wants_all(text):
            if not await asyncio.to_thread(_asker_has_cases, self.lookup, self.lookup.keys(tracker)):
                replies.send(dispatcher, tracker, "no_cases_of_asker")
                return {"subscribe_target": None}
            return {"subscribe_target": ALL}
        if tracker.get_slot("requested_slot") == "subscribe_target":
            replies.send(dispatcher, tracker, "case_ref_not_reference")
        return {"subscribe_target": None}

    async def extract_subscribe_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # Consent counts only as the answer to the question just asked: a value left over from an
        # earlier, abandoned form is wiped, never reused.
        if tracker.get_slot("requested_slot") != "subscribe_consent":
            return {"subscribe_consent": None} if tracker.get_slot("subscribe_consent") is not None else {}
        if leaves_form(tracker):
            return {}  # "ไม่ยินยอม" is /deny: the rule cancels the form, nothing is switched on
        if latest_intent(tracker) == "affirm" or replies.consent_answer(latest_text(tracker)) is True:
            return {"subscribe_consent": True}
        replies.send(dispatcher, tracker, "subscribe_consent_unclear")
        return {"subscribe_consent": None}

    async def validate_subscribe_consent(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"subscribe_consent": True if slot_value is True else None}


class ActionSubmitSubscribe(CaseAction):
    def name(self) -> str:
        return "action_submit_subscribe"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = [SlotSet(name, None) for name in SUBSCRIBE_SLOTS]
        lookup = self.ready_lookup(dispatcher, tracker)
        if lookup is None:
            return events
        target = tracker.get_slot("subscribe_target")
        keys = lookup.keys(tracker)
        outcome = await asyncio.to_thread(
            _subscribe,
            lookup,
            keys,
            target,
            tracker.get_latest_input_channel(),
            tracker.get_slot("subscribe_consent") is True,
        )
        if outcome is None:
            return events
        outcome.send(dispatcher, tracker)
        if outcome.reply != "subscribed":
            return events
        log.info("subscribe: %d case(s) on %s", len(outcome.refs), keys.channel)
        if target != ALL:
            events.append(SlotSet("last_case_ref", outcome.refs[0]))
        return events


class ActionUnsubscribeUpdates(CaseAction):
    """Turns notify off on the asker's own contacts: the named case, "all", the case just looked
    up, or the only case they get updates for; with several and none named, asks which."""

    def name(self) -> str:
        return "action_unsubscribe_updates"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = [SlotSet("case_id", None)]
        lookup = self.ready_lookup(dispatcher, tracker)
        if lookup is None:
            return events
        text = latest_text(tracker)
        status, typed_ref = find_case_ref(text)
        named = _entity_ref(tracker) or typed_ref
        if named is None and bare(text) in CANCEL_ALONE:
            # A bare "ยกเลิก" with nothing running (after a case list, say) cancels nothing: turning the
            # citizen's updates off on a guess would lose them news of their case. Said how instead.
            replies.send(dispatcher, tracker, "unsubscribe_bare_cancel")
            return events
        if named is None and status == "bad_check":
            send_bad_check(dispatcher, tracker, text)
            return events
        last = tracker.get_slot("last_case_ref")
        outcome = await asyncio.to_thread(
            _unsubscribe, lookup, lookup.keys(tracker), named, last, wants_all(text)
        )
        if outcome.reply == "unsubscribe_which":
            outcome.send(dispatcher, tracker, extra_buttons=which_buttons(outcome.refs))
            return events
        outcome.send(dispatcher, tracker)
        if outcome.reply == "unsubscribed":
            log.info("unsubscribe: %d case(s)", len(outcome.refs))
        return events


# The cancel words said alone ("ยกเลิก", "cancel"): no request to stop updates by themselves.
CANCEL_ALONE = frozenset(bare(word) for word in COMPLAINT_CANCEL_WORDS)


def build_actions(context: ActionContext) -> list[Action]:
    lookup = CaseLookup(sessions=context.sessionmaker, runtime=context.cases)
    return [
        ValidateSubscribeForm(lookup),
        AskSlotAction("subscribe_target"),
        AskSlotAction("subscribe_consent", values=consent_values),
        ActionSubmitSubscribe(lookup),
        ActionUnsubscribeUpdates(lookup),
    ]
