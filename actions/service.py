"""action_answer_service: answer the part of a public service that the citizen asked about.

The service comes from a button's `service_id` entity, else from searching what the citizen typed;
a follow-up that names no service ("แล้วใช้เวลากี่วัน") reuses the `service_id` slot. The asked
aspect (documents / fee / place / time / eligibility / online) is answered first, short enough for a
phone, with buttons for the other aspects, and every answer ends with the agency and the date the
content was last reviewed. When the search is not confident the bot says so, offers the nearest
services as buttons and a person, and never answers from a service it is unsure of.

The index is built once at start-up (build_actions, before the server accepts requests) and follows
published changes through LiveIndex; searches run in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import ActionContext
from actions.replies import HUMAN, Button
from actions.unanswered import UnansweredRecorder
from knowledge.aspects import ASPECT_LABELS_TH, ASPECTS, detect_aspect, parse_aspect, strip_aspect_words
from knowledge.record import TO_CONFIRM_MARK_TH, ServiceRecord
from knowledge.search.cache import EmbeddingCache
from knowledge.search.embedders import EmbedderConfig, make_embedder
from knowledge.search.index import Hit, stderr_progress
from knowledge.search.live import LiveIndex
from knowledge.search.text import bm25_tokens
from knowledge.settings import KnowledgeSettings
from knowledge.store import KnowledgeStore
from nlu.thai_date import thai_date as format_thai_date

logger = logging.getLogger(__name__)

BUTTON_TITLE_MAX = 20  # LINE quick-reply labels; other channels are fine with it too
# Per channel: how many list items to show before "และอื่น ๆ", and whether office hours fit.
LIST_LIMIT: dict[str, int] = {"sms": 3, "default": 6}
NEAREST_COUNT = 3


def thai_date(value: dt.date | None) -> str:
    return "ไม่ระบุ" if value is None else format_thai_date(value)


def button_title(text: str) -> str:
    """Short enough for a LINE button: drop a bracketed aside, then cut with an ellipsis."""
    text = text.split(" (")[0].strip() or text
    return text if len(text) <= BUTTON_TITLE_MAX else text[: BUTTON_TITLE_MAX - 1] + "…"


def service_payload(service_id: str, aspect: str | None = None) -> str:
    entities: dict[str, str] = {"service_id": service_id}
    if aspect:
        entities["service_aspect"] = aspect
    return "/ask_service" + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))


# -- composing answers --------------------------------------------------------------------------------
def _bullets(items: list[str], limit: int, numbered: bool = False) -> str:
    shown = [f"{n}. {item}" if numbered else f"• {item}" for n, item in enumerate(items[:limit], start=1)]
    if len(items) > limit:
        shown.append("…และอื่น ๆ")
    return "\n".join(shown)


def aspect_text(record: ServiceRecord, aspect: str | None, channel: str) -> str:
    """The body for one aspect; an empty field says so instead of guessing."""
    limit = LIST_LIMIT.get(channel, LIST_LIMIT["default"])
    missing = f"ยังไม่มีข้อมูลเรื่อง{ASPECT_LABELS_TH.get(aspect or '', '')}ของบริการนี้ค่ะ สอบถามหน่วยงานโดยตรงได้ค่ะ"
    if aspect == "documents":
        return (
            f"เอกสารที่ใช้:\n{_bullets(list(record.documents), limit, numbered=True)}"
            if record.documents
            else missing
        )
    if aspect == "fee":
        if not record.fees:
            return missing
        return f"ค่าธรรมเนียม:\n{_bullets([f.display_th() for f in record.fees], limit)}"
    if aspect == "place":
        offices = list(record.where_to_apply.offices)
        if not offices:
            return missing
        text = f"ยื่นได้ที่:\n{_bullets(offices, limit)}"
        if record.office_hours and channel != "sms":
            text += f"\nเวลาทำการ: {record.office_hours}"
        return text
    if aspect == "time":
        if not record.processing_time:
            return missing
        mark = f" {TO_CONFIRM_MARK_TH}" if record.processing_time_to_confirm else ""
        return f"ระยะเวลา: {record.processing_time}{mark}"
    if aspect == "eligibility":
        return f"ผู้มีสิทธิ/คุณสมบัติ: {record.eligibility}" if record.eligibility else missing
    if aspect == "online":
        where = record.where_to_apply
        if not where.online and not where.e_service_url:
            return "ยังไม่มีช่องทางออนไลน์สำหรับบริการนี้ค่ะ ต้องไปยื่นที่หน่วยงาน"
        parts = [where.online] if where.online else []
        if where.e_service_url:
            parts.append(f"เว็บไซต์: {where.e_service_url}")
        return "ทางออนไลน์: " + "\n".join(parts)
    # No aspect named: a short overview, then the buttons offer each part.
    summary = record.description.split("\n")[0]
    if channel == "sms" and len(summary) > 160:
        summary = summary[:159] + "…"
    return summary or record.title_th


def compose_answer(record: ServiceRecord, aspect: str | None, channel: str) -> tuple[str, list[Button]]:
    body = aspect_text(record, aspect, channel)
    footer = f"ข้อมูลจาก {record.agency} ตรวจทานล่าสุด {thai_date(record.last_reviewed)}"
    text = f"{record.title_th}\n{body}\n\n{footer}"
    others = [a for a in ASPECTS if a != aspect]
    buttons = [Button(ASPECT_LABELS_TH[a], service_payload(record.id, a)) for a in others]
    return text, buttons


# -- deciding which service ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Decision:
    record: ServiceRecord | None
    aspect: str | None
    nearest: list[ServiceRecord] = field(default_factory=list)
    why: str = ""


def _is_payload(text: str) -> bool:
    return text.startswith("/")


class ServiceResolver:
    """Blocking decision logic (search, store reads); the action calls it in a worker thread."""

    def __init__(self, live: LiveIndex) -> None:
        self._live = live

    def decide(
        self,
        text: str,
        entity_id: str | None,
        entity_aspect: str | None,
        slot_id: str | None,
        slot_aspect: str | None,
    ) -> Decision:
        index = self._live.index()
        typed = "" if _is_payload(text) else text.strip()
        aspect = parse_aspect(entity_aspect) or detect_aspect(typed)
        if aspect is None and typed.startswith("แล้ว"):
            aspect = parse_aspect(slot_aspect)  # "แล้วพาสปอร์ตล่ะ" after a fee question: the fee again
        if entity_id:
            record = index.records.get(entity_id)
            if record is not None:
                return Decision(record, aspect, why="button")
            return Decision(None, aspect, why="unknown or unpublished service id")
        previous = index.records.get(slot_id or "")
        if previous is not None and aspect and not bm25_tokens(strip_aspect_words(typed)):
            return Decision(previous, aspect, why="follow-up")
        if not typed:
            return (
                Decision(previous, aspect, why="no text")
                if previous
                else Decision(None, aspect, why="no text")
            )
        result = index.search(typed, top=NEAREST_COUNT)
        if result.confident:
            return Decision(index.records[result.hits[0].id], aspect, why=result.reason)
        if previous is not None and aspect and previous.id in [h.id for h in result.hits]:
            return Decision(previous, aspect, why="follow-up among near matches")
        return Decision(None, aspect, nearest=_records(index.records, result.hits), why=result.reason)


def _records(records: dict[str, ServiceRecord], hits: list[Hit]) -> list[ServiceRecord]:
    return [records[h.id] for h in hits if h.id in records]


# -- the action ---------------------------------------------------------------------------------------
class ActionAnswerService(Action):
    def __init__(self, resolver: ServiceResolver, recorder: UnansweredRecorder | None = None) -> None:
        self._resolver = resolver
        self._recorder = recorder

    def name(self) -> str:
        return "action_answer_service"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = str((tracker.latest_message or {}).get("text") or "")
        channel = tracker.get_latest_input_channel() or "default"
        decision = await asyncio.to_thread(
            self._resolver.decide,
            text,
            next(tracker.get_latest_entity_values("service_id"), None),
            next(tracker.get_latest_entity_values("service_aspect"), None),
            tracker.get_slot("service_id"),
            tracker.get_slot("service_aspect"),
        )
        if decision.record is not None:
            body, buttons = compose_answer(decision.record, decision.aspect, channel)
            dispatcher.utter_message(text=body, buttons=[b.as_dict() for b in buttons])
            return [SlotSet("service_id", decision.record.id), SlotSet("service_aspect", decision.aspect)]
        await self._record_miss(tracker, text)
        if decision.nearest:
            body = "ขออภัยค่ะ ยังไม่แน่ใจว่าหมายถึงบริการใด บริการที่ใกล้เคียงมีด้านล่างนี้ค่ะ หรือเลือกคุยกับเจ้าหน้าที่ได้ค่ะ"
            buttons = [
                Button(button_title(r.title_th), service_payload(r.id, decision.aspect))
                for r in decision.nearest
            ]
        else:
            body = "ต้องการสอบถามบริการใดคะ พิมพ์ชื่อบริการได้เลยค่ะ เช่น ต่อใบขับขี่ ทำพาสปอร์ต หรือเลือกคุยกับเจ้าหน้าที่ค่ะ"
            buttons = []
        dispatcher.utter_message(text=body, buttons=[b.as_dict() for b in [*buttons, HUMAN]])
        return [SlotSet("service_id", None), SlotSet("service_aspect", decision.aspect)]

    async def _record_miss(self, tracker: Tracker, text: str) -> None:
        if self._recorder is None or not text.strip() or _is_payload(text):
            return
        try:
            await asyncio.to_thread(
                self._recorder.record,
                channel=tracker.get_latest_input_channel(),
                sender_id=tracker.sender_id,
                text=text,
                top_intent="ask_service",
                confidence=None,
            )
        except Exception:
            logger.exception("could not record an unanswered service question")


def build_live_index(store: KnowledgeStore, settings: KnowledgeSettings) -> LiveIndex:
    """Load the embedding model and build the index once (blocking; at start-up)."""
    embedder = None
    if settings.backend != "none":
        embedder = make_embedder(settings.backend, EmbedderConfig(model_path=settings.model_path))
    live = LiveIndex(
        store,
        embedder,
        cache=EmbeddingCache(settings.cache_dir),
        check_every=settings.refresh_seconds,
        progress=stderr_progress(f"knowledge index ({settings.backend})"),
    )
    live.refresh()
    return live


def build_actions(context: ActionContext) -> list[Action]:
    settings = KnowledgeSettings.from_environ(context.settings.environ)
    store = KnowledgeStore(context.sessionmaker)
    if settings.seed_missing:
        from knowledge.seed_loader import load_seed

        report = load_seed(store, only_missing=True)
        if report.created:
            logger.info("added %d seed services to an empty knowledge base", len(report.created))
    live = build_live_index(store, settings)
    recorder = UnansweredRecorder(context.sessionmaker, context.settings.sender_hash_key)
    return [ActionAnswerService(ServiceResolver(live), recorder)]
