"""Filing a complaint through the action server's complaint form, on SQLite and PostgreSQL.

The actions run as Rasa calls them (rasa_sdk Tracker + CollectingDispatcher); photos come from a
local fake of the LINE content API (tests/fakes.py) over real HTTP; the case lands in a throw-away
database at the newest migration. Each bad input gets a clear answer and keeps the form going.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from actions import replies
from actions.case_runtime import CaseRuntime
from actions.case_status import CaseLookup
from actions.complaint import (
    PENDING_MAX_AGE_SECONDS,
    PIN_ONLY,
    ActionSubmitComplaint,
    AskConsentAction,
    ValidateComplaintForm,
    pending_photos,
    spoken_reference,
    summary_values,
    sweep_pending,
)
from actions.complaint_talk import aside_kind
from actions.form_ask import AskSlotAction
from actions.line_content import LineContentClient, LineContentSettings
from cases.complaint_routing import RoutingError, load_routes, parse_routes
from cases.database import make_cases_engine, make_cases_sessionmaker
from cases.erasure import erase_contact_data
from cases.models import Agency, Case, NotificationOptOut
from cases.registry import StatusChange, change_status
from cases.settings import CasesSettings
from nlu.case_ref import check_case_ref
from nlu.pii import CITIZEN_ID_MASK
from privacy import PrivacySettings
from privacy.identity import GatewayIdentity
from tests.actions.conftest import runtime_for
from tests.databases import throwaway_database
from tests.fakes import FakeLine, serve

TOKEN = "fake-line-token"
LINE_USER = "line:U4af4980629a0c0f6e4b1d6d5a1e0b7c2"
WEB_USER = "web:session-0123456789"
SMS_NUMBER = "+66812345678"
MAX_PHOTO = 200_000
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 500
CITIZEN_ID = "1101700230708"  # valid checksum, synthetic
BANGKOK = (13.7563, 100.5018)
KEYS = PrivacySettings.generate()  # the runtime's keys; the gateway signs identities with them
VIENTIANE = (17.9757, 102.6331)


# --- trackers the way Rasa sends them -----------------------------------------------------


def tracker(
    text: str = "",
    *,
    intent: str = "inform",
    channel: str = "line",
    sender: str = LINE_USER,
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    requested_slot: str | None = None,
    extra_events: list[dict[str, Any]] | None = None,
) -> Tracker:
    # Signed as the gateway signs it (privacy/identity.py): the actions believe no unsigned channel.
    meta = GatewayIdentity(KEYS).sign({"channel": channel, "user_id": sender, **(metadata or {})})
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
        "entities": entities or [],
        "metadata": meta,
    }
    events = [
        *(extra_events or []),
        {
            "event": "user",
            "text": text,
            "parse_data": latest,
            "input_channel": channel,
            "metadata": meta,
            "timestamp": time.time(),
        },
    ]
    return Tracker(
        sender_id=sender,
        slots={"requested_slot": requested_slot, **(slots or {})},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "complaint_form"},
        latest_action_name="action_listen",
    )


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def payloads(dispatcher: CollectingDispatcher) -> list[str]:
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]


# --- fixtures: a database per backend, the runtime, the fake LINE content API -------------


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(request.param, tmp_path_factory.mktemp("complaints"), "complaints") as url:
        yield url


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_cases_engine(database_url)
    yield make_cases_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> CaseRuntime:
    return runtime_for(
        CasesSettings(
            database_url=database_url, privacy=KEYS, photo_dir=tmp_path / "photos", max_photo_bytes=MAX_PHOTO
        )
    )


@pytest.fixture
async def fake_line(aiohttp_server: Any) -> FakeLine:
    return await serve(aiohttp_server, FakeLine(token=TOKEN))


@pytest.fixture
def form(runtime: CaseRuntime, fake_line: FakeLine) -> ValidateComplaintForm:
    settings = LineContentSettings.from_environ(
        {"LINE_API_DATA_BASE": fake_line.url, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN}
    )
    return ValidateComplaintForm(runtime, LineContentClient(settings))


def filled(**overrides: Any) -> dict[str, Any]:
    slots: dict[str, Any] = {
        "complaint_category": "streetlight",
        "complaint_description": "ไฟถนนดับทั้งซอยมาสามวันแล้ว",
        "complaint_location": "ซอยพหลโยธิน 24 เขตจตุจักร",
        "complaint_lat": None,
        "complaint_lon": None,
        "complaint_photo": "none",
        "contact_consent": True,
        "complaint_confirm": "yes",
    }
    return {**slots, **overrides}


async def submit(
    runtime: CaseRuntime, sessions: sessionmaker[Session], t: Tracker
) -> tuple[CollectingDispatcher, list[Any]]:
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitComplaint(runtime, sessions).run(dispatcher, t, {})
    return dispatcher, events


def only_case(sessions: sessionmaker[Session]) -> Case:
    with sessions() as session:
        [case] = session.scalars(select(Case).order_by(Case.id.desc()).limit(1)).all()
        _ = case.contacts, case.consents, case.photos, case.history
        return case


# --- filing ---------------------------------------------------------------------------------


async def test_line_complaint_with_pin_and_photo_is_filed_with_consent(
    form: ValidateComplaintForm,
    runtime: CaseRuntime,
    sessions: sessionmaker[Session],
    fake_line: FakeLine,
) -> None:
    # The pin: coordinates as entities, the address LINE sent in metadata.
    dispatcher = CollectingDispatcher()
    pin = tracker(
        '/share_location{"latitude": 13.7563, "longitude": 100.5018}',
        intent="share_location",
        entities=[
            {"entity": "latitude", "value": BANGKOK[0]},
            {"entity": "longitude", "value": BANGKOK[1]},
        ],
        metadata={"kind": "location", "location": {"address": "ถนนพระราม 1 ปทุมวัน กรุงเทพฯ", "title": None}},
        requested_slot="complaint_location",
    )
    located = await form.validate_complaint_location(pin.latest_message["text"], dispatcher, pin, {})
    assert located == {
        "complaint_location": "ถนนพระราม 1 ปทุมวัน กรุงเทพฯ",
        "complaint_lat": BANGKOK[0],
        "complaint_lon": BANGKOK[1],
    }

    # The photo: fetched from the (fake) LINE content API and stored by content hash.
    fake_line.contents["500123"] = (JPEG, "image/jpeg")
    image = tracker("/share_image", intent="share_image", metadata={"kind": "image", "media_id": "500123"})
    photo = await form.validate_complaint_photo("/share_image", dispatcher, image, {})
    assert photo["complaint_photo"].startswith("photo:")
    ref = photo["complaint_photo"].removeprefix("photo:")
    # It waits outside the case photo store until the complaint is confirmed.
    assert pending_photos(runtime).read(ref) == JPEG and runtime.tools.photos.read(ref) is None
    assert dispatcher.messages == []

    slots = filled(**located, **photo)
    consent_wording = replies.reply_for("ask_contact_consent", "line").text
    summary = CollectingDispatcher()
    await AskSlotAction("complaint_confirm", values=summary_values).run(summary, tracker(slots=slots), {})
    assert "ไฟถนนดับ" in texts(summary)[0] and "แนบ 1 รูป" in texts(summary)[0]
    assert payloads(summary) == ["/affirm", "แก้ไข", "/deny"]
    assert "ส่งถึง: องค์กรปกครองส่วนท้องถิ่น" in texts(summary)[0]

    done, events = await submit(runtime, sessions, tracker("/affirm", intent="affirm", slots=slots))
    [message] = done.messages
    case = only_case(sessions)
    assert check_case_ref(case.reference) == "valid" and case.reference.startswith("CM")
    assert case.reference in message["text"] and spoken_reference(case.reference) in message["text"]
    assert "LINE นี้" in message["text"]
    # The confirmation names the agency and its published time to act (cases/complaint_categories.yml).
    route = load_routes()["streetlight"]
    assert route.agency_name in message["text"] and f"ภายใน {route.time_to_act}" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/check_case_status", "/greet"]
    assert SlotSet("complaint_photo", None) in events and SlotSet("complaint_confirm", None) in events

    route = load_routes()["streetlight"]
    assert (case.kind, case.agency_id, case.service_id, case.category) == (
        "complaint",
        route.agency_id,
        route.service_id,
        "streetlight",
    )
    assert (case.location_lat, case.location_lon, case.address) == (*BANGKOK, "ถนนพระราม 1 ปทุมวัน กรุงเทพฯ")
    [stored_photo] = case.photos
    assert stored_photo.storage_ref == ref and stored_photo.size_bytes == len(JPEG)
    assert runtime.tools.photos.read(ref) == JPEG and pending_photos(runtime).read(ref) is None
    [contact] = case.contacts
    assert contact.channel == "line" and contact.notify is True
    assert contact.sender_hash == runtime.tools.vault.keyed_hash("sender", LINE_USER)
    assert LINE_USER not in (contact.sender_enc or "") and contact.phone_enc is None
    assert runtime.tools.vault.open(contact.sender_enc or "") == LINE_USER
    [consent] = case.consents
    assert consent.wording == consent_wording
    assert [h.actor for h in case.history] == ["citizen"]
    with sessions() as session:
        assert session.get(Agency, route.agency_id) is not None  # created on first use


async def test_a_bare_pin_is_stored_as_coordinates_without_an_address(
    form: ValidateComplaintForm, runtime: CaseRuntime, sessions: sessionmaker[Session]
) -> None:
    dispatcher = CollectingDispatcher()
    pin = tracker(
        "/share_location",
        intent="share_location",
        entities=[{"entity": "latitude", "value": 18.7883}, {"entity": "longitude", "value": 98.9853}],
    )
    located = await form.validate_complaint_location("/share_location", dispatcher, pin, {})
    assert located["complaint_location"] == PIN_ONLY
    await submit(runtime, sessions, tracker(slots=filled(**located)))
    case = only_case(sessions)
    assert (case.location_lat, case.location_lon, case.address) == (18.7883, 98.9853, None)


async def test_sms_contact_keeps_the_number_only_with_consent(
    runtime: CaseRuntime, sessions: sessionmaker[Session]
) -> None:
    sender = runtime.personal_data.sms_sender_id(SMS_NUMBER)
    sealed = {"extra": {"n": runtime.personal_data.seal(SMS_NUMBER)}}
    for consent in (True, False):
        t = tracker(channel="sms", sender=sender, metadata=sealed, slots=filled(contact_consent=consent))
        done, _ = await submit(runtime, sessions, t)
        case = only_case(sessions)
        [contact] = case.contacts
        assert contact.channel == "sms" and contact.notify is consent
        assert contact.phone_hash == runtime.tools.vault.keyed_hash("phone", SMS_NUMBER)
        assert contact.phone_last4 == "5678"
        assert contact.sender_hash == runtime.tools.vault.keyed_hash("sender", sender)
        # dev12 w12s01: the SMS confirmation names the agency too, by its short name, and the time
        assert "ส่งถึงเทศบาล/อบต." in texts(done)[0] and "ภายใน 7 วัน" in texts(done)[0]
        if consent:
            assert runtime.tools.vault.open(contact.phone_enc or "") == SMS_NUMBER
            assert len(case.consents) == 1 and "SMS" in done.messages[0]["text"]
        else:
            assert contact.phone_enc is None and case.consents == []
            assert "ติดตามเองได้" in done.messages[0]["text"]
        assert SMS_NUMBER not in done.messages[0]["text"]


async def test_web_complaint_without_consent_is_not_subscribed(
    runtime: CaseRuntime, sessions: sessionmaker[Session]
) -> None:
    done, _ = await submit(
        runtime, sessions, tracker(channel="web", sender=WEB_USER, slots=filled(contact_consent=False))
    )
    case = only_case(sessions)
    [contact] = case.contacts
    assert contact.channel == "web" and contact.notify is False and case.consents == []
    assert "ติดตามเอง" in done.messages[0]["text"]


async def test_filing_with_consent_after_an_erasure_lifts_that_opt_out(
    runtime: CaseRuntime, sessions: sessionmaker[Session]
) -> None:
    sender = f"web:erased-{secrets.token_hex(4)}"
    digest = runtime.tools.vault.keyed_hash("sender", sender)
    opt_outs = (
        select(func.count())
        .select_from(NotificationOptOut)
        .where(NotificationOptOut.recipient_hash == digest)
    )
    await submit(runtime, sessions, tracker(channel="web", sender=sender, slots=filled()))
    with sessions() as session, session.begin():
        assert erase_contact_data(session, runtime.tools.vault, "web", sender) == 1
        assert session.scalar(opt_outs) == 1
    # Without consent the opt-out stays; with consent (the citizen's newer choice) it goes.
    await submit(
        runtime, sessions, tracker(channel="web", sender=sender, slots=filled(contact_consent=False))
    )
    with sessions() as session:
        assert session.scalar(opt_outs) == 1
    await submit(runtime, sessions, tracker(channel="web", sender=sender, slots=filled()))
    case_id = only_case(sessions).id
    with sessions() as session, session.begin():
        assert session.scalar(opt_outs) == 0
        case = session.get(Case, case_id)
        assert case is not None
        _, queued = change_status(session, case, StatusChange(status="in_progress", actor="officer"))
    assert len(queued) == 1


async def test_a_citizen_id_and_phone_in_the_description_never_reach_the_database(
    form: ValidateComplaintForm, runtime: CaseRuntime, sessions: sessionmaker[Session]
) -> None:
    typed = f"ไฟดับหน้าบ้านค่ะ เลขบัตร {CITIZEN_ID} โทร 081-234-5678"
    dispatcher = CollectingDispatcher()
    described = await form.validate_complaint_description(typed, dispatcher, tracker(typed), {})
    assert CITIZEN_ID not in described["complaint_description"]  # masked in the slot already
    await submit(runtime, sessions, tracker(slots=filled(complaint_description=typed)))  # and by the service
    case = only_case(sessions)
    assert CITIZEN_ID not in (case.description or "") and CITIZEN_ID_MASK in (case.description or "")
    # Phones keep only their last 4 digits (nlu.pii.mask), as everywhere in the project.
    assert "081-234-5678" not in (case.description or "") and "xxx-xxx-5678" in (case.description or "")


async def test_edit_reopens_one_field_and_cancel_creates_nothing(
    form: ValidateComplaintForm, runtime: CaseRuntime, sessions: sessionmaker[Session]
) -> None:
    _, ref = pending_photos(runtime).save(PNG, "image/png")
    dispatcher = CollectingDispatcher()
    t = tracker("แก้ไข", slots=filled(complaint_photo="photo:" + ref))
    assert await form.validate_complaint_confirm("แก้ไข", dispatcher, t, {}) == {"complaint_confirm": "edit"}
    # Only after แก้ไข is "which field?" a step of the form.
    domain_slots = ["complaint_location", "complaint_edit", "complaint_confirm"]
    editing = tracker(slots=filled(complaint_confirm="edit", complaint_photo="photo:" + ref))
    assert await form.required_slots(domain_slots, dispatcher, editing, {}) == domain_slots
    assert "complaint_edit" not in await form.required_slots(domain_slots, dispatcher, t, {})
    # Where: only the place is emptied (so only it is asked again); everything else is kept.
    where = await form.validate_complaint_edit("สถานที่", dispatcher, editing, {})
    assert where == {
        "complaint_edit": None,
        "complaint_confirm": None,
        "complaint_location": None,
        "complaint_lat": None,
        "complaint_lon": None,
    }
    # The photo: the waiting one is let go before a new one is asked for.
    photo = await form.validate_complaint_edit("รูป", dispatcher, editing, {})
    assert photo["complaint_photo"] is None and "complaint_category" not in photo
    assert pending_photos(runtime).read(ref) is None
    assert (await form.validate_complaint_edit("ไม่แก้แล้ว", dispatcher, editing, {}))[
        "complaint_confirm"
    ] is None
    assert await form.validate_complaint_edit("อะไรก็ได้", dispatcher, editing, {}) == {"complaint_edit": None}
    assert dispatcher.messages[-1]["text"] == replies.reply_for("complaint_edit_unclear", "line").text
    # A submit that was not confirmed (never reached through the rules, but never trusted) files nothing.
    with sessions() as session:
        before = len(session.scalars(select(Case)).all())
    await submit(runtime, sessions, tracker(slots=filled(complaint_confirm=None)))
    with sessions() as session:
        assert len(session.scalars(select(Case)).all()) == before


async def test_without_the_cases_key_the_form_says_so_and_keeps_nothing() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitComplaint(None, None).run(dispatcher, tracker(slots=filled()), {})
    assert "ยังไม่พร้อม" in texts(dispatcher)[0]
    assert "/request_human" in payloads(dispatcher)
    assert SlotSet("complaint_description", None) in events


# --- bad input: a clear answer, and the question is asked again ----------------------------


async def test_oversized_photo_is_refused_while_streaming(
    form: ValidateComplaintForm, fake_line: FakeLine
) -> None:
    big = b"\xff\xd8\xff\xe0" + b"\x00" * (MAX_PHOTO + 10)
    fake_line.contents["600"] = (big, "image/jpeg")
    for streamed in (False, True):  # with Content-Length, and chunked without it
        fake_line.stream_contents = streamed
        dispatcher = CollectingDispatcher()
        t = tracker("/share_image", intent="share_image", metadata={"media_id": "600"})
        assert await form.validate_complaint_photo("/share_image", dispatcher, t, {}) == {
            "complaint_photo": None
        }
        [message] = dispatcher.messages
        assert "ใหญ่เกินไป" in message["text"] and "0.2 MB" in message["text"]
        assert not message["buttons"]  # the photo question follows with its ไม่มีรูป button


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(b"GIF89a" + b"\x00" * 100, "image/gif"), (b"%PDF-1.7 ...", "application/pdf"), (PNG, "image/jpeg")],
)
async def test_something_that_is_not_a_jpeg_or_png_is_refused(
    form: ValidateComplaintForm, fake_line: FakeLine, data: bytes, content_type: str
) -> None:
    fake_line.contents["700"] = (data, content_type)
    dispatcher = CollectingDispatcher()
    t = tracker("/share_image", intent="share_image", metadata={"media_id": "700"})
    assert await form.validate_complaint_photo("/share_image", dispatcher, t, {}) == {"complaint_photo": None}
    assert "ไม่ใช่รูปภาพ" in texts(dispatcher)[0] and "ไม่มีรูป" in texts(dispatcher)[0]


async def test_a_photo_line_no_longer_has_gets_a_retry_answer(
    form: ValidateComplaintForm, fake_line: FakeLine
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("/share_image", intent="share_image", metadata={"media_id": "404404"})
    assert await form.validate_complaint_photo("/share_image", dispatcher, t, {}) == {"complaint_photo": None}
    assert "ลองส่งรูปอีกครั้ง" in texts(dispatcher)[0]
    bad_id = tracker("/share_image", intent="share_image", metadata={"media_id": "../../etc/passwd"})
    assert await form.validate_complaint_photo("/share_image", CollectingDispatcher(), bad_id, {}) == {
        "complaint_photo": None
    }
    assert fake_line.errors == []


async def test_no_photo_answers(form: ValidateComplaintForm) -> None:
    for text, intent in (("ไม่มีรูป", "inform"), ("ไม่", "deny"), ("ข้าม", "inform")):
        result = await form.validate_complaint_photo(
            text, CollectingDispatcher(), tracker(text, intent=intent), {}
        )
        assert result == {"complaint_photo": "none"}
    dispatcher = CollectingDispatcher()
    assert await form.validate_complaint_photo("รูปอยู่ในเครื่อง", dispatcher, tracker("x"), {}) == {
        "complaint_photo": None
    }
    assert "ยังไม่ได้รับรูป" in texts(dispatcher)[0]


@pytest.mark.parametrize("where", [VIENTIANE, (35.68, 139.69), (0.0, 0.0)])
async def test_a_location_outside_thailand_is_asked_again(
    form: ValidateComplaintForm, where: tuple[float, float]
) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        "/share_location",
        intent="share_location",
        entities=[{"entity": "latitude", "value": where[0]}, {"entity": "longitude", "value": where[1]}],
    )
    assert await form.validate_complaint_location("/share_location", dispatcher, t, {}) == {
        "complaint_location": None
    }
    assert "นอกประเทศไทย" in texts(dispatcher)[0]


async def test_an_unreadable_location_is_asked_again(form: ValidateComplaintForm) -> None:
    dispatcher = CollectingDispatcher()
    t = tracker(
        "/share_location",
        intent="share_location",
        entities=[{"entity": "latitude", "value": "north"}, {"entity": "longitude", "value": 100.5}],
    )
    assert await form.validate_complaint_location("/share_location", dispatcher, t, {}) == {
        "complaint_location": None
    }
    assert "อ่านตำแหน่ง" in texts(dispatcher)[0]


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("", "อย่างน้อยหนึ่งประโยค"),
        ("   \u200b ", "อย่างน้อยหนึ่งประโยค"),
        ("😡😡😡😡😡😡😡😡😡😡", "อย่างน้อยหนึ่งประโยค"),
        ("ดับ", "อย่างน้อยหนึ่งประโยค"),
        ("ไฟดับ " * 300, "ยาวเกิน 1,000 ตัวอักษร"),
    ],
)
async def test_empty_emoji_only_short_and_huge_descriptions_are_asked_again(
    form: ValidateComplaintForm, typed: str, answer: str
) -> None:
    dispatcher = CollectingDispatcher()
    assert await form.validate_complaint_description(typed, dispatcher, tracker(typed), {}) == {
        "complaint_description": None
    }
    assert answer in texts(dispatcher)[0]


async def test_a_typed_address_is_kept_masked_and_a_too_short_one_is_asked_again(
    form: ValidateComplaintForm,
) -> None:
    dispatcher = CollectingDispatcher()
    typed = "หน้าบ้านเลขที่ 5 โทร 0812345678"
    result = await form.validate_complaint_location(
        typed, dispatcher, tracker(typed, channel="web", sender=WEB_USER), {}
    )
    assert "0812345678" not in result["complaint_location"] and result["complaint_lat"] is None
    assert await form.validate_complaint_location("😀", dispatcher, tracker("😀"), {}) == {
        "complaint_location": None
    }
    assert "ชัดขึ้น" in texts(dispatcher)[0]


async def test_a_photo_sent_early_is_kept_and_the_question_repeated(
    form: ValidateComplaintForm, fake_line: FakeLine
) -> None:
    fake_line.contents["800"] = (PNG, "image/png")
    dispatcher = CollectingDispatcher()
    t = tracker("/share_image", intent="share_image", metadata={"media_id": "800"})
    result = await form.validate_complaint_description("/share_image", dispatcher, t, {})
    assert result["complaint_description"] is None and result["complaint_photo"].endswith(".png")
    assert "ได้รับรูปแล้ว" in texts(dispatcher)[0]


async def test_photos_and_locations_are_not_asked_on_sms_and_web(form: ValidateComplaintForm) -> None:
    slots = ["complaint_category", "complaint_photo", "contact_consent"]
    dispatcher = CollectingDispatcher()
    assert await form.required_slots(slots, dispatcher, tracker(channel="line"), {}) == slots
    for channel, sender in (("sms", "sms:" + "0" * 32), ("web", WEB_USER)):
        t = tracker(channel=channel, sender=sender)
        assert "complaint_photo" not in await form.required_slots(slots, dispatcher, t, {})
    # An image that somehow arrives on web chat is answered, not fetched.
    web_image = tracker("/share_image", intent="share_image", channel="web", sender=WEB_USER)
    result = await form.validate_complaint_description("/share_image", dispatcher, web_image, {})
    assert result == {"complaint_description": None} and "ยังรับรูปไม่ได้" in texts(dispatcher)[0]


async def test_consent_and_confirmation_answers(form: ValidateComplaintForm) -> None:
    dispatcher = CollectingDispatcher()
    assert await form.validate_contact_consent(True, dispatcher, tracker(), {}) == {
        "contact_consent": True,
        "complaint_anonymous": None,
    }
    assert await form.validate_contact_consent("ยินยอม", dispatcher, tracker(), {}) == {
        "contact_consent": True,
        "complaint_anonymous": None,
    }
    assert await form.validate_contact_consent("อะไรนะ", dispatcher, tracker(), {}) == {
        "contact_consent": None
    }
    assert await form.validate_complaint_confirm("yes", dispatcher, tracker(), {}) == {
        "complaint_confirm": "yes"
    }
    assert await form.validate_complaint_confirm("หืม", dispatcher, tracker(), {}) == {
        "complaint_confirm": None
    }
    assert [m["text"] for m in dispatcher.messages] == [
        replies.reply_for("complaint_consent_unclear", "line").text,
        replies.reply_for("complaint_confirm_unclear", "line").text,
    ]
    # The question comes again right after (with its buttons), so these carry none of their own.
    assert payloads(dispatcher) == []


# --- routing ----------------------------------------------------------------------------------


def test_every_category_button_has_a_route_and_the_file_is_checked() -> None:
    routes = load_routes()
    assert list(routes) == list(replies.COMPLAINT_CATEGORIES)
    assert all(r.agency_id and r.service_id and r.agency_name for r in routes.values())
    with pytest.raises(RoutingError, match="missing service_id"):
        parse_routes({"categories": {"x": {"label": "x", "agency_id": "a", "agency_name": "A"}}})
    with pytest.raises(RoutingError):
        parse_routes({"categories": []})


def test_spoken_reference() -> None:
    assert spoken_reference("CM69-1234-5670") == "ซี เอ็ม หก เก้า ขีด หนึ่ง สอง สาม สี่ ขีด ห้า หก เจ็ด ศูนย์"


async def test_a_refused_line_token_is_a_retry_answer_not_a_crash(
    runtime: CaseRuntime, fake_line: FakeLine
) -> None:
    fake_line.contents["900"] = (JPEG, "image/jpeg")
    wrong = LineContentSettings.from_environ(
        {"LINE_API_DATA_BASE": fake_line.url, "LINE_CHANNEL_ACCESS_TOKEN": "not-the-token"}
    )
    unset = LineContentSettings.from_environ({"LINE_API_DATA_BASE": fake_line.url})
    for settings in (wrong, unset):
        form = ValidateComplaintForm(runtime, LineContentClient(settings))
        dispatcher = CollectingDispatcher()
        t = tracker("/share_image", intent="share_image", metadata={"media_id": "900"})
        assert await form.validate_complaint_photo("/share_image", dispatcher, t, {}) == {
            "complaint_photo": None
        }
        assert "รับรูปไม่สำเร็จ" in texts(dispatcher)[0]
    assert fake_line.errors == ["bad Authorization"]  # the unset token never reached the network


def test_photos_of_abandoned_forms_are_swept_after_a_day(runtime: CaseRuntime) -> None:
    store = pending_photos(runtime)
    _, old = store.save(JPEG, "image/jpeg")
    _, new = store.save(PNG, "image/png")
    later = time.time() + PENDING_MAX_AGE_SECONDS + 60
    path_new = store.root / new[:2] / new
    os.utime(path_new, (later, later))  # the PNG arrived "just now" relative to `later`
    assert sweep_pending(store, now=later) == 1
    assert store.read(old) is None and store.read(new) == PNG


# --- issue 11: anonymous filing, the first message, asides, edits --------------------------


async def test_an_anonymous_complaint_keeps_no_contact_offers_no_look_up_and_says_so(
    runtime: CaseRuntime, sessions: sessionmaker[Session]
) -> None:
    slots = filled(complaint_category="nuisance", contact_consent=False, complaint_anonymous=True)
    done, _ = await submit(runtime, sessions, tracker("/affirm", intent="affirm", slots=slots))
    case = only_case(sessions)
    assert case.contacts == [] and case.consents == []
    [message] = done.messages
    assert case.reference in message["text"] and "ไม่ระบุตัวตน" in message["text"]
    assert "ติดตามสถานะทางแชตไม่ได้" in message["text"]
    assert "/check_case_status" not in [b["payload"] for b in message["buttons"]]
    route = load_routes()["nuisance"]
    assert (
        route.allow_anonymous
        and route.agency_name in message["text"]
        and route.time_to_act in message["text"]
    )


async def test_anonymity_is_kept_only_where_the_category_allows_it(
    runtime: CaseRuntime, sessions: sessionmaker[Session]
) -> None:
    assert not load_routes()["other"].allow_anonymous
    slots = filled(complaint_category="other", contact_consent=True, complaint_anonymous=True)
    await submit(runtime, sessions, tracker("/affirm", intent="affirm", slots=slots))
    [contact] = only_case(sessions).contacts
    assert contact.channel == "line" and contact.notify is True


async def test_the_consent_question_offers_anonymity_only_where_allowed() -> None:
    for category, offered in (("nuisance", True), ("other", False)):
        dispatcher = CollectingDispatcher()
        await AskConsentAction().run(dispatcher, tracker(slots=filled(complaint_category=category)), {})
        assert (replies.ANONYMOUS_LABEL in [b["title"] for b in dispatcher.messages[0]["buttons"]]) is offered
    form = ValidateComplaintForm()
    t = tracker("ไม่ระบุตัวตน", slots=filled(complaint_category="nuisance", contact_consent=None))
    assert await form.validate_contact_consent("ไม่ระบุตัวตน", CollectingDispatcher(), t, {}) == {
        "contact_consent": False,
        "complaint_anonymous": True,
    }


def _opening(text: str, channel: str = "line", sender: str = LINE_USER) -> Tracker:
    t = tracker(text, intent="file_complaint", channel=channel, sender=sender)
    return Tracker(
        sender_id=t.sender_id,
        slots={"requested_slot": None},
        latest_message=t.latest_message,
        events=t.events,
        paused=False,
        followup_action=None,
        active_loop={"name": "complaint_form"},
        latest_action_name="action_listen",
    )


DOMAIN_FORM = {
    "forms": {
        "complaint_form": {
            "required_slots": [
                "complaint_category",
                "complaint_description",
                "complaint_location",
                "complaint_photo",
                "contact_consent",
                "complaint_edit",
                "complaint_confirm",
            ]
        }
    }
}


def _set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_the_first_message_gives_the_category_and_keeps_the_description() -> None:
    """No one-tap confirm turn: the category is taken and the next missing step asked at once."""
    form = ValidateComplaintForm()
    events = await form.run(CollectingDispatcher(), _opening("แจ้งไฟถนนดับหน้าบ้านค่ะ มืดมาสามคืนแล้ว"), DOMAIN_FORM)
    got = _set(events)
    assert got["complaint_category"] == "streetlight" and got["requested_slot"] == "complaint_location"
    assert got["complaint_guess"] == "streetlight"  # read from the words: said on the next question
    assert got["complaint_description"] == "แจ้งไฟถนนดับหน้าบ้านค่ะ มืดมาสามคืนแล้ว"
    # A bare request keeps nothing and guesses nothing: the whole menu.
    bare_request = _set(await form.run(CollectingDispatcher(), _opening("อยากร้องเรียนค่ะ"), DOMAIN_FORM))
    assert bare_request["complaint_guess"] is None and bare_request["complaint_description"] is None
    assert bare_request["requested_slot"] == "complaint_category"


async def test_a_message_about_an_earlier_complaint_gets_an_apology_not_the_category_menu() -> None:
    form = ValidateComplaintForm()
    events = await form.run(
        CollectingDispatcher(), _opening("แจ้งไปสามรอบแล้ว ขยะยังกองอยู่เหมือนเดิม"), DOMAIN_FORM
    )
    assert {"event": "active_loop", "name": None} in [
        {"event": e["event"], "name": e.get("name")} for e in events if e["event"] == "active_loop"
    ]
    done = CollectingDispatcher()
    await ActionSubmitComplaint(None, None).run(done, tracker(slots={"complaint_confirm": "earlier"}), {})
    assert "ขออภัย" in done.messages[0]["text"]
    assert not set(replies.COMPLAINT_CATEGORIES.values()) & {b["title"] for b in done.messages[0]["buttons"]}


async def test_an_angry_message_about_an_earlier_complaint_lists_the_citizens_own_cases(
    runtime: CaseRuntime, sessions: sessionmaker[Session]
) -> None:
    """Issue 11: an apology and the citizen's own cases with their status, never a new complaint menu;
    the rude words are never said back. An account that filed nothing hears how to track one."""
    sender = f"line:U{secrets.token_hex(16)}"
    await submit(runtime, sessions, tracker(sender=sender, slots=filled()))
    reference = only_case(sessions).reference
    angry = "แจ้งไปตั้งนานแล้วทำไมยังไม่มาซ่อมวะ ห่วยแตก"
    action = ActionSubmitComplaint(runtime, sessions, CaseLookup(sessions=sessions, runtime=runtime))
    said = CollectingDispatcher()
    await action.run(said, tracker(angry, sender=sender, slots={"complaint_confirm": "earlier"}), {})
    text = "\n".join(texts(said))
    assert text.startswith("ขออภัย") and reference in text and reference in payloads(said)[0]
    assert "ห่วยแตก" not in text
    titles = {b["title"] for m in said.messages for b in m.get("buttons") or []}
    assert not set(replies.COMPLAINT_CATEGORIES.values()) & titles
    stranger = CollectingDispatcher()
    other = f"line:U{secrets.token_hex(16)}"
    await action.run(stranger, tracker(angry, sender=other, slots={"complaint_confirm": "earlier"}), {})
    assert stranger.messages[0]["text"].startswith("ขออภัย") and "/check_case_status" in payloads(stranger)
    assert reference not in "\n".join(texts(stranger))


@pytest.mark.parametrize(
    ("step", "text", "intent", "says"),
    [
        ("complaint_category", "บริการของเจ้าหน้าที่", "request_human", None),  # the category, not a person
        ("complaint_location", "ขอไม่บอกที่อยู่ได้ไหมคะ กลัวเขารู้", "request_human", "จุดที่เกิดเรื่อง"),
        ("complaint_description", "ใช้เวลากี่วันคะ", "ask_service", "ภายใน 7 วัน"),
        ("complaint_location", "แจ้งแล้วจะเป็นยังไงต่อคะ", "out_of_scope", "เลขที่เรื่อง"),
        ("contact_consent", "ใครจะเห็นข้อมูลของฉันบ้างคะ", "delete_my_data", "เฉพาะเจ้าหน้าที่"),
        ("complaint_description", "ขอคุยกับเจ้าหน้าที่", "request_human", "ยังไม่ได้ส่ง"),
        ("complaint_location", "/greet", "greet", "กำลังแจ้งเรื่องร้องเรียนอยู่"),
    ],
)
async def test_asides_are_answered_and_the_same_step_asked_again(
    step: str, text: str, intent: str, says: str | None
) -> None:
    t = tracker(text, intent=intent, slots=filled(**{step: None}), requested_slot=step)
    t.events.append({"event": "slot", "name": step, "value": text})
    t.slots[step] = text
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, t, DOMAIN_FORM)
    got = _set(events)
    assert not any(e["event"] == "active_loop" for e in events)
    if says is None:
        assert got["complaint_category"] == "service"
        return
    assert got[step] is None and got["requested_slot"] == step
    assert says in " ".join(texts(dispatcher))


async def test_a_photo_sent_instead_of_yes_to_the_guess_is_kept_and_takes_the_guess(
    form: ValidateComplaintForm, runtime: CaseRuntime, fake_line: FakeLine
) -> None:
    """The citizen answered on rather than tapping ใช่: that confirms the guess (issue 11, loop)."""
    fake_line.contents["810"] = (JPEG, "image/jpeg")
    guessed = {"complaint_guess": "streetlight", "complaint_description": "ไฟถนนหน้าซอยดับมาอาทิตย์นึงแล้ว"}
    t = tracker(
        "/share_image",
        intent="share_image",
        metadata={"media_id": "810"},
        slots=guessed,
        requested_slot="complaint_category",
    )
    dispatcher = CollectingDispatcher()
    result = await form.validate_complaint_category("/share_image", dispatcher, t, {})
    assert result["complaint_category"] == "streetlight" and result["complaint_guess"] is None
    ref = result["complaint_photo"].removeprefix("photo:")
    assert pending_photos(runtime).read(ref) == JPEG
    assert "ได้รับรูปแล้ว" in texts(dispatcher)[0] and "ไฟถนนดับ" in texts(dispatcher)[1]
    # A photo that cannot be kept is no answer: the guess is offered again, nothing taken.
    fake_line.contents["811"] = (b"%PDF-1.7", "application/pdf")
    bad = tracker("/share_image", intent="share_image", metadata={"media_id": "811"}, slots=guessed)
    assert await form.validate_complaint_category("/share_image", CollectingDispatcher(), bad, {}) == {
        "complaint_category": None
    }


async def test_a_matter_reported_elsewhere_by_an_account_with_no_case_here_is_filed_here(
    runtime: CaseRuntime, sessions: sessionmaker[Session]
) -> None:
    """dev10 c001/c005: "… แจ้งผู้ใหญ่บ้านไปแล้วก็เงียบ" told in full, from an account that filed nothing
    here, is a new complaint (sorry first), not a look-up that can find nothing; from an account that
    filed one it is still about that case, and a rude message never becomes a story to say back."""
    story = "ไฟถนนหน้าซอยบ้านดับมาเกือบเดือนแล้ว กลางคืนมืดมากก ลูกสาวต้องเดินผ่านทุกวัน แจ้งผู้ใหญ่บ้านไปแล้วก็เงียบ ไม่รู้จะพึ่งใครแล้ว"
    form = ValidateComplaintForm(runtime, lookup=CaseLookup(sessions=sessions, runtime=runtime))

    async def first_run(text: str, sender: str, said: CollectingDispatcher | None = None) -> dict[str, Any]:
        return _set(
            await form.run(said or CollectingDispatcher(), _opening(text, sender=sender), DOMAIN_FORM)
        )

    newcomer = f"line:U{secrets.token_hex(16)}"
    said = CollectingDispatcher()
    got = await first_run(story, newcomer, said)
    assert got["complaint_category"] == "streetlight" and got["requested_slot"] == "complaint_location"
    assert texts(said)[0].startswith("ขออภัย")
    rude = await first_run("ไอ้พวกเทศบาลไม่ทำงาน แจ้งไฟดับไปตั้งนาน", newcomer)
    assert rude.get("complaint_confirm") == "earlier"
    # reported, but not said to whom: still about that report (an apology and the look-up, no menu)
    unsaid = await first_run("แจ้งไปสามรอบแล้ว ขยะยังกองอยู่เหมือนเดิม", newcomer)
    assert unsaid.get("complaint_confirm") == "earlier"
    filer = f"line:U{secrets.token_hex(16)}"
    await submit(runtime, sessions, tracker(sender=filer, slots=filled()))
    mine = await first_run(story, filer)
    assert mine.get("complaint_confirm") == "earlier"


async def test_a_second_report_of_an_open_category_is_told_its_number_first(
    runtime: CaseRuntime, sessions: sessionmaker[Session]
) -> None:
    """dev12 w12l11/w12s11: "ทางเท้าหน้าตลาดยุบ…" again from the account that filed it: the open case's
    number and status first (no need to file it twice), and the form still goes on for another matter;
    another category, or a case already closed, says nothing of it."""
    form = ValidateComplaintForm(runtime, lookup=CaseLookup(sessions=sessions, runtime=runtime))
    filer = f"line:U{secrets.token_hex(16)}"
    await submit(runtime, sessions, tracker(sender=filer, slots=filled()))
    reference = only_case(sessions).reference

    async def first_run(text: str) -> tuple[dict[str, Any], str]:
        said = CollectingDispatcher()
        got = _set(await form.run(said, _opening(text, sender=filer), DOMAIN_FORM))
        return got, " ".join(texts(said))

    got, reply = await first_run("ไฟถนนหน้าบ้านดับอีกแล้วค่ะ แจ้งอีกที")
    assert reference in reply and "แจ้งไว้แล้ว" in reply and "รับเรื่องแล้ว" in reply
    assert got["complaint_category"] == "streetlight" and got["requested_slot"] == "complaint_location"
    _, other = await first_run("ขยะไม่มีใครมาเก็บเป็นอาทิตย์แล้วค่ะ")
    assert reference not in other
    with sessions.begin() as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).one()
        change_status(session, case, StatusChange(status="resolved", actor="agency"))
    _, closed = await first_run("ไฟถนนหน้าบ้านดับอีกแล้วค่ะ")
    assert reference not in closed


def test_whether_they_learn_who_reported_is_the_anonymity_question() -> None:
    # dev10 c001: asked at the place step, it had been kept as the place
    asked = "ถ้าแจ้งแล้วเค้าจะรู้มั้ยคะว่าใครแจ้ง ไม่อยากมีปัญหากับข้างบ้าน"
    assert aside_kind(asked, "inform", "complaint_location") == "anonymous"
    assert aside_kind("ซอยเพชรเกษม 48 แยก 3", "inform", "complaint_location") is None
