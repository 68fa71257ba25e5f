"""complaint_form: category, what happened, where, an optional photo, consent, then a confirmation.

Every answer is checked here with a clear reply when it cannot be used, and nothing already given
is lost (a photo or a location sent at the wrong step is kept). On LINE a location arrives as the
intent /share_location with the coordinates as entities, a photo as /share_image with the LINE
message id in metadata: the photo is downloaded and stored at once (LINE keeps it only for a while)
and the slot holds only the stored file's reference. SMS and web chat cannot send photos or
locations here, so they skip the photo question and type an address. The case is created only after
the citizen confirms the summary; the reply gives the reference in a form that can be read out on
the phone and says whether updates will come on this channel.

Blocking work runs in worker threads (asyncio.to_thread), never on the action server's event loop:
storing and sweeping waiting photos (up to CASES_MAX_PHOTO_BYTES each), reading one back, and the
transaction that files the case (on SQLite it may wait for the write lock).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from actions import replies
from actions.case_runtime import Asker, CaseRuntime, asker_of, latest_metadata
from actions.case_status import CASE_FORM, CaseLookup, names_a_reference
from actions.complaint_after import ActionComplaintAfter
from actions.complaint_fields import Carried, carried_fields
from actions.complaint_place import place_answer_kind
from actions.complaint_referral import (
    REFERRED,
    aside_referral_text,
    directory,
    faster_agency,
    faster_agency_text,
    insisted_story,
    referral_for,
    referral_key,
    referral_text,
)
from actions.complaint_steps import (
    CONSENT_ANSWER_MAX_CHARS,
    MAX_DESCRIPTION_CHARS,
    MAX_LOCATION_CHARS,
    MIN_DESCRIPTION_CHARS,
    MIN_DESCRIPTION_LETTERS,
    OTHER,
    category_for_citizen,
    later_answer,
    meaningful_chars,
    more_of_the_story,
    only_an_answer_word,
    place_in_story,
    place_slots,
    place_told,
    typed_edit,
    usable_description,
    usable_location,
)
from actions.complaint_talk import (
    about_an_earlier_complaint,
    aside_kind,
    asks_how_long,
    asks_in_a_clause,
    asks_time_ahead,
    asks_to_edit,
    bare,
    category_from_words,
    compact,
    confirms_in_words,
    consent_from_words,
    first_description,
    gives_a_number,
    has_category_cue,
    in_english,
    is_bare_no,
    is_payload,
    is_question,
    is_yes,
    photo_later,
    reads_as_place,
    reported_before,
    says_not_that,
    skips_photo,
    tracks_a_case,
    wants_cancel,
    wants_category_change,
)
from actions.context import ActionContext
from actions.form_ask import AskSlotAction
from actions.form_reset import COMPLAINT_SLOTS, clear_events
from actions.form_tries import texts_since_start, tries_at_step
from actions.line_content import ContentError, ContentTooLarge, LineContentClient
from actions.replies import (
    ADDRESS_WORRY_WORDS,
    ANONYMOUS_BUTTON,
    ANONYMOUS_WORDS,
    CATEGORY_LABEL_LEAD,
    CHANGE_CATEGORY_BUTTON,
    COMPLAINT_CATEGORIES,
    COMPLAINT_CATEGORIES_EN,
    COMPLAINT_EDIT_FIELDS,
    COMPLAINT_EDIT_VERBS,
    COMPLAINT_EDIT_WORDS,
    CONSENT_NO_PREFIX,
    CONSENT_YES_PREFIX,
    DURATION_UNITS_EN,
    FORM_SMALL_TALK_PATTERN,
    HANDOVER_NOW_LABEL,
    HUMAN,
    NEIGHBOUR_WORDS,
    PHRASES,
    SPOKEN_CHARACTERS,
    TOLD_ELSEWHERE_WORDS,
    YES_BUTTON,
    Button,
    rude,
    upset,
)
from actions.service_small_talk import has_content
from cases.complaint_routing import ComplaintRoute, ensure_agency, load_routes, route_for
from cases.geo import inside_thailand
from cases.models import utcnow
from cases.photos import PhotoError, PhotoStore, check_photo, sniff_image_type
from cases.registry import (
    AskerKeys,
    CaseInputError,
    NewCase,
    NewComplaint,
    NewConsent,
    NewContact,
    NewPhoto,
    create_case,
    lift_opt_outs,
)
from nlu.pii import mask
from privacy import ContactError, check_sender_id

log = logging.getLogger(__name__)

FORM = "complaint_form"
# complaint_location when only a map pin was sent (no address came with it).
PIN_ONLY = PHRASES["pin_only"]
PHOTO_PREFIX = "photo:"
NO_PHOTO = "none"
# Only LINE sends photos to the bot today; the web widget has no upload, SMS none: they are never
# asked for one (and the summary has no photo line there).
PHOTO_CHANNELS = frozenset({"line"})
# complaint_confirm besides "yes": แก้ไข (which field next), and how the form was left when it
# ends early — action_submit_complaint then says so instead of filing.
EDIT = "edit"
CANCELLED = "cancel"
HANDOVER = "handover"
EARLIER = "earlier"
# About a case already filed ("อยากติดตามเรื่องที่เคยแจ้งไว้", "จำเลขไม่ได้"): the case look-up instead.
TRACK = "track"
# A service asked for by its own name that the NLU read as a complaint ("อยากขอไฟเข้าบ้าน"): the
# service action answers it instead.
SERVICE_ASKED = "service"
# What ran for a case look-up: an upset message right after one is about that case, not a new complaint.
CASE_LOOKUP_ACTIONS = frozenset({CASE_FORM, "action_submit_case_status", "action_ask_case_id"})
# What LINE sends besides text; kept for its own step whichever step is asked.
SHARED_INTENTS = frozenset({"share_location", "share_image", "share_sticker"})
# Steps where "no" (and the /deny button) is an answer, not the cancel button.
NO_ANSWERS_STEPS = frozenset({"complaint_photo", "contact_consent"})
# Photos wait here (under CASES_PHOTO_DIR) until the complaint is confirmed, so the case photo store
# only ever holds photos of filed cases; a wait abandoned (cancel, menu) is swept after a day.
PENDING_DIR = "pending"
PENDING_MAX_AGE_SECONDS = 24 * 3600
_INVISIBLE = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}


def category_key(text: str) -> str | None:
    """The category a button or its typed label names; spaces and a polite ending do not count, nor
    the label's "เรื่อง" ("เรื่องอื่นๆ", "อื่นๆค่ะ" typed for the label "เรื่องอื่น ๆ")."""
    wanted = bare(text).casefold()
    for key, label in COMPLAINT_CATEGORIES.items():
        typed = "".join(label.split()).casefold()
        if wanted in (key, typed, typed.removeprefix(CATEGORY_LABEL_LEAD)):
            return key
    return None


def spoken_reference(reference: str) -> str:
    """CM69-1234-5678 -> "ซี เอ็ม หก เก้า / หนึ่ง สอง …": what to say when reading it to 1111."""
    groups = []
    for group in reference.split("-"):
        groups.append(" ".join(SPOKEN_CHARACTERS.get(c, c) for c in group))
    return PHRASES["spoken_dash"].join(groups)


def _squash(value: Any) -> str:
    return " ".join(str(value or "").translate(_INVISIBLE).split())


def _intent(tracker: Tracker) -> str:
    """The NLU's intent, except that a shared photo, location or sticker is only what the gateway sends
    as "/share_…": typed words the NLU reads as one ("ไม่มีรูป" next to the photo intent) stay text."""
    latest = tracker.latest_message or {}
    name = str((latest.get("intent") or {}).get("name") or "")
    if name in SHARED_INTENTS and not str(latest.get("text") or "").startswith("/"):
        return ""
    return name


def _coordinate(value: Any, limit: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None


def _shared_location(tracker: Tracker) -> tuple[float | None, float | None, str | None]:
    """Coordinates from the /share_location entities (metadata.location as a fallback), and the
    address LINE sent with the pin, if any."""
    entities = {e.get("entity"): e.get("value") for e in (tracker.latest_message or {}).get("entities") or []}
    place = latest_metadata(tracker).get("location")
    place = place if isinstance(place, dict) else {}
    lat = _coordinate(entities.get("latitude", place.get("latitude")), 90)
    lon = _coordinate(entities.get("longitude", place.get("longitude")), 180)
    address = _squash(place.get("address") or place.get("title"))[:MAX_LOCATION_CHARS] or None
    return lat, lon, mask(address) if address else None


def _channel(tracker: Tracker) -> str:
    return asker_of(tracker, None).channel


def pending_photos(cases: CaseRuntime) -> PhotoStore:
    return PhotoStore(cases.settings.photo_dir / PENDING_DIR)


def sweep_pending(store: PhotoStore, now: float | None = None) -> int:
    """Delete waiting photos older than a day (forms cancelled or left); returns how many."""
    cutoff = (now if now is not None else time.time()) - PENDING_MAX_AGE_SECONDS
    removed = 0
    for path in store.root.glob("*/*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        except OSError:
            continue  # another process swept it first
    return removed


def keep_pending(store: PhotoStore, data: bytes, content_type: str) -> str:
    """Sweep abandoned waiting photos, then keep this one; returns its reference. File I/O."""
    sweep_pending(store)
    return store.save(data, content_type)[1]


class ServiceAside(Protocol):
    """What answers a service question asked inside the form: action_answer_service
    (actions/service.py). `sure_aside`: whether it would answer the message (nothing said);
    `answer_aside`: answers it exactly as outside the form, or says nothing (None)."""

    async def sure_aside(self, tracker: Tracker, text: str) -> bool: ...

    # Optional (`choices_aside`): "twins" when it would answer with near-twins to tap ("unsure": a list).

    async def answer_aside(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str
    ) -> list[EventType] | None: ...


SERVICE_ACTION = "action_answer_service"
# The NLU's intent of a service question; inside the form it is one hint among three (and question
# words, and the service search naming a service with confidence).
SERVICE_ASIDE_INTENTS = frozenset({"ask_service"})
# What carries a service conversation on: emptied before the service action answers inside the form,
# so it decides on the question alone (as sure_aside did), not on a service talked about before.
SERVICE_CONTEXT_SLOTS = ("service_id", "service_aspect", "service_previous", "service_twins", "life_event")
# Questions about the form itself, answered by it whatever the service search finds; questions of
# time, next steps, data or cost are the form's too unless they name a service (the search decides).
# Questions aside answered when they open the form together with the matter.
OPENING_ASIDES = frozenset({"anonymous", "time", "next", "data", "cost"})
FORM_OWN_ASIDES = frozenset(
    {"anonymous", "human", "photo_later", "photo_needed", "no_photo", "confused", "presence", "back"}
)


def service_aside_from(by_name: dict[str, Any]) -> ServiceAside | None:
    """The service action among the registered actions, when the server has one (actions.service is
    optional)."""
    action = by_name.get(SERVICE_ACTION)
    return action if callable(getattr(action, "answer_aside", None)) else None


class ValidateComplaintForm(FormValidationAction):
    """Every message inside the form comes here as text (bot/domain/complaint.yml maps every intent),
    so nothing leaves the form by accident: a question aside is answered (a question about a service
    by the service action itself) and the same step asked again; only ยกเลิก (typed, or the cancel
    button) ends it, through action_submit_complaint."""

    def __init__(
        self,
        cases: CaseRuntime | None = None,
        line: LineContentClient | None = None,
        services: ServiceAside | None = None,
        lookup: CaseLookup | None = None,
    ) -> None:
        self.cases = cases
        self.line = line
        self.services = services
        self.lookup = lookup

    def name(self) -> str:
        return "validate_complaint_form"

    async def _told_elsewhere(self, tracker: Tracker, text: str) -> bool:
        """ "ไฟถนนหน้าซอยดับมาเกือบเดือน … แจ้งผู้ใหญ่บ้านไปแล้วก็เงียบ" from an account that filed no case
        here: a matter told in full as reported to someone else (the village head, by phone) - the new
        complaint it is here, not a look-up that would find nothing. "แจ้งไปสามรอบแล้ว" says not where,
        and stays about that report (issue 11: an apology and the case look-up, never the menu)."""
        lookup = self.lookup
        if (
            lookup is None
            or not lookup.ready
            or rude(text)
            or not any(w in compact(text) for w in TOLD_ELSEWHERE_WORDS)
            or category_from_words(text, load_routes()) is None
        ):
            return False
        if first_description(text, MIN_DESCRIPTION_LETTERS + 2, load_routes()) is None:
            return False
        return not await lookup.has_own_cases(tracker)

    async def _say_open_case(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """ "ทางเท้าหน้าตลาดยุบเป็นหลุมค่ะ" again, from an account whose report of that category is still
        open: its number and status first (the same matter need not be filed twice); the form goes on
        for a new one."""
        category = tracker.get_slot("complaint_category")
        if self.lookup is None or not self.lookup.ready or not category:
            return
        case = await self.lookup.open_case_of(tracker, str(category))
        if case is not None:
            say(dispatcher, tracker, "complaint_open_case", values=case)

    def link(self, by_name: dict[str, Any]) -> None:
        """At start-up (actions/registry.py): the service action that answers service questions aside."""
        self.services = self.services or service_aside_from(by_name)

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Photo only where the channel can send one; "which field?" only after แก้ไข."""
        slots = [s for s in domain_slots if s != "complaint_photo" or photo_step_applies(tracker)]
        if tracker.get_slot("complaint_confirm") != EDIT:
            slots = [s for s in slots if s != "complaint_edit"]
        if not asker_of(tracker, self.cases).can_receive_updates:
            # Rasa's REST channel (or an identity the gateway did not sign) cannot be sent updates:
            # never ask for consent to them (issue 11; F1).
            slots = [s for s in slots if s != "contact_consent"]
        return slots

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.get_slot("requested_slot"):
            # Activation (Rasa calls this with the loop already set and no step asked yet): the
            # first message may already say what and which category.
            text = _latest_text(tracker)
            if names_a_reference(text):
                # "…reference WA69-3390-1175, and nobody has come": about that case, never a new
                # complaint; the look-up takes the same message (apology, the number said back).
                return [SlotSet("complaint_confirm", TRACK), ActiveLoop(None)]
            looked_up = after_case_lookup(tracker)
            earlier = about_an_earlier_complaint(text) or (
                looked_up and (upset(text) or reported_before(text))
            )
            if earlier and not looked_up and await self._told_elsewhere(tracker, text):
                earlier = False  # filed here: sorry it is still not seen to, then the form's next step
                told = "complaint_told_elsewhere_upset" if upset(text) else "complaint_told_elsewhere"
                say(dispatcher, tracker, told)
            if earlier:
                # Not a new complaint: no category menu (a duplicate); the submit action apologises.
                # ("ช้ามาก ผ่านมาสองอาทิตย์แล้ว" right after a look-up is about that case, and so is which
                # report it was: "แจ้งเรื่องไฟถนนดับ ประมาณอาทิตย์ที่แล้วค่ะ".)
                return [SlotSet("complaint_confirm", EARLIER), ActiveLoop(None)]
            if tracks_a_case(text):
                return [SlotSet("complaint_confirm", TRACK), ActiveLoop(None)]
            insisted = insisted_story(tracker.events or [], load_routes(), directory())
            if insisted is None and await self._names_a_service_only(tracker, text):
                return [SlotSet("complaint_confirm", SERVICE_ASKED), ActiveLoop(None)]
            if insisted is None and referral_for(text, load_routes(), directory()) is not None:
                # Another agency's matter (ไฟดับ, an online scam): who handles it, before any menu;
                # the submit action says so, with a button to file here all the same.
                return [SlotSet("complaint_confirm", REFERRED), ActiveLoop(None)]
            faster = faster_agency(text, directory()) if insisted is None else None
            if faster is not None:
                # "น้ำประปาไม่ไหลมา 2 วัน": filed here all the same, but the waterworks act faster.
                channel = tracker.get_latest_input_channel()
                dispatcher.utter_message(text=faster_agency_text(faster, channel, writes_english(tracker)))
            carried = carried_fields(text) if insisted is None else Carried(text)
            first = self._first_message(tracker, insisted, carried.answer if carried.fields else None)
            tracker.add_slots(first)
            asked = aside_kind(text, _intent(tracker)) if is_question(text) else None
            if asks_how_long(text):
                asked = "time"  # asked inside a long story, or in English
            if asked in OPENING_ASIDES:
                # "ร้องเรียนแบบไม่ต้องบอกชื่อได้ไหม", "ไฟถนนหน้าซอยดับค่ะ แจ้งแล้วนานไหมกว่าจะมาซ่อม" opening the
                # form: answered before the first step (the time of the category just read).
                first += self._answer_aside(str(asked), "", text, dispatcher, tracker, first=True)
                tracker.add_slots(first)
            others = self._keep_carried(carried, text, dispatcher, tracker)
            tracker.add_slots(others)
            await self._say_open_case(dispatcher, tracker)
            following = await self.next_requested_slot(dispatcher, tracker, domain)
            return [*first, *others, *([following] if following else [])]
        step = str(tracker.get_slot("requested_slot") or "")
        if _service_answered(tracker):
            # Back from the service answer to a question asked aside: the same step is asked again,
            # named here - left to Rasa, the first empty step of the domain's list would be asked (the
            # photo, on SMS and web chat where there is no photo step).
            return [SlotSet("requested_slot", step)] if step else []
        text = _latest_text(tracker)
        intent = _intent(tracker)
        if wants_cancel(text) or (is_payload(text) and intent == "deny" and step not in NO_ANSWERS_STEPS):
            return [SlotSet("complaint_confirm", CANCELLED), ActiveLoop(None)]
        if bare(text) == bare(HANDOVER_NOW_LABEL):
            return [SlotSet("complaint_confirm", HANDOVER), ActiveLoop(None)]
        from_words = step != "complaint_category" and taken_from_words(tracker)
        # The category read from the words is said on one question only: after a side answer the
        # step is asked again without "บันทึกเป็นหมวด …" (still changeable by "เปลี่ยนหมวด").
        said_once = [SlotSet("complaint_guess", None)] if from_words else []
        if (
            step
            and step != "complaint_category"
            and (wants_category_change(text) or (from_words and says_not_that(text)))
        ):
            return self._category_again(step, text, dispatcher)
        if step == "complaint_category" and _nothing_told(tracker) and tracks_a_case(text):
            # "จำเลขไม่ได้แล้วค่ะ" at the menu, before any of a report was told (nothing to lose): about
            # a case already filed, never a category — the case look-up takes it.
            return [SlotSet("complaint_confirm", TRACK), ActiveLoop(None)]
        if await self._service_aside(step, text, intent, tracker):
            # A question about a service: action_answer_service answers it next, as outside the form
            # (the step's question waits for it: AskStepAction), then the form asks the same step again.
            fresh = [SlotSet(slot, None) for slot in SERVICE_CONTEXT_SLOTS]
            return [
                SlotSet(step, None),
                *fresh,
                *said_once,
                SlotSet("requested_slot", step),
                FollowupAction(SERVICE_ACTION),
            ]
        if step in EDIT_ASKED_STEPS and (replies.confirm_answer(text) == EDIT or asks_to_edit(text)):
            # "แก้ไข" before the summary (dev16 w16k010, at the consent step): which answered field,
            # as at the summary; that field is asked again, then the form goes on from this step.
            which = [SlotSet("complaint_confirm", EDIT), SlotSet("requested_slot", "complaint_edit")]
            return [SlotSet(step, None), *which]
        if step in LATER_EDIT_STEPS and _intent(tracker) not in SHARED_INTENTS:
            edit = typed_edit(text) if _opens_with_edit(text) else None
            if edit is not None and edit[0] not in ("", step) and tracker.get_slot(edit[0]) is not None:
                # "ขอแก้ที่อยู่ค่ะ จริงๆอยู่หน้าวัด…" while consent is asked: the answered field changes.
                return await self._edit_earlier(step, *edit, dispatcher, tracker)
        named = category_key(text) if from_words and step in GUESS_CONFIRM_STEPS else None
        if named is None and step in ("complaint_description", "complaint_location"):
            named = _its_category_named(text, tracker)  # "ใช่ค่ะ เรื่องเสียงดัง" after an aside
        yes = from_words and step in ("complaint_description", "complaint_location") and _plain_yes(text)
        if named is not None or yes:
            # "ใช่", or the category's own name (its button under that line), to the category said
            # back: confirmed and said so, never more of the story; the same question again.
            return _category_confirmed(step, named, dispatcher, tracker)
        shown = _shown_at_summary(tracker, step) if replies.confirm_answer(text) == "yes" else {}
        if shown and step in ("complaint_description", "complaint_location"):
            # "ยืนยันครับ" where a field opened by แก้ไข is asked again: what the summary showed is kept
            # (never taken as a place or a story), and the summary comes back.
            say(dispatcher, tracker, "complaint_edit_kept", values={"field": _field_label(step)})
            kept_shown = [SlotSet(slot, value) for slot, value in shown.items()]
            tracker.add_slots(kept_shown)
            following = await self.next_requested_slot(dispatcher, tracker, domain)
            return [*kept_shown, *([following] if following else [])]
        several = await self._carried_at_step(step, text, intent, dispatcher, tracker, domain)
        if several is not None:
            return [*several, SlotSet("complaint_guess", None)] if from_words else several
        # A question is no consent told ("ไม่ต้องบอกชื่อจริงใช่ไหมครับ" asks about anonymity).
        early = consent_from_words(text) if step in EARLY_CONSENT_STEPS and not is_question(text) else None
        if (
            early is not None
            and len(compact(text)) <= EARLY_CONSENT_MAX_CHARS
            and asker_of(tracker, self.cases).can_receive_updates
        ):
            # "ไม่ต้องติดต่อกลับค่ะ" / "ok to contact me" while the place is asked: kept for the consent
            # step (said again after it was answered, the latest word counts), never the story or the
            # place; the same step is asked again. (Where consent is no step, the step's own check
            # reads it as no place: only_an_answer_word.)
            _consent_kept(early, text, dispatcher, tracker)
            kept = [SlotSet("contact_consent", early), SlotSet("complaint_anonymous", None)]
            return [SlotSet(step, None), *kept, *said_once, SlotSet("requested_slot", step)]
        if step and not answers_step(step, text):
            aside = self._aside(step, text, intent, dispatcher, tracker)
            if aside is not None:
                # Answered; the same step is asked again (its slot stays empty), the category read from
                # the words still on its one-tap confirm (dev16 w16k002 taps it after the answer).
                return [SlotSet(step, None), *aside, SlotSet("requested_slot", step)]
        events = list(await super().run(dispatcher, tracker, domain))
        # The category was said back on one question; from the next answer on it is simply taken.
        return [*events, SlotSet("complaint_guess", None)] if from_words else events

    async def _service_aside(self, step: str, text: str, intent: str, tracker: Tracker) -> bool:
        """ "ต่อภาษีมอไซค์ทำออนไลน์ได้ไหม" while the place is asked: a question about a service, which
        the service action answers as outside the form. Only when it is clearly one — the NLU reads it
        as one, it is asked (question words), it names no complaint category, it is not the step's
        own answer nor a question about this form, and the service search names a service (or a life
        event) with confidence or near-twins to choose from — so a story, a place or a consent word is
        never taken for one. A choice tapped under such an answer (a service button) is its too."""
        if self.services is None or not step or intent not in SERVICE_ASIDE_INTENTS:
            return False
        if is_payload(text):
            # A choice tapped under a service answer given aside (a near-twin, "บัตรหาย"): answered too.
            return next(tracker.get_latest_entity_values("service_id"), None) is not None
        if not asks_in_a_clause(text) or answers_step(step, text):
            return False
        if aside_kind(text, intent, step) in FORM_OWN_ASIDES:
            return False  # "ไม่ระบุตัวตนได้ไหม", "ส่งรูปทีหลังได้ไหม": about this form
        if category_from_words(text, load_routes()) is not None:
            return False  # "ไฟถนนดับต้องแจ้งที่ไหน": about the complaint, not a service
        if await self.services.sure_aside(tracker, text):
            return True
        # "ทำบัตรประชาชนต้องใช้อะไรบ้างคะ": near-twins (first card, lost, expired?) are a service named
        # all the same, offered as choices. A list the search is merely unsure between is not: "ถ้าไม่มี
        # รูปได้ไหมคะ" and "คนแจ้งจะถูกเปิดเผยชื่อไหมคะ" get one, and they are the form's own questions.
        choices = getattr(self.services, "choices_aside", None)
        return callable(choices) and await choices(tracker, text) == "twins"

    async def _names_a_service_only(self, tracker: Tracker, text: str) -> bool:
        """ "สร้างบ้านเสร็จแล้ว อยากขอไฟเข้าบ้านครับ", "ต่อใบขับขี่ผ่านแอพได้มั้ย ไม่อยากไปนั่งรอที่ขนส่ง"
        opening the form (dev16): a service named by its own name, with no complaint category, no
        complaint word and nothing upset in it, is a service question, never a complaint to file."""
        names = getattr(self.services, "names_service", None)
        if not callable(names) or is_payload(text) or upset(text):
            return False
        word = compact(text)
        if has_category_cue(word, load_routes()) or any(w in word for w in replies.COMPLAINT_SAID_WORDS):
            return False
        return bool(await names(tracker, text))

    def _anonymity_asked(
        self, step: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker, first: bool = False
    ) -> list[EventType]:
        """ "ขอไม่บอกชื่อได้ไหม": yes where the category allows it (and what that means); before a
        category is chosen, which categories do. The slots the answer changed. The answer comes first;
        "ขอไม่บอกที่อยู่ได้ไหม" at the place step then hears that the place asked is where it happened,
        not their home (not a question about their name, nor one that names the neighbours: "กลัวข้างบ้าน
        รู้ว่าใครแจ้ง")."""
        route = _chosen_route(tracker)
        values = _route_values(route, tracker)
        changed: list[EventType] = []
        if route is None and first:
            say(dispatcher, tracker, "complaint_anonymous_first", values=_anonymous_labels())
        elif route is None:
            say(dispatcher, tracker, "complaint_aside_anonymous_later", values=_anonymous_labels())
        elif route.allow_anonymous and (step == "contact_consent" or self._asks_consent(tracker)):
            # Asked, not chosen: the answer, and the choice stays the citizen's at the consent step
            # (its "ไม่ระบุตัวตน" button), where they expect to be asked.
            who = any(cue in compact(text).lower() for cue in replies.WHO_REPORTED_CUES)
            answer = "complaint_aside_not_told_who" if who else "complaint_aside_anonymous_ok_later"
            say(dispatcher, tracker, answer, values=values)
        elif route.allow_anonymous:
            say(dispatcher, tracker, "complaint_aside_anonymous_ok", values=values)
            changed = [SlotSet("complaint_anonymous", True), SlotSet("contact_consent", False)]
        else:
            say(dispatcher, tracker, "complaint_aside_anonymous_not_allowed", values=values)
        if step == "complaint_location" and _worries_about_address(text):
            say(dispatcher, tracker, "complaint_aside_location_private")
        return changed

    async def _carried_at_step(
        self,
        step: str,
        text: str,
        intent: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType] | None:
        """A message that answers the step asked and other steps too ("ซอยรามอินทรา 40 ไม่มีรูปนะ
        ติดต่อกลับได้" while the place is asked), or several later steps at once: every other step's
        answer is kept for its step (unless already given), the step's own part is validated as its
        answer, and only what is still missing is asked next. None when the message carries no other
        step's answer (or only one, alone: the step's own rules take it)."""
        if step not in CARRYING_STEPS or intent in SHARED_INTENTS or is_payload(text):
            return None
        carried = carried_fields(text)
        if carried.fields == 0 or (carried.fields == 1 and not carried.answer):
            return None
        kept = self._keep_carried(carried, text, dispatcher, tracker)
        if step == "complaint_photo" and carried.no_photo:
            # The photo step's own answer is among them; what is left may add to the story or place.
            more = later_answer(carried.answer, tracker.slots, load_routes()) if carried.answer else {}
            kept.append(SlotSet("complaint_photo", NO_PHOTO))
            kept += [SlotSet(slot, value) for slot, value in more.items()]
            tracker.add_slots(kept)
            following = await self.next_requested_slot(dispatcher, tracker, domain)
            return [*kept, *([following] if following else [])]
        tracker.add_slots(kept)
        if not carried.answer:
            # Nothing of the step's own answer: the same step asked again (the rest kept).
            following = await self.next_requested_slot(dispatcher, tracker, domain)
            return [*kept, SlotSet(step, None), *([following] if following else [])]
        # The step's own part only is validated as its answer ("ซอยรามอินทรา 40").
        tracker.events.append({"event": "slot", "name": step, "value": carried.answer, "timestamp": None})
        tracker.slots[step] = carried.answer
        return [*kept, *await super().run(dispatcher, tracker, domain)]

    def _keep_carried(
        self, carried: Carried, text: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        """The slots of the other steps' answers a message carried, each only where its step is part
        of this form and not yet answered; the citizen is told what was kept (consent, anonymity)."""
        kept: list[EventType] = []
        if carried.no_photo and photo_step_applies(tracker) and tracker.get_slot("complaint_photo") is None:
            kept.append(SlotSet("complaint_photo", NO_PHOTO))
        if carried.anonymous and self._asks_consent(tracker):
            route = _chosen_route(tracker)
            if route is None:
                say(dispatcher, tracker, "complaint_aside_anonymous_later", values=_anonymous_labels())
            elif route.allow_anonymous:
                say(dispatcher, tracker, "complaint_aside_anonymous_ok", values=_route_values(route, tracker))
                return [*kept, SlotSet("complaint_anonymous", True), SlotSet("contact_consent", False)]
            else:
                say(
                    dispatcher,
                    tracker,
                    "complaint_aside_anonymous_not_allowed",
                    values=_route_values(route, tracker),
                )
        if carried.consent is not None and self._asks_consent(tracker):
            say(dispatcher, tracker, "complaint_kept_consent")
            if carried.consent and carried.said_number:
                say(dispatcher, tracker, "complaint_consent_number_not_kept")
            kept += [SlotSet("contact_consent", carried.consent), SlotSet("complaint_anonymous", None)]
        return kept

    async def _edit_earlier(
        self, step: str, field: str, value: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        """A change of an answered field typed at a later step: with a usable new value, taken (and
        said so) and the same step asked again; without one, that field is asked, then the form goes
        on from where it was."""
        changed = await self._typed_edit(field, value, dispatcher, tracker)
        taken = changed.get(field) is not None or field not in changed  # (not emptied, or not changeable)
        changed.pop(step, None)
        events: list[EventType] = [SlotSet(step, None), *(SlotSet(slot, v) for slot, v in changed.items())]
        return [*events, SlotSet("requested_slot", step if taken else field)]

    def _asks_consent(self, tracker: Tracker) -> bool:
        """The consent question is part of this form (the asker can be sent updates) and not answered."""
        unanswered = tracker.get_slot("contact_consent") is None
        return unanswered and asker_of(tracker, self.cases).can_receive_updates

    @staticmethod
    def _category_again(step: str, text: str, dispatcher: CollectingDispatcher) -> list[EventType]:
        """ "เปลี่ยนหมวด" (the button under the first question, or typed at any step): the category
        named in the same message is taken ("เปลี่ยนหมวดเป็นขยะ") and the step asked again, else the
        category menu; everything else is kept, and the summary comes back after it."""
        edit = typed_edit(text)
        value = edit[1] if edit is not None and edit[0] == "complaint_category" else ""
        key = (category_key(value) or category_from_words(value, load_routes())) if value else None
        reopened: list[EventType] = [
            SlotSet("complaint_guess", None),
            SlotSet("complaint_category_assumed", None),
            SlotSet("complaint_edit", None),
            SlotSet("complaint_confirm", None),
        ]
        if key is not None:
            again = "complaint_confirm" if step == "complaint_edit" else step
            dispatcher.utter_message(
                text=replies.reply_for("complaint_edit_taken", None).text.format(
                    field=_field_label("complaint_category")
                )
            )
            return [
                SlotSet(step, None),
                *reopened,
                SlotSet("complaint_category", key),
                SlotSet("requested_slot", again),
            ]
        return [
            SlotSet(step, None),
            *reopened,
            SlotSet("complaint_category", None),
            SlotSet("requested_slot", "complaint_category"),
        ]

    # --- the first message and questions aside -----------------------------------------------

    @staticmethod
    def _first_message(
        tracker: Tracker, insisted: str | None = None, told: str | None = None
    ) -> list[EventType]:
        """ "แจ้งไฟถนนดับหน้าบ้าน": the category taken (no extra question: the next question says
        which, and one tap changes it), the words kept as the description. A bare request
        ("อยากร้องเรียน", the menu button) sets nothing. After a referral the citizen chose to file
        here (`insisted`: the message referred): that story is the description when this message
        tells none, and เรื่องอื่น ๆ the category when nothing names one. `told`: the message without
        the other steps' answers it carried (consent, no photo), when it carried any."""
        text = _latest_text(tracker) if told is None else told
        if (
            insisted is not None
            and first_description(text, MIN_DESCRIPTION_LETTERS + 2, load_routes()) is None
        ):
            text = insisted
        events: list[EventType] = [SlotSet(slot, None) for slot in COMPLAINT_SLOTS]
        guess = category_from_words(text, load_routes())
        if guess is None and insisted is not None:
            guess = OTHER
        if guess is not None:
            # Taken at once (the next question says which, with "เปลี่ยนหมวด" under it);
            # complaint_guess marks it as read from the words until the next answer.
            events += [SlotSet("complaint_category", guess), SlotSet("complaint_guess", guess)]
        description = first_description(text, MIN_DESCRIPTION_LETTERS + 2, load_routes())
        if category_key(text) is not None:
            description = None  # a category's button pressed outside the form names no story
        if description is not None and len(description) >= MIN_DESCRIPTION_CHARS:
            events.append(SlotSet("complaint_description", mask(description[:MAX_DESCRIPTION_CHARS])))
            place = place_in_story(description)
            if place is not None:  # "… ซ.พหลโยธิน24 เป็นหลุมใหญ่มาก": where, not asked again
                events += [SlotSet(slot, value) for slot, value in place_slots(place).items()]
        return events

    def _aside(
        self, step: str, text: str, intent: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType] | None:
        """Answers a question aside (anonymity, a person, time, next steps, data, a greeting, a bare
        "ไม่"); None when the message is not one, else the slots the answer changed (anonymity)."""
        kind = aside_kind(text, intent, step)
        if kind is None and intent == "greet" and (is_payload(text) or len(compact(text)) <= 20):
            kind = "greet"
        # A bare "ไม่" ends nothing: a hint says how to cancel (at a guessed category it means "not that").
        guessing = step == "complaint_category" and tracker.get_slot("complaint_guess")
        if kind is None and step not in NO_ANSWERS_STEPS and not guessing and is_bare_no(text):
            kind = "no"
        if kind is None and _small_talk(text, intent):
            kind = "small_talk"  # "555", "ขอบคุณนะคะ", "👍": never the place or the story
        if kind is None:
            return _referred_aside(step, text, dispatcher, tracker)
        return self._answer_aside(kind, step, text, dispatcher, tracker)

    def _answer_aside(
        self,
        kind: str,
        step: str,
        text: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        first: bool = False,
    ) -> list[EventType]:
        """The answer to a question aside of this kind (`first`: asked in the message that opened the
        form, before any step); the slots it changed."""
        changed: list[EventType] = []
        route = _chosen_route(tracker)
        values = _route_values(route, tracker)
        if kind == "anonymous":
            changed = self._anonymity_asked(step, text, dispatcher, tracker, first=first)
        elif kind == "human":
            say(dispatcher, tracker, "complaint_aside_human")
        elif kind in ("time", "next"):
            later = "" if route is not None else "_later"
            if route is None:  # no category yet: the shortest and longest the agencies publish
                values = {**values, **_times_to_act(tracker)}
            say(dispatcher, tracker, f"complaint_aside_{kind}{later}", values=values)
        elif kind == "data":
            say(dispatcher, tracker, "complaint_aside_data")
        elif kind == "greet":
            say(dispatcher, tracker, "complaint_aside_greet")
        elif kind in ("small_talk", "presence", "back"):
            say(dispatcher, tracker, f"complaint_aside_{kind}")
        elif kind == "confused":
            explained = f"complaint_confused_{step}"
            say(dispatcher, tracker, explained if explained in replies.REPLIES else "complaint_confused")
        elif kind in ("photo_later", "photo_needed", "cost"):
            say(dispatcher, tracker, f"complaint_aside_{kind}")
        elif kind == "no_photo":
            say(dispatcher, tracker, "complaint_aside_no_photo")
            if photo_step_applies(tracker) and not tracker.get_slot("complaint_photo"):
                changed = [SlotSet("complaint_photo", NO_PHOTO)]  # the photo step's answer, kept for it
        else:
            say(dispatcher, tracker, "complaint_cancel_hint")
        return changed

    # --- things sent at any step: kept, whichever question was asked -----------------------

    async def _take_photo(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """Download, check and store the image just sent; {} (after a clear reply) when it can't be."""
        if _channel(tracker) not in PHOTO_CHANNELS or self.cases is None or self.line is None:
            say(dispatcher, tracker, "complaint_photo_unavailable")
            return {}
        media_id = str(latest_metadata(tracker).get("media_id") or "")
        limit = self.cases.tools.max_photo_bytes
        try:
            content = await self.line.fetch(media_id, limit)
        except ContentTooLarge:
            say(dispatcher, tracker, "complaint_photo_too_large", values={"mb": f"{limit / 1e6:g}"})
            return {}
        except ContentError as exc:
            log.warning("complaint photo not fetched: %s", exc)
            say(dispatcher, tracker, "complaint_photo_fetch_failed")
            return {}
        declared = content.content_type
        if declared not in ("image/jpeg", "image/png"):
            declared = sniff_image_type(content.data) or declared
        try:
            content_type = check_photo(content.data, declared, limit)
        except PhotoError:
            say(dispatcher, tracker, "complaint_photo_not_image")
            return {}
        ref = await asyncio.to_thread(keep_pending, pending_photos(self.cases), content.data, content_type)
        return {"complaint_photo": PHOTO_PREFIX + ref}

    @staticmethod
    def _take_location(dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        lat, lon, address = _shared_location(tracker)
        if lat is None or lon is None:
            say(dispatcher, tracker, "complaint_location_unreadable")
            return {}
        if not inside_thailand(lat, lon):
            say(dispatcher, tracker, "complaint_location_outside_thailand")
            return {}
        return {"complaint_location": address or PIN_ONLY, "complaint_lat": lat, "complaint_lon": lon}

    async def _out_of_turn(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any] | None:
        """A photo, location or sticker sent while another question is open: keep what can be kept,
        say so, and leave `slot` unanswered (the form asks it again). None for ordinary text."""
        intent = _intent(tracker)
        kept: dict[str, Any] = {}
        if intent == "share_image":
            kept = await self._take_photo(dispatcher, tracker)
        elif intent == "share_location":
            kept = self._take_location(dispatcher, tracker)
        elif intent != "share_sticker":
            return None
        if kept or intent == "share_sticker":
            say(dispatcher, tracker, f"complaint_kept_{intent.removeprefix('share_')}")
        return {**kept, slot: None}

    async def _ask_again(
        self, slot: str, reply: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """An answer that cannot be used: keep what was sent out of turn, else say why (`reply`);
        either way `slot` stays unanswered and the form asks it again."""
        early = await self._out_of_turn(slot, dispatcher, tracker)
        if early is not None:
            return early
        say(dispatcher, tracker, reply)
        return {slot: None}

    # --- the questions ------------------------------------------------------------------------

    async def validate_complaint_category(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A button, or clear words, choose the category. Otherwise the citizen is never kept at this
        step: with a guess on offer, answering on (a place, a pin, a photo, more of the story)
        confirms it; at the menu, a place or a story — or anything, after one re-ask — is kept for
        its step and the category is chosen for them (from all they said, else เรื่องอื่น ๆ), and
        they are told which, so they can change it at the summary."""
        text = _squash(slot_value)
        key = category_key(text)
        if key is not None:  # a button, or its label typed
            return {"complaint_category": key, "complaint_guess": None}
        guess = tracker.get_slot("complaint_guess")
        guess = str(guess) if guess in COMPLAINT_CATEGORIES else None
        routes = load_routes()
        words = None if is_payload(text) else category_from_words(text, routes)
        if words is not None and words != guess:
            # Typed, not pressed: said back, so a cue read wrongly can be put right at the summary.
            _category_taken(words, dispatcher, tracker)
            return self._by_words(words, text, tracker)
        tries = tries_at_step(tracker, "complaint_category", FORM)
        if guess is not None:
            return await self._at_guess(guess, words, text, tries, dispatcher, tracker)
        if _intent(tracker) in SHARED_INTENTS:
            kept = await self._out_of_turn("complaint_category", dispatcher, tracker) or {}
            if tries < 2:
                return kept
            return self._chosen_for_citizen(kept, dispatcher, tracker)
        kept = later_answer(text, tracker.slots, routes)
        consent = consent_from_words(text) if not kept else None
        if (
            consent is not None
            and len(compact(text)) <= EARLY_CONSENT_MAX_CHARS
            and self._asks_consent(tracker)
        ):
            # "ติดต่อกลับได้" at the menu: answering on, like a place — kept for the consent step.
            _consent_kept(consent, text, dispatcher, tracker)
            kept = {"contact_consent": consent, "complaint_anonymous": None}
        if kept or tries >= 2:
            return self._chosen_for_citizen(kept, dispatcher, tracker)
        say(dispatcher, tracker, "complaint_category_unknown")
        return {"complaint_category": None}

    @staticmethod
    def _by_words(key: str, text: str, tracker: Tracker) -> dict[str, Any]:
        """Typed instead of pressed: a clear cue is the answer, and a story is kept as well."""
        chosen: dict[str, Any] = {"complaint_category": key, "complaint_guess": None}
        if tracker.get_slot("complaint_description") is None:
            description = first_description(text, MIN_DESCRIPTION_LETTERS + 2, load_routes())
            if description is not None and len(description) >= MIN_DESCRIPTION_CHARS:
                chosen["complaint_description"] = mask(description[:MAX_DESCRIPTION_CHARS])
        if not is_payload(text) and not is_question(text):
            # where, if the message says ("ต่อเรื่องขยะ หน้าตลาดสดเทศบาล อ.เมือง" after the story)
            chosen.update(place_told(text, tracker.slots))
        return chosen

    async def _at_guess(
        self,
        guess: str,
        words: str | None,
        text: str,
        tries: int,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> dict[str, Any]:
        """The one-tap confirm of the category the first message made clear. Yes in any words (ใช่,
        ยืนยัน, ยินยอม …) takes it; "not that" shows the whole menu; answering the next question
        instead takes it too, and what was sent is kept for its step."""
        intent = _intent(tracker)
        taken: dict[str, Any] = {"complaint_category": guess, "complaint_guess": None}
        if intent == "deny" or is_bare_no(text) or says_not_that(text):
            return {"complaint_category": None, "complaint_guess": None}  # the whole menu next
        if words == guess:
            return self._by_words(guess, text, tracker)
        if _plain_yes(text):
            return taken
        if intent == "affirm":  # "ใช่ค่ะ มืดทั้งซอยเลย": yes, and more of the story
            return {**later_answer(text, tracker.slots, load_routes()), **taken}
        if intent in SHARED_INTENTS:
            kept = await self._out_of_turn("complaint_category", dispatcher, tracker) or {}
            if len(kept) <= 1 and tries < 2:
                return kept  # nothing could be kept (a sticker, a pin outside Thailand): asked again
            _category_taken(guess, dispatcher, tracker)
            return {**kept, **taken}
        later = later_answer(text, tracker.slots, load_routes())
        if later or tries >= 2:
            _category_taken(guess, dispatcher, tracker)
            return {**later, **taken}
        say(dispatcher, tracker, "complaint_guess_unclear")
        return {"complaint_category": None}

    @staticmethod
    def _chosen_for_citizen(
        kept: dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """No button pressed and no clear category: chosen from all the citizen said (else เรื่องอื่น ๆ),
        said so, and marked so a clearer story told next may still change it."""
        key = category_for_citizen(texts_since_start(tracker, FORM), load_routes())
        _category_taken(key, dispatcher, tracker)
        chosen = {"complaint_category": key, "complaint_guess": None, "complaint_category_assumed": True}
        return {**kept, **chosen}

    async def validate_complaint_description(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        early = await self._out_of_turn("complaint_description", dispatcher, tracker)
        if early is not None:
            return early
        text = _squash(slot_value)
        if len(text) > MAX_DESCRIPTION_CHARS:
            say(
                dispatcher,
                tracker,
                "complaint_description_too_long",
                values={"max": f"{MAX_DESCRIPTION_CHARS:,}"},
            )
            return {"complaint_description": None}
        routes = load_routes()
        if not tracker.get_slot("complaint_location") and reads_as_place(text, routes):
            # Where before what: kept for the place step, and the story asked again.
            say(dispatcher, tracker, "complaint_kept_place")
            return {**place_slots(text), "complaint_description": None}
        # Asked once already: a short story that says something is taken rather than asked a third
        # time; with nothing to take, the way on is said instead of the same hint.
        again = tries_at_step(tracker, "complaint_description", FORM) >= 2
        short_ok = again and not is_payload(text) and meaningful_chars(text) >= MIN_DESCRIPTION_LETTERS
        if only_an_answer_word(text) or (not usable_description(text) and not short_ok):
            say(
                dispatcher,
                tracker,
                "complaint_description_stuck" if again else "complaint_description_too_short",
            )
            return {"complaint_description": None}
        # A national id or phone typed into the story is masked before it is kept anywhere.
        told: dict[str, Any] = {"complaint_description": mask(text), **place_told(text, tracker.slots)}
        category = tracker.get_slot("complaint_category")
        assumed = tracker.get_slot("complaint_category_assumed")
        clearer = category_from_words(text, routes) if assumed else None
        if clearer is not None and clearer != category:
            # The bot chose the category for the citizen; the story now names a clearer one.
            say(dispatcher, tracker, "complaint_category_changed", values=_label(clearer))
            told["complaint_category"] = clearer
        if asks_time_ahead(text):
            # "ขยะไม่มีใครมาเก็บเป็นอาทิตย์ ใช้เวลากี่วันถึงจะมาเก็บ": the story is kept and its question
            # answered too (not "ไฟดับมากี่วันแล้วก็ไม่รู้", which counts the days gone).
            self._answer_aside("time", "complaint_description", text, dispatcher, tracker)
        return told

    async def validate_complaint_location(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _intent(tracker) == "share_location":
            return self._take_location(dispatcher, tracker) or {"complaint_location": None}
        early = await self._out_of_turn("complaint_location", dispatcher, tracker)
        if early is not None:
            return early
        text = _squash(slot_value)
        if len(text) > MAX_LOCATION_CHARS:
            say(dispatcher, tracker, "complaint_location_too_long")
            return {"complaint_location": None}
        tries = tries_at_step(tracker, "complaint_location", FORM)
        if tries < 2 and _intent(tracker) not in SHARED_INTENTS and more_of_the_story(text, load_routes()):
            # "รถเก็บขยะไม่มาเก็บตามรอบมาสองสัปดาห์แล้ว…" after a short opening: the details, added to
            # the story, and the place asked again (a second such answer is kept: no trap).
            told = str(tracker.get_slot("complaint_description") or "")
            more = f"{told} {text}" if told else text
            if len(more) <= MAX_DESCRIPTION_CHARS:
                say(dispatcher, tracker, "complaint_kept_detail")
                return {"complaint_description": mask(more), "complaint_location": None}
        usable = not only_an_answer_word(text) and usable_location(text)
        kind = place_answer_kind(text, tries) if usable else "none"
        if kind == "place":
            return {"complaint_location": mask(text), "complaint_lat": None, "complaint_lon": None}
        # Not a place: a question asked back is answered, a refusal told the place is not their home,
        # not knowing gets a hint; from the second time on, the ways on (never a third same hint).
        if kind == "question":
            reply = "complaint_location_why"
        elif kind == "refused":
            reply = "complaint_aside_location_private"
        elif tries >= 2:
            reply = "complaint_location_stuck"
        else:
            reply = "complaint_location_unknown" if usable else "complaint_location_too_short"
        say(dispatcher, tracker, reply)
        return {"complaint_location": None}

    async def validate_complaint_photo(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = _intent(tracker)
        if intent == "share_image":
            return await self._take_photo(dispatcher, tracker) or {"complaint_photo": None}
        text = _squash(slot_value)
        if intent == "deny" or skips_photo(text) or is_bare_no(text):
            return {"complaint_photo": NO_PHOTO}
        if intent not in SHARED_INTENTS and photo_later(text):
            if is_question(text):
                # "ส่งรูปทีหลังได้ไหม": yes, and the step asked again, as every question aside is (the
                # blind writers then tap "ไม่มีรูป" or send one); a photo sent before ยืนยัน is kept.
                say(dispatcher, tracker, "complaint_aside_photo_later")
                return {"complaint_photo": None}
            # "เดี๋ยวส่งรูปทีหลังนะ": told, so on without it now.
            say(dispatcher, tracker, "complaint_photo_later")
            return {"complaint_photo": NO_PHOTO}
        early = consent_from_words(text) if intent not in SHARED_INTENTS else None
        short = len(compact(text)) <= EARLY_CONSENT_MAX_CHARS
        if early is not None and short and self._asks_consent(tracker):
            # "ไม่ต้องติดต่อกลับ" at the photo step: no photo, and the consent kept for its step.
            say(dispatcher, tracker, "complaint_photo_skipped")
            _consent_kept(early, text, dispatcher, tracker)
            return {"complaint_photo": NO_PHOTO, "contact_consent": early, "complaint_anonymous": None}
        if intent not in SHARED_INTENTS and (
            bare(text).startswith((CONSENT_YES_PREFIX, CONSENT_NO_PREFIX))
            or tries_at_step(tracker, "complaint_photo", FORM) >= 2
        ):
            # Answering the consent question before it was asked, or a second answer with no photo:
            # on without one (the consent question itself comes next, in its own words).
            say(dispatcher, tracker, "complaint_photo_skipped")
            return {"complaint_photo": NO_PHOTO}
        return await self._ask_again("complaint_photo", "complaint_photo_missing", dispatcher, tracker)

    async def validate_contact_consent(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if isinstance(slot_value, bool):
            # Set by this form itself (a consent or anonymity carried in another step's message): an
            # anonymity set beside a no is kept ("ขอไม่ระบุตัวตนนะคะ ร้านข้างบ้าน…" at the story step).
            anonymous = tracker.get_slot("complaint_anonymous") if slot_value is False else None
            return {"contact_consent": slot_value, "complaint_anonymous": anonymous}
        text = _squash(slot_value)
        route = _chosen_route(tracker)
        if bare(text) in {bare(w) for w in ANONYMOUS_WORDS} or says_anonymous(text):
            if route is not None and route.allow_anonymous:
                return {"contact_consent": False, "complaint_anonymous": True}
            say(
                dispatcher,
                tracker,
                "complaint_aside_anonymous_not_allowed",
                values=_route_values(route, tracker),
            )
            return {"contact_consent": None}
        intent = _intent(tracker)
        answer = {"affirm": True, "deny": False}.get(intent) if is_payload(text) else None
        if answer is None:
            answer = replies.consent_answer(text)
        if answer is None:
            answer = consent_from_words(text)
        if answer is None and not is_payload(text):
            # "ไม่มีรูปค่ะ ติดต่อกลับได้ค่ะ": the consent told after another step's answer
            answer = carried_fields(text).consent
        if answer is None and intent in ("affirm", "deny") and len(compact(text)) <= 20:
            answer = intent == "affirm"
        if answer is True and not is_payload(text) and gives_a_number(text):
            # "โทรกลับได้ 08…": yes, on this channel; the number typed is not kept (nor logged).
            say(dispatcher, tracker, "complaint_consent_number_not_kept")
        if answer is None and intent not in SHARED_INTENTS and not is_payload(text) and not is_question(text):
            told = self._told_at_consent(text, dispatcher, tracker)
            if told:
                return {"contact_consent": None, **told}
        if answer is None:
            # Never a third identical question: the second says how to go on without consent, the
            # third records none (the safe answer; the summary shows it and แก้ไข changes it).
            tries = tries_at_step(tracker, "contact_consent", FORM)
            if tries >= 3 and intent not in SHARED_INTENTS:
                say(dispatcher, tracker, "complaint_consent_taken_as_no")
                return {"contact_consent": False, "complaint_anonymous": None}
            reply = "complaint_consent_unclear_again" if tries == 2 else "complaint_consent_unclear"
            reply = english_key(reply, tracker)
            return await self._ask_again("contact_consent", reply, dispatcher, tracker)
        return {"contact_consent": answer, "complaint_anonymous": None}

    @staticmethod
    def _told_at_consent(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """More of the report typed where consent is asked (on SMS and web chat it follows the place
        at once): a place ("ซอยรามคำแหง65 แยก2 เขตวังทองหลาง") replaces the one kept — read from the
        story, or a story line taken as the place after a second try — never a shared pin; more of the
        story ("ไม่ไหลทั้งซอย ประมาณ30หลัง") is added to it; said so, and consent asked again. {} when
        the message is neither."""
        routes = load_routes()
        pinned = tracker.get_slot("complaint_lat") is not None
        if reads_as_place(text, routes) and usable_location(text) and not only_an_answer_word(text):
            if pinned:
                return {}
            say(dispatcher, tracker, "complaint_kept_place")
            return {"complaint_location": mask(text), "complaint_lat": None, "complaint_lon": None}
        more = later_answer(text, tracker.slots, routes)
        if not more.get("complaint_description"):
            return {}
        say(dispatcher, tracker, "complaint_kept_detail")
        return {"complaint_description": more["complaint_description"]}

    async def validate_complaint_edit(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The field to change is emptied (the form asks it again), then the summary comes back; named
        with its new value ("แก้สถานที่ครับ เป็นสะพาน…"), that value is taken and the summary comes back."""
        text = _squash(slot_value)
        named = None if text in COMPLAINT_EDIT_FIELDS.values() else typed_edit(text, asked=True)
        if named is not None and all(named) and _intent(tracker) not in SHARED_INTENTS:
            return {**await self._typed_edit(*named, dispatcher, tracker), "complaint_edit": None}
        field = text if text in COMPLAINT_EDIT_FIELDS.values() and text else edit_field(text)
        if field is None or (field == "complaint_photo" and not photo_step_applies(tracker)):
            if tries_at_step(tracker, "complaint_edit", FORM) >= 2:
                field = ""  # asked once already: back to the summary rather than the same question
            else:
                say(dispatcher, tracker, "complaint_edit_unclear")
                return {"complaint_edit": None}
        cleared: dict[str, Any] = {"complaint_edit": None, "complaint_confirm": None}
        if field == "complaint_location":
            cleared.update(complaint_location=None, complaint_lat=None, complaint_lon=None)
        elif field == "complaint_category":
            cleared.update(complaint_category=None, complaint_category_assumed=None)
        elif field == "contact_consent":
            cleared.update(contact_consent=None, complaint_anonymous=None)
        elif field == "complaint_photo":
            await self._let_photo_go(tracker)
            cleared["complaint_photo"] = None
        elif field:
            cleared[field] = None
        return cleared

    async def _let_photo_go(self, tracker: Tracker) -> None:
        photo = str(tracker.get_slot("complaint_photo") or "")
        if photo.startswith(PHOTO_PREFIX) and self.cases is not None:
            await asyncio.to_thread(pending_photos(self.cases).delete, photo.removeprefix(PHOTO_PREFIX))

    async def _typed_edit(
        self, field: str, value: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """A change typed at the summary that names its field: with a usable new value, taken and the
        summary shown again; else only that field is asked again (then the summary)."""
        if field == "complaint_photo" and not photo_step_applies(tracker):
            say(dispatcher, tracker, "complaint_aside_photo_later")
            return {"complaint_confirm": None}
        taken: dict[str, Any] | None = None
        if any(verb in compact(value) for verb in COMPLAINT_EDIT_VERBS):
            value = ""  # "แก้ที่อยู่หน่อยค่ะ ส่งผิดจุด": what is wrong, not the new value
        if field == "complaint_location" and usable_location(value) and not only_an_answer_word(value):
            taken = place_slots(value)
        elif (
            field == "complaint_description" and usable_description(value) and not only_an_answer_word(value)
        ):
            taken = {"complaint_description": mask(value)}
        elif field == "complaint_category" and value:
            key = category_key(value) or category_from_words(value, load_routes())
            taken = {"complaint_category": key, "complaint_category_assumed": None} if key else None
        elif field == "contact_consent" and value and asker_of(tracker, self.cases).can_receive_updates:
            consent = replies.consent_answer(value)
            consent = consent_from_words(value) if consent is None else consent
            taken = None if consent is None else {"contact_consent": consent, "complaint_anonymous": None}
        if taken is not None:
            say(dispatcher, tracker, "complaint_edit_taken", values={"field": _field_label(field)})
            return {**taken, "complaint_confirm": None}
        return await self.validate_complaint_edit(field, dispatcher, tracker, {})

    async def validate_complaint_confirm(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = _squash(slot_value)
        answer = replies.confirm_answer(text)
        if answer is None and (_intent(tracker) == "affirm" and (is_payload(text) or is_yes(text))):
            answer = "yes"
        if answer is None and (is_yes(text) or confirms_in_words(text)):
            answer = "yes"  # "ถูกต้อง ส่งเลย", "โอเค ยืนยัน"
        consent = consent_from_words(text) if answer is None else None
        if (
            consent is not None
            and consent != tracker.get_slot("contact_consent")
            and asker_of(tracker, self.cases).can_receive_updates
        ):
            # "ติดต่อกลับได้ค่ะ" at the summary after staying anonymous: the consent changes, and the
            # summary comes back with it.
            field = _field_label("contact_consent")
            say(dispatcher, tracker, "complaint_edit_taken", values={"field": field})
            return {"contact_consent": consent, "complaint_anonymous": None, "complaint_confirm": None}
        if answer is None and _intent(tracker) not in SHARED_INTENTS:
            edit = typed_edit(text)
            if edit is not None:
                return await self._typed_edit(*edit, dispatcher, tracker)
        if answer is None:
            return await self._ask_again(
                "complaint_confirm", "complaint_confirm_unclear", dispatcher, tracker
            )
        return {"complaint_confirm": answer}


_FORM_SMALL_TALK = re.compile(FORM_SMALL_TALK_PATTERN, re.I)


def _small_talk(text: str, intent: str) -> bool:
    """Thanks, a laugh or a friendly emoji and nothing else ("555", "ขอบคุณนะคะ", "👍"): no answer to any
    step. A bare yes or no, a hesitation ("อืม") and anger are left to the step."""
    if is_payload(text) or intent in SHARED_INTENTS or not text.strip() or has_content(text):
        return False
    return _FORM_SMALL_TALK.search(compact(text)) is not None


def answers_step(step: str, text: str) -> bool:
    """The message is one of the step's own answers (a button title typed or pressed), which may
    look like a question aside: "บริการของเจ้าหน้าที่" is a category, "ไม่ระบุตัวตน" a consent answer."""
    if step == "complaint_category":
        return category_key(text) is not None
    if step == "contact_consent":
        anonymous = bare(text) in {bare(w) for w in ANONYMOUS_WORDS} or says_anonymous(text)
        told = replies.consent_answer(text) is not None or consent_from_words(text) is not None
        return anonymous or told or carried_fields(text).consent is not None
    if step == "complaint_photo":
        return skips_photo(text)
    if step == "complaint_confirm":
        return replies.confirm_answer(text) is not None or confirms_in_words(text)
    if step == "complaint_edit":
        return edit_field(_squash(text)) is not None
    return False


def edit_field(text: str) -> str | None:
    """The slot a แก้ไข answer names ("" for ไม่แก้แล้ว), from a button label or a word in it."""
    word = bare(text)
    for label, field in COMPLAINT_EDIT_FIELDS.items():
        if word == bare(label):
            return field
    for table in (COMPLAINT_EDIT_FIELDS, COMPLAINT_EDIT_WORDS):
        found = {field for label, field in table.items() if bare(label) in word}
        if len(found) == 1:
            return found.pop()
    return None


def _field_label(field: str) -> str:
    """The edit button's label of a field ("สถานที่"), as the citizen saw it at แก้ไข."""
    return next(label for label, slot in COMPLAINT_EDIT_FIELDS.items() if slot == field)


def taken_from_words(tracker: Tracker) -> bool:
    """The category was read from the first message and not yet answered on (the question after it
    says which, with "เปลี่ยนหมวด")."""
    guess = tracker.get_slot("complaint_guess")
    return guess is not None and guess == tracker.get_slot("complaint_category")


# Steps whose message may carry other steps' answers too (actions/complaint_fields.py); the consent
# step's own rules read a consent sentence whole, the summary's its own changes.
CARRYING_STEPS = frozenset(
    {"complaint_category", "complaint_description", "complaint_location", "complaint_photo"}
)
# Steps where consent to updates typed early is kept for its own step (at the photo step it also
# means no photo: validate_complaint_photo).
EARLY_CONSENT_STEPS = frozenset({"complaint_description", "complaint_location"})
EARLY_CONSENT_MAX_CHARS = CONSENT_ANSWER_MAX_CHARS
# The fewest Latin letters in the opening message that make the form English (writes_english).
MIN_ENGLISH_LETTERS = 6
# Steps whose question may say back the category read from the first message, where its name (the
# one-tap confirm under that line) confirms it.
GUESS_CONFIRM_STEPS = frozenset(
    {"complaint_description", "complaint_location", "complaint_photo", "contact_consent"}
)
# Steps where a change of an answered field may be typed ("ขอแก้ที่อยู่ค่ะ …"); the summary has its own.
LATER_EDIT_STEPS = frozenset(
    {"complaint_description", "complaint_location", "complaint_photo", "contact_consent"}
)

# Steps where a bare "แก้ไข" asks which answered field to change (at the story only the category is
# answered, which "เปลี่ยนหมวด" changes).
EDIT_ASKED_STEPS = LATER_EDIT_STEPS - {"complaint_description"}


def says_anonymous(text: str) -> bool:
    """ "ไม่อยากเปิดเผยตัวตนครับ": anonymity told, not asked (a question, in any clause, gets the aside's
    answer: "ไม่อยากบอกชื่อได้มั้ย กลัวเค้ารู้")."""
    return not asks_in_a_clause(text) and aside_kind(text, "", "contact_consent") == "anonymous"


PLACE_SLOTS = ("complaint_location", "complaint_lat", "complaint_lon")


def _shown_at_summary(tracker: Tracker, step: str) -> dict[str, Any]:
    """`step`'s value (a place with its pin) when the summary was last shown; {} when it never was, or
    showed none."""
    slots = PLACE_SLOTS if step == "complaint_location" else (step,)
    values: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    for event in tracker.events or []:
        if event.get("event") != "slot":
            continue
        if event.get("name") in slots:
            values[str(event.get("name"))] = event.get("value")
        elif event.get("name") == "requested_slot" and event.get("value") == "complaint_confirm":
            shown = dict(values)
    return shown if shown.get(step) else {}


def _nothing_told(tracker: Tracker) -> bool:
    """No part of a report is in the form yet (no guess, story, place or photo)."""
    told = ("complaint_guess", "complaint_description", "complaint_location", "complaint_photo")
    return not any(tracker.get_slot(slot) for slot in told)


def after_case_lookup(tracker: Tracker) -> bool:
    """The turn before this message was a case look-up (its question, its answer)."""
    users = 0
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            users += 1
            if users > 1:
                return False
        elif users == 1 and event.get("event") == "action" and event.get("name") in CASE_LOOKUP_ACTIONS:
            return True
    return False


def _service_answered(tracker: Tracker) -> bool:
    """action_answer_service ran since the citizen's last message: it answered a question asked aside
    (the form handed it the turn), and the form now comes back to its step."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == SERVICE_ACTION:
            return True
    return False


def _answer_comes_first(tracker: Tracker) -> bool:
    """The form just handed this turn to the service action: the step's question waits until after
    the answer (the form asks it again then)."""
    return tracker.followup_action == SERVICE_ACTION


def _consent_kept(answer: bool, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    say(dispatcher, tracker, "complaint_kept_consent")
    if answer and gives_a_number(text):
        say(dispatcher, tracker, "complaint_consent_number_not_kept")


def _opens_with_edit(text: str) -> bool:
    """ "ขอแก้ที่อยู่…", "เปลี่ยนสถานที่เป็น…", "ที่อยู่ผิดค่ะ …": the message opens as a change of a
    named field (the edit verb right before the field word, or the field word then ผิด); a story that
    says แก้ ("แก้ไขถนนไปแล้วแต่…") is no change."""
    word = compact(text)
    named = {**COMPLAINT_EDIT_WORDS, **COMPLAINT_EDIT_FIELDS}
    fields = tuple(w for w, field in named.items() if field and w != replies.COMPLAINT_EDIT_LOOSE_WORD)
    for opening in sorted(replies.EDIT_OPENINGS, key=len, reverse=True):
        if word.startswith(opening):
            rest = word[len(opening) :]
            for between in replies.EDIT_BETWEEN_WORDS:
                rest = rest.removeprefix(between)
            return rest.startswith(fields)
    return any(word.startswith(w) and word[len(w) :].startswith(replies.EDIT_WRONG_WORD) for w in fields)


def _referred_aside(
    step: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """ "โดนหลอกโอนเงินออนไลน์ต้องแจ้งที่ไหน" mid-form: the agency and hotline that handle it (the
    out-of-scope referral), then the same step again; None when the message is no such matter."""
    if not is_question(text):  # told, not asked: a story or a place ("ป้ายรถเมล์หน้าซอย 52")
        return None
    referral = referral_for(text, load_routes(), directory())
    if referral is None:
        return None
    dispatcher.utter_message(text=aside_referral_text(referral, tracker.get_latest_input_channel()))
    return []


def photo_step_applies(tracker: Tracker) -> bool:
    """The photo question is asked only on a channel that can send a photo here."""
    return _channel(tracker) in PHOTO_CHANNELS


def _plain_yes(text: str) -> bool:
    """ใช่ (a button, or typed), or yes in the words of another step (ยืนยัน, ยินยอม, ตกลง)."""
    if is_payload(text):
        return text.strip().startswith("/affirm")
    return is_yes(text) or replies.confirm_answer(text) == "yes" or replies.consent_answer(text) is True


def _category_confirmed(
    step: str, named: str | None, dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """The category said back confirmed (ใช่, its name); another category's name takes that one."""
    category = str(tracker.get_slot("complaint_category"))
    key = named or category
    if key == category:
        label = {"label": category_label(key, tracker)}
        say(dispatcher, tracker, "complaint_category_confirmed", values=label)
    else:
        say(dispatcher, tracker, "complaint_edit_taken", values={"field": _field_label("complaint_category")})
    return [
        SlotSet(step, None),
        SlotSet("complaint_category", key),
        SlotSet("complaint_guess", None),
        SlotSet("complaint_category_assumed", None),
        SlotSet("requested_slot", step),
    ]


def _its_category_named(text: str, tracker: Tracker) -> str | None:
    """ "ใช่ค่ะ เรื่องเสียงดัง", "เสียงดัง เหตุรำคาญ": the category taken, named back and nothing else
    (its label or one of its cues, after a yes and เรื่อง / หมวด) - a confirm, not a place or a story."""
    category = str(tracker.get_slot("complaint_category") or "")
    route = load_routes().get(category)
    if route is None or is_payload(text):
        return None
    word = bare(text)
    yes_words = sorted(replies.YES_WORDS, key=len, reverse=True)
    word = next((word[len(y) :] for y in yes_words if word.startswith(y)), word)
    word = next((word[len(w) :] for w in replies.CATEGORY_NAMING_LEADS if word.startswith(w)), word)
    named = word == bare(route.label) or word in route.cues
    return category if word and named else None


def _anonymous_labels() -> dict[str, str]:
    """The categories that may be filed anonymously, named for the answer before one is chosen."""
    return {"labels": ", ".join(r.label for r in load_routes().values() if r.allow_anonymous)}


def _worries_about_address(text: str) -> bool:
    """ "ขอไม่บอกที่อยู่ได้ไหม": their address or home is what they would keep back; the neighbours
    ("กลัวข้างบ้านรู้", "เพื่อนบ้าน") are not their address."""
    word = compact(text)
    for neighbours in NEIGHBOUR_WORDS:
        word = word.replace(neighbours, " ")
    return any(worry in word for worry in ADDRESS_WORRY_WORDS)


def _label(key: str) -> dict[str, str]:
    return {"label": COMPLAINT_CATEGORIES.get(key, key)}


def _category_taken(key: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """ "บันทึกเป็นหมวด …": the category taken without a button, said in the citizen's language."""
    label = {"label": category_label(key, tracker)}
    say(dispatcher, tracker, "complaint_category_taken", values=label)


def _latest_text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def _chosen_route(tracker: Tracker) -> ComplaintRoute | None:
    category = tracker.get_slot("complaint_category")
    return load_routes().get(str(category)) if category else None


def _route_values(route: ComplaintRoute | None, tracker: Tracker) -> dict[str, str]:
    """The category, its agency and its time to act, named in the reply's language."""
    if route is None:
        return {}
    return {
        "label": category_label(route.category, tracker),
        "agency": route.agency_in(writes_english(tracker)),
        "time_to_act": duration_in(route.time_to_act, tracker),
    }


def category_guess_values(tracker: Tracker) -> dict[str, str]:
    guess = str(tracker.get_slot("complaint_guess") or "")
    return {"label": COMPLAINT_CATEGORIES.get(guess, guess)}


def writes_english(tracker: Tracker) -> bool:
    """The citizen opened this complaint in English (the first message typed since the form
    started; the latest message when no start is seen): the form's questions, summary and ending
    are then in English. The first message decides, so a Thai button label sent back (a category,
    ไม่มีรูป) does not switch the language half-way."""
    opening = ""
    started = False
    for event in reversed(list(tracker.events or [])):
        if event.get("event") == "active_loop" and event.get("name") == FORM:
            started = True
            continue
        if event.get("event") != "user":
            continue
        text = str(event.get("text") or "")
        if text and not is_payload(text):
            opening = text
        if started:
            break  # the message that opened the form (it comes before the loop's start)
    if not started:
        latest = _latest_text(tracker)
        opening = "" if is_payload(latest) else latest
    # A word or two of Latin letters ("ok", "x", a soi's name) is no sign of an English writer.
    return in_english(opening) and sum(c.isascii() and c.isalpha() for c in opening) >= MIN_ENGLISH_LETTERS


def say(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    key: str,
    extra_buttons: Sequence[Button] = (),
    values: Mapping[str, str] | None = None,
) -> None:
    """Reply `key` in the language the citizen opened this complaint in (its en_ variant when they
    wrote English and the catalogue has one), so a form begun in English stays English."""
    replies.send(dispatcher, tracker, english_key(key, tracker), extra_buttons=extra_buttons, values=values)


def english_key(key: str, tracker: Tracker) -> str:
    """`en_<key>` for a citizen writing English when the catalogue has it, else `key`."""
    english = f"en_{key}"
    return english if english in replies.REPLIES and writes_english(tracker) else key


def category_label(key: str, tracker: Tracker) -> str:
    """A category as named in the reply's language (the Thai label is what its button sends)."""
    if key in COMPLAINT_CATEGORIES_EN and writes_english(tracker):
        return COMPLAINT_CATEGORIES_EN[key]
    return COMPLAINT_CATEGORIES.get(key, key)


def _times_to_act(tracker: Tracker) -> dict[str, str]:
    """The shortest and the longest published time to act over the categories ("3 วัน", "15 วันทำการ"),
    for "how long?" asked before the category is known."""
    times = sorted(
        {route.time_to_act for route in load_routes().values() if route.time_to_act},
        key=lambda time: (int(m.group()) if (m := re.match(r"\d+", time)) else 0, len(time)),
    )
    if not times:
        return {"shortest": "", "longest": ""}
    return {"shortest": duration_in(times[0], tracker), "longest": duration_in(times[-1], tracker)}


def duration_in(time_to_act: str, tracker: Tracker) -> str:
    """ "15 วันทำการ" -> "15 working days" in an English reply; unchanged in Thai."""
    if not writes_english(tracker):
        return time_to_act
    for thai, english in sorted(DURATION_UNITS_EN.items(), key=lambda unit: -len(unit[0])):
        if time_to_act.endswith(thai):
            return f"{time_to_act.removesuffix(thai).strip()} {english}"
    return time_to_act


class ComplaintAsk(AskSlotAction):
    """A complaint step's question in the citizen's language (English when they opened in English)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if _answer_comes_first(tracker):
            return []
        values = self.values(tracker) if self.values is not None else None
        say(dispatcher, tracker, f"ask_{self.slot}", values=values)
        return []


class AskCategoryAction(ComplaintAsk):
    """The category question: the whole menu, or a one-tap confirm of the category the first message
    made clear (the other categories still offered)."""

    def __init__(self) -> None:
        super().__init__("complaint_category")

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        guess = tracker.get_slot("complaint_guess")
        if guess not in COMPLAINT_CATEGORIES or _answer_comes_first(tracker):
            return await super().run(dispatcher, tracker, domain)
        others = [Button(label, label) for key, label in COMPLAINT_CATEGORIES.items() if key != guess]
        buttons = replies.unique_buttons((YES_BUTTON, *others, replies.CANCEL))
        channel = tracker.get_latest_input_channel()
        reply = replies.reply_for(english_key("ask_complaint_category_guess", tracker), channel)
        label = {"label": category_label(str(guess), tracker)}
        dispatcher.utter_message(text=reply.text.format(**label), buttons=[b.as_dict() for b in buttons])
        return []


class AskStepAction(ComplaintAsk):
    """A step's question; the first one after the category was read from the first message says
    which category it was filed under, with "เปลี่ยนหมวด" under it (one tap back to the menu)."""

    def extra_buttons(self, tracker: Tracker) -> tuple[Button, ...]:
        return ()

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if _answer_comes_first(tracker):
            return []
        extra = self.extra_buttons(tracker)
        asked = english_key(f"ask_{self.slot}", tracker)
        if not taken_from_words(tracker):
            say(dispatcher, tracker, asked, extra_buttons=extra)
            return []
        channel = tracker.get_latest_input_channel()
        question = replies.reply_for(asked, channel)
        buttons = replies.unique_buttons((*_category_buttons(tracker), *question.buttons, *extra))
        text = question.text
        if not _answered_aside(tracker):
            # The first question says which category was read; asked again after a question aside it
            # is not said twice, but its one-tap confirm and the change stay until a step is answered.
            # "ไฟถนนดับอีกแล้ว!!! แจ้งไปรอบนึงแล้ว…": a new complaint told upset opens with an apology
            if upset(_latest_text(tracker)):
                say(dispatcher, tracker, "complaint_apology_upset")
            note = replies.reply_for(english_key("complaint_category_from_words", tracker), channel).text
            category = str(tracker.get_slot("complaint_category"))
            thai = COMPLAINT_CATEGORIES.get(category, category)
            text = note.format(label=category_label(category, tracker), thai=thai, question=question.text)
        dispatcher.utter_message(text=text, buttons=[b.as_dict() for b in buttons])
        return []


def _category_buttons(tracker: Tracker) -> tuple[Button, ...]:
    """The one-tap confirm of the category read, under its own Thai name (the button a citizen looks
    for: "ไฟถนนดับ"; like every button, Thai in an English reply too, whose text names it), then the
    change."""
    category = str(tracker.get_slot("complaint_category"))
    thai = COMPLAINT_CATEGORIES.get(category, category)
    return (Button(thai, thai), CHANGE_CATEGORY_BUTTON)


def _answered_aside(tracker: Tracker) -> bool:
    """A message came since the form opened (the category read from the first one is kept until a
    step is answered, so that message was a question aside)."""
    events = list(tracker.events or [])
    for event in reversed(events):
        if event.get("event") == "active_loop" and event.get("name") == FORM:
            return False
        if event.get("event") == "user":
            return True
    return False


class AskConsentAction(AskStepAction):
    """The consent question, with "ไม่ระบุตัวตน" beside it where the category allows it."""

    def __init__(self) -> None:
        super().__init__("contact_consent")

    def extra_buttons(self, tracker: Tracker) -> tuple[Button, ...]:
        route = _chosen_route(tracker)
        return (ANONYMOUS_BUTTON,) if route is not None and route.allow_anonymous else ()


def summary_values(tracker: Tracker) -> dict[str, str]:
    """The summary to check before anything is created: ยืนยัน / แก้ไข (one field) / ยกเลิก. The photo
    line only where the photo was asked (or one came anyway)."""
    category = str(tracker.get_slot("complaint_category") or "")
    photo = str(tracker.get_slot("complaint_photo") or "")
    description = str(tracker.get_slot("complaint_description") or "")
    location = str(tracker.get_slot("complaint_location") or "")
    lat, lon = tracker.get_slot("complaint_lat"), tracker.get_slot("complaint_lon")
    if lat is not None and lon is not None:
        pin = PHRASES["pin"].format(lat=float(lat), lon=float(lon))
        location = pin if location == PIN_ONLY else f"{location} ({pin})"
    lang = "en_" if writes_english(tracker) else ""
    photo_line = ""
    if photo.startswith(PHOTO_PREFIX) or (photo and photo_step_applies(tracker)):
        shown = PHRASES[lang + ("photo_attached" if photo.startswith(PHOTO_PREFIX) else "photo_none")]
        photo_line = PHRASES[f"{lang}photo_line"].format(photo=shown)
    if tracker.get_slot("complaint_anonymous"):
        consent = PHRASES[f"{lang}consent_anonymous"]
    else:
        consent = PHRASES[
            lang + ("consent_given" if tracker.get_slot("contact_consent") else "consent_refused")
        ]
    route = route_for(category) if category in COMPLAINT_CATEGORIES else route_for("other")
    return {
        "category": category_label(category, tracker),
        "description": description,
        "short_description": description if len(description) <= 40 else description[:40] + "…",
        "location": location,
        "photo_line": photo_line,
        "consent": consent,
        "agency": route.agency_in(writes_english(tracker)),
    }


def _consent_time(tracker: Tracker) -> dt.datetime:
    """When the citizen said yes: the timestamp of the user message that set contact_consent."""
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == "contact_consent" and event.get("value"):
            stamp = event.get("timestamp")
            if isinstance(stamp, (int, float)):
                return dt.datetime.fromtimestamp(stamp, dt.UTC)
    return utcnow()


def _contacts(asker: Asker, notify: bool) -> tuple[NewContact, ...]:
    """The asker's own channel contact: on SMS the number too (it is where updates go)."""
    try:
        check_sender_id(asker.channel, asker.sender_id)
    except ContactError:
        log.warning("complaint filed without a contact: sender id does not fit channel %s", asker.channel)
        return ()
    if asker.channel == "sms":
        if asker.sms_number is None:
            return ()
        return (NewContact("sms", sender_id=asker.sender_id, phone=asker.sms_number, notify=notify),)
    return (NewContact(asker.channel, sender_id=asker.sender_id, notify=notify),)


def _updates_key(asker: Asker, contacts: tuple[NewContact, ...], consent: bool) -> str:
    if not consent:
        return "complaint_updates_none"
    if not contacts:
        return "complaint_updates_unreachable"
    return f"complaint_updates_{asker.channel}"


def waiting_photo(cases: CaseRuntime, pending_ref: str) -> tuple[NewPhoto, ...]:
    """The photo waiting for this complaint, read back from the pending store (file I/O); () when it
    is gone (swept after a day)."""
    data = pending_photos(cases).read(pending_ref)
    content_type = sniff_image_type(data) if data else None
    if data and content_type:
        return (NewPhoto(content_type=content_type, data=data),)
    log.warning("complaint photo no longer in the store; filed without it")
    return ()


def new_complaint_case(
    tracker: Tracker,
    route: ComplaintRoute,
    contacts: tuple[NewContact, ...],
    consent: bool,
    photos: tuple[NewPhoto, ...],
) -> NewCase:
    """The case exactly as the citizen confirmed it in the summary."""
    lat, lon = tracker.get_slot("complaint_lat"), tracker.get_slot("complaint_lon")
    location = str(tracker.get_slot("complaint_location") or "")
    return NewCase(
        kind="complaint",
        service_id=route.service_id,
        contacts=contacts,
        # The exact words the citizen agreed to, in the variant their channel showed.
        consent=(
            NewConsent(
                wording=replies.reply_for("ask_contact_consent", tracker.get_latest_input_channel()).text,
                given_at=_consent_time(tracker),
            )
            if consent
            else None
        ),
        complaint=NewComplaint(
            category=route.category,
            description=str(tracker.get_slot("complaint_description") or ""),
            lat=float(lat) if lat is not None else None,
            lon=float(lon) if lon is not None else None,
            address=None if location == PIN_ONLY else location,
            photos=photos,
        ),
        actor="citizen",
    )


def create_complaint(
    sessions: sessionmaker[Session], cases: CaseRuntime, route: ComplaintRoute, new: NewCase, asker: Asker
) -> str:
    """One transaction (the agency row on first use, then the case; its photo goes to the case photo
    store); returns the new reference. Consent given here lifts the asker's earlier STOP or erasure
    on this channel, as subscribing does: it is their newer choice."""
    with sessions() as session, session.begin():
        ensure_agency(session, route)
        reference = create_case(session, route.agency_id, new, cases.tools).reference
        if new.consent is not None:
            lift_opt_outs(
                session, AskerKeys.of(cases.tools.vault, asker.channel, asker.sender_id, asker.sms_number)
            )
        return reference


class ActionSubmitComplaint(Action):
    def __init__(
        self,
        cases: CaseRuntime | None = None,
        sessions: sessionmaker[Session] | None = None,
        lookup: CaseLookup | None = None,
        services: ServiceAside | None = None,
    ) -> None:
        self.cases = cases
        self.sessions = sessions
        self.lookup = lookup
        self.services = services

    def name(self) -> str:
        return "action_submit_complaint"

    def link(self, by_name: dict[str, Any]) -> None:
        """At start-up (actions/registry.py): the service action, for a question asked with ยกเลิก."""
        self.services = self.services or service_aside_from(by_name)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ending = tracker.get_slot("complaint_confirm")
        if ending == REFERRED:
            referral = referral_for(_latest_text(tracker), load_routes(), directory())
            if referral is not None:
                channel = tracker.get_latest_input_channel()
                english = writes_english(tracker)
                text = referral_text(referral, channel, english)
                buttons = replies.reply_for(referral_key(referral, english), channel).buttons
                dispatcher.utter_message(text=text, buttons=[b.as_dict() for b in buttons])
                return clear_events()
            ending = None  # cannot happen (the same message was referred); the not-sent reply
        if ending == EARLIER:
            await self._earlier(dispatcher, tracker)
            return clear_events()
        if ending == TRACK:
            # The case look-up takes the same message (a reference, "จำเลขไม่ได้", or asks for one).
            return [*clear_events(), FollowupAction(CASE_FORM)]
        if ending == SERVICE_ASKED:
            return [*clear_events(), FollowupAction(SERVICE_ACTION)]
        if ending in (CANCELLED, HANDOVER):
            await self._let_photo_go(tracker)
            if ending == CANCELLED:
                say(dispatcher, tracker, "complaint_cancelled")
                return [*clear_events(), *await self._question_with_cancel(tracker)]
            # action_handover decides like everywhere else: office hours, the agency, the queue.
            say(dispatcher, tracker, "complaint_handover")
            return [*clear_events(), FollowupAction("action_handover")]
        if self.cases is None or self.sessions is None:
            say(dispatcher, tracker, "complaint_unavailable")
            return clear_events()
        if ending != "yes":
            say(dispatcher, tracker, "complaint_not_sent")
            return clear_events()
        try:
            reference, updates, route = await self._file(tracker, self.cases, self.sessions)
        except (CaseInputError, SQLAlchemyError, OSError, KeyError) as exc:
            # No citizen text in the log: only the kind of failure (and, for input, which field).
            log.error("complaint not filed: %s %s", type(exc).__name__, getattr(exc, "field", ""))
            say(dispatcher, tracker, "complaint_failed")
            return clear_events()
        values = {
            "reference": reference,
            "spoken": spoken_reference(reference),
            "agency": route.agency_in(writes_english(tracker)),
            "agency_short": route.agency_brief,
            "time_to_act": duration_in(route.time_to_act, tracker),
        }
        if updates is None:  # anonymous: nothing to follow it with, and the citizen is told so
            say(dispatcher, tracker, "complaint_filed_anonymous", values=values)
            return clear_events()
        channel = tracker.get_latest_input_channel()
        values["updates"] = replies.reply_for(english_key(updates, tracker), channel).text
        say(dispatcher, tracker, "complaint_filed", values=values)
        return clear_events()

    async def _let_photo_go(self, tracker: Tracker) -> None:
        photo = str(tracker.get_slot("complaint_photo") or "")
        if photo.startswith(PHOTO_PREFIX) and self.cases is not None:
            await asyncio.to_thread(pending_photos(self.cases).delete, photo.removeprefix(PHOTO_PREFIX))

    async def _question_with_cancel(self, tracker: Tracker) -> list[EventType]:
        """ "จริงๆอยากถามว่าเบี้ยคนพิการได้เดือนละเท่าไหร่ ไม่ร้องเรียนแล้วค่ะ": the complaint is left for
        the question, which the service action answers right after the cancel (FollowupAction, as for a
        question asked inside the form: the answer is that action's own turn, feedback buttons and
        record included), when it names a service with confidence. The service slots are emptied first
        so it decides on the question alone, as sure_aside did."""
        text = _latest_text(tracker)
        if self.services is None or is_payload(text) or not asks_in_a_clause(text):
            return []
        if not await self.services.sure_aside(tracker, text):
            return []
        return [*(SlotSet(slot, None) for slot in SERVICE_CONTEXT_SLOTS), FollowupAction(SERVICE_ACTION)]

    async def _earlier(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """About a complaint already made (angry words never said back): an apology, then this
        account's own cases with their status when it filed any, else how to track one."""
        lookup = self.lookup
        if lookup is None or not lookup.ready or not await lookup.has_own_cases(tracker):
            say(dispatcher, tracker, "complaint_earlier_case")
            return
        say(dispatcher, tracker, "complaint_earlier_case_mine")
        mine = await lookup.own_cases(tracker)
        buttons = tuple(Button(ref, f'/check_case_status{{"case_id":"{ref}"}}') for ref in mine.refs)
        mine.send(dispatcher, tracker, extra_buttons=(*buttons, HUMAN) if mine.refs else ())

    async def _file(
        self, tracker: Tracker, cases: CaseRuntime, sessions: sessionmaker[Session]
    ) -> tuple[str, str | None, ComplaintRoute]:
        """Files the case; returns its reference, the reply that says where updates will go (None for
        an anonymous complaint: no contact kept at all) and where it went."""
        asker = asker_of(tracker, cases)
        category = str(tracker.get_slot("complaint_category") or "")
        route = route_for(category) if category in COMPLAINT_CATEGORIES else route_for("other")
        anonymous = tracker.get_slot("complaint_anonymous") is True and route.allow_anonymous
        consent = tracker.get_slot("contact_consent") is True and not anonymous
        contacts = () if anonymous else _contacts(asker, notify=consent)
        photo = str(tracker.get_slot("complaint_photo") or "")
        pending_ref = photo.removeprefix(PHOTO_PREFIX) if photo.startswith(PHOTO_PREFIX) else None
        photos = await asyncio.to_thread(waiting_photo, cases, pending_ref) if pending_ref is not None else ()
        new = new_complaint_case(tracker, route, contacts, consent, photos)
        reference = await asyncio.to_thread(create_complaint, sessions, cases, route, new, asker)
        if pending_ref is not None:  # now in the case photo store
            await asyncio.to_thread(pending_photos(cases).delete, pending_ref)
        log.info("complaint filed: %s (%s, %s)", reference, route.category, asker.channel)
        return reference, None if anonymous else _updates_key(asker, contacts, consent), route


def build_actions(context: ActionContext) -> list[Action]:
    line = LineContentClient(context.settings.line_content)
    asks = [
        *(AskStepAction(slot) for slot in ("complaint_description", "complaint_location", "complaint_photo")),
        ComplaintAsk("complaint_edit"),
    ]
    return [
        ValidateComplaintForm(
            context.cases, line, lookup=CaseLookup(sessions=context.sessionmaker, runtime=context.cases)
        ),
        AskCategoryAction(),
        AskConsentAction(),
        *asks,
        ComplaintAsk("complaint_confirm", values=summary_values),
        ActionSubmitComplaint(
            context.cases,
            context.sessionmaker,
            CaseLookup(sessions=context.sessionmaker, runtime=context.cases),
        ),
        ActionComplaintAfter(),
    ]
