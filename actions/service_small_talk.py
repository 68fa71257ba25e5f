"""What the service conversation does with a message the NLU did not call a service question.

While a service is being talked about, citizens follow up in words the intent model reads as small
talk, thanks, yes/no or nothing at all ("อ๋อ แล้วนานไหม" -> chitchat, "นานมั้ย" -> nlu_fallback,
"เอ้ย ไม่ใช่ หมายถึงย้ายออก" -> deny, "ok, and where do I go?" -> affirm). Rules in bot/data/rules.yml
send those intents to `action_answer_service`; this module decides, from the words alone, whether the
message asks something (then the resolver answers it against the current service) and otherwise which
light reply fits (the domain's `utter_*` responses), so the service slots stay as they were.

Pure functions: no search, no Rasa calls.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from actions.acknowledge import no_reply
from actions.replies import FOLLOW_UP_OPENINGS, SMALL_TALK_WORDS
from actions.service_answer import is_english
from actions.service_resolver import english_aspect, extra_thai_aspect, is_question, residual_words
from actions.service_verdicts import is_yes_no
from knowledge.aspects import detect_aspect

# Intents that reach action_answer_service although they are not service questions.
CONVERSATIONAL_INTENTS = frozenset(
    {"chitchat", "affirm", "deny", "thank", "goodbye", "out_of_scope", "nlu_fallback", "bot_challenge"}
)
# Intents whose message is worth a look by the resolver even without a question word: an unclear
# message, "not that one, I mean moving out", or a topic the NLU thinks is outside the bot.
LOOK_WITHOUT_CUE = frozenset({"deny", "nlu_fallback", "out_of_scope"})

_FOLLOW_UP_OPENING = re.compile(r"(^|\s)(" + "|".join(map(re.escape, FOLLOW_UP_OPENINGS)) + r")\S")
_ENGLISH_QUESTION = re.compile(
    r"\?|\b(what|where|when|how|which|who|why|can|could|do|does|is|are|must|should|need)\b", re.I
)
# "700 ใช่มั้ย" after the allowance table reads to the NLU like "เป็นบอทใช่มั้ย": a figure or a part of
# the service is what tells a confirmation from a question about the bot.
_FIGURE = re.compile(r"[0-9\u0e50-\u0e59]")
_SMALL_TALK = re.compile(
    r"5{3,}|\u0e55{3,}|\bok(ay)?\b|\bthank(s| you)?\b|"
    + "|".join(map(re.escape, sorted(SMALL_TALK_WORDS, key=len, reverse=True))),
    re.I,
)


def asks_something(text: str) -> bool:
    """Whether a message asks a question or names a part of a service, whatever its intent: a question
    mark or word, a yes/no particle, an aspect word ("ค่าธรรมเนียม", "online") or an opening that carries
    on from the answer ("แล้ว…", "ถ้า…")."""
    text = (text or "").strip()
    if not text or text.startswith("/"):
        return False
    if is_english(text):
        return bool(_ENGLISH_QUESTION.search(text) or english_aspect(text))
    return bool(
        is_question(text)
        or is_yes_no(text)
        or detect_aspect(text)
        or extra_thai_aspect(text)
        or _FOLLOW_UP_OPENING.search(text)
    )


def has_content(text: str) -> bool:
    """Whether anything is left when small-talk words and particles are taken out ("เอ้ย ไม่ใช่ หมายถึง
    ย้ายออก" keeps "ย้ายออก"; "ไม่ค่ะ", "555 โอเค" keep nothing)."""
    stripped = _SMALL_TALK.sub(" ", text or "")
    return bool(residual_words(stripped))


def should_resolve(intent: str, text: str) -> bool:
    """Whether to ask the resolver about a message of this intent before giving a light reply."""
    if intent not in CONVERSATIONAL_INTENTS:
        return True
    if intent == "bot_challenge":
        return bool(_FIGURE.search(text or "") or detect_aspect(text or "") or extra_thai_aspect(text or ""))
    return asks_something(text) or (intent in LOOK_WITHOUT_CUE and has_content(text))


def accepts(
    kind: str,
    intent: str,
    text: str,
    current: str | None,
    answered: str | None,
    specific: bool = False,
    speaks_of_it: bool = True,
) -> bool:
    """Whether the resolver's decision answers the message better than a light reply would.

    An answer, a life event's checklist, a near-twin question or a referral with an agency are taken
    when the message asks something. Without a question ("เอ้ย ไม่ใช่ หมายถึงย้ายออก") only a switch to
    another named service, a life event or a referral is; staying on the same service with an overview
    would only repeat the last answer, unless an unclear message matched a specific part of it (`specific`:
    an aspect or an FAQ). An unsure search never beats a light reply. A question the NLU reads as out
    of scope in words the current service never uses (`speaks_of_it` False: "ว่าแต่ ราคาทองวันนี้เท่าไหร่คะ"
    during a marriage registration) is not answered from that service for its question word alone."""
    if kind in ("unsure", "which"):
        return False
    if kind == "not_covered":
        return True
    if kind == "answer" and intent == "out_of_scope" and answered == current and not speaks_of_it:
        return False
    if asks_something(text):
        return True
    if kind == "answer":
        if intent not in LOOK_WITHOUT_CUE or answered is None:
            return False
        # "แนะนำร้านส้มตำแถวนี้หน่อย" (out of scope to the NLU) shares a word with a service ("ร้าน"): that
        # asks nothing of it, so only a specific part of the service already talked about is taken
        if intent == "out_of_scope":
            return answered == current and specific
        # "ขาดต่อมา 4 ปีแล้ว" (unclear to the NLU) on vehicle tax: a part of the current service it found
        return answered != current or (intent != "deny" and specific)
    return intent in LOOK_WITHOUT_CUE  # life event, twins


def last_response(events: Sequence[Mapping[str, Any]]) -> str | None:
    """The domain response (utter_*) the bot last sent in this conversation, if its last message was one."""
    for event in reversed(events):
        if event.get("event") == "user":
            continue
        if event.get("event") == "bot":
            metadata = event.get("metadata") or {}
            name = metadata.get("utter_action") if isinstance(metadata, Mapping) else None
            return str(name) if name else None
    return None


def light_reply(intent: str, current: str | None, previous_response: str | None, text: str = "") -> str:
    """The reply to small talk around a service conversation: a domain response (`utter_*`, bot/domain)
    or else a key of actions/replies.py."""
    if intent == "thank":
        return "utter_thank"
    if intent == "goodbye":
        return "utter_goodbye"
    if intent == "chitchat":
        return "utter_chitchat"
    if intent == "bot_challenge":
        return "utter_bot_challenge"
    if intent == "affirm":
        # "มีเรื่องอื่น" after the thanks: the menu; "โอเค" after an answer: carry on
        return "service_ok_more" if current and previous_response != "utter_thank" else "utter_menu"
    if intent == "deny":
        return no_reply(text, previous_response)
    return "service_out_of_scope"
