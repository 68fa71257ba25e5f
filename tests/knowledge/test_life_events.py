"""Life events: valid against the seed services; casual wordings match, service questions do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.knowledge.common import out_of_scope, paraphrases
from knowledge.life_events import EVENT_IDS, LifeEventError, LifeEvents
from knowledge.search.embedders import Embedder
from knowledge.seedfile import load_dir

RECORDS = {r.id: r for r in load_dir()}
EVENTS = LifeEvents.load(RECORDS)


def test_every_event_is_there_with_steps_into_existing_services() -> None:
    assert tuple(e.id for e in EVENTS.events) == EVENT_IDS
    for event in EVENTS.events:
        assert event.title_th and event.title_en and event.steps
        assert all(step.note and step.service_id in RECORDS for step in event.steps)
    assert EVENTS.get("birth") is not None and EVENTS.get("nope") is None
    assert EVENTS.get("birth").steps[0].service_id == "birth_registration"  # type: ignore[union-attr]
    assert EVENTS.get("death").steps[0].service_id == "death_registration"  # type: ignore[union-attr]


def test_contacts_name_agencies_in_the_directory() -> None:
    from knowledge.agencies import AgencyDirectory

    directory = AgencyDirectory.load()
    for event in EVENTS.events:
        assert all(directory.get(c.agency_id) for c in event.contacts), event.id


def test_unknown_service_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.yml"
    path.write_text(
        "events:\n  - id: birth\n    steps: [{service: nope, note: x}]\n    cues: [คลอด]\n", encoding="utf-8"
    )
    with pytest.raises(LifeEventError, match="nope"):
        LifeEvents.load(RECORDS, path=path)


@pytest.mark.parametrize(
    ("text", "event_id"),
    [
        ("ลูกเพิ่งคลอดเมื่อวานค่ะ", "birth"),
        ("เมียคลอดลูกชายเมื่อเช้า", "birth"),
        ("ยายเพิ่งจากไปเมื่อคืนที่โรงพยาบาล", "death"),
        ("แม่เพิ่งเสีย", "death"),
        ("พ่อผมเสียเมื่อวาน", "death"),
        ("โดนเลิกจ้าง มีลูก2คน", "job_loss"),
        ("อยากได้เงินช่วยเหลือ ไม่มีงานทำ มีลูก2คน", "job_loss"),
        ("พ่ออายุครบ60ปีเดือนหน้า", "turning_60"),
        ("กำลังจะแต่งงานปลายปี", "marriage"),
        ("แยกทางกับสามีแล้วค่ะ", "divorce"),
        ("เพิ่งย้ายบ้านมาอยู่เชียงใหม่", "moving_house"),
        ("อยากเปิดร้านขายก๋วยเตี๋ยว", "opening_shop"),
        ("แม่เป็นอัมพาตครึ่งซีก", "disability"),
        ("ลูกจะเข้าป.1ปีหน้า", "starting_school"),
        ("กำลังจะซื้อที่ดินที่โคราช", "buying_land"),
        ("เพิ่งออกรถใหม่ค่ะ", "new_vehicle"),
        ("บริษัทปลดพนักงาน ผมโดนด้วย", "job_loss"),
        ("my baby was born at a thai hospital last week", "birth"),
        ("just got a new car", "new_vehicle"),
        ("my grandmother just passed", "death"),
        ("พี่ชายเสียแล้วค่ะ", "death"),
        ("มีลูกใหม่ค่ะ", "birth"),
        ("อยากเริ่มกิจการของตัวเอง", "opening_shop"),
        ("ลูกสาวคนเล็กเพิ่งคลอดที่โรงพยาบาล", "birth"),
        ("เพิ่งเป็นคุณแม่ค่ะ", "birth"),
        ("คุยกันแล้ว ตัดสินใจว่าจะแยกทาง", "divorce"),
        ("ย้ายเข้ามาอยู่หอใหม่แล้ว", "moving_house"),
        ("จะกลับไปทำร้านขายข้าวแกงที่บ้าน", "opening_shop"),
        ("ซื้อที่ดินแปลงเล็กไว้แล้ว", "buying_land"),
    ],
)
def test_casual_wordings_match(text: str, event_id: str) -> None:
    match = EVENTS.match(text)
    assert match is not None and match.event.id == event_id and match.score == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "ทำบัตรประชาชนหาย",
        "แจ้งเกิดใช้อะไรบ้าง",
        "แจ้งเสียชีวิตใช้เอกสารอะไร",
        "ต้องแจ้งตายภายในกี่วัน",
        "โอนที่ดินให้ลูกเสียค่าโอนเท่าไหร่",
        "บัตรเสียแล้วทำไง",
        "ซื้อที่ไหนได้",
        "ขึ้นทะเบียนว่างงานออนไลน์ได้ไหม",
        "ต่อภาษีรถใหม่ได้ที่ไหน",
        "ตายแล้ว ลืมบัตรไว้บ้าน",
        "ทะเบียนหย่า เสียตังไหม",  # ย่า inside หย่า, and paying is not dying
        "ลูกสาวเสียใจมาก",
        "how to renew my id card",  # "renew my id car(d)" is not a new car
        "I was born in 1990, can I renew my ID card",
        "I passed the driving test, how to get a licence",
        "ว่างงาน ประกันสังคม",  # the benefit by its two words
        "ประกันสังคมกรณีว่างงานได้กี่เดือน",
        "ลูกชายเกิดปี 2548 ต้องเกณฑ์ทหารไหม",  # a birth year is an age
        "ตัดสินใจแล้วว่าจะเลิกทำนา",  # giving up a trade, no couple
        "",
    ],
)
def test_plain_service_questions_are_not_life_events(text: str) -> None:
    assert EVENTS.match(text) is None


def test_a_situation_with_a_service_question_scores_lower() -> None:
    match = EVENTS.match("แม่เพิ่งเสีย ต้องแจ้งตายที่ไหน")
    assert match is not None and match.event.id == "death" and match.score == 0.8
    assert match.names_service and match.aspect == "place"


def test_out_of_scope_set_raises_no_life_event() -> None:
    fired = [q for q in out_of_scope() if (m := EVENTS.match(q)) and m.score == 1.0]
    assert len(fired) <= 2, fired


def test_encoder_fallback_never_fires_on_service_paraphrases(default_embedder: Embedder) -> None:
    events = LifeEvents.load(RECORDS, embedder=default_embedder)
    fired = [q for _, q in paraphrases() if (m := events.match(q)) and m.score <= 0.6]
    assert not fired
    near_copy = events.match("ภรรยาเพิ่งคลอดลูกคนแรกค่ะ")
    assert near_copy is not None and near_copy.event.id == "birth"


@pytest.mark.parametrize(
    ("text", "event_id"),
    [
        # leaving a job to start something: the new business is the story
        ("ออกจากงานมาเปิดร้านข้าวมันไก่ค่ะ", "opening_shop"),
        ("ออกจากบริษัทแล้วมาขายของหน้าบ้าน", "opening_shop"),
        # leaving a job and asking what now is still a job loss
        ("ออกจากงานมาได้เดือนนึงแล้ว ทำไงต่อดี", "job_loss"),
        ("ออกจากงานแล้ว ทำอะไรได้บ้าง", "job_loss"),
        # the age in words
        ("ปีหน้าแม่จะหกสิบแล้วค่ะ", "turning_60"),
        ("พ่อใกล้หกสิบแล้ว", "turning_60"),
    ],
)
def test_stories_told_by_what_comes_after_or_in_words(text: str, event_id: str) -> None:
    match = EVENTS.match(text)
    assert match is not None and match.event.id == event_id, match


@pytest.mark.parametrize("text", ["จะเลิกจ้างลูกน้องสองคน", "ร้านจะเลิกจ้างลูกจ้างชั่วคราว", "ขายได้วันละหกสิบบาท"])
def test_an_employer_laying_off_staff_is_no_life_event(text: str) -> None:
    assert EVENTS.match(text) is None


def test_a_step_some_stories_need_is_listed_only_for_them() -> None:
    shop = EVENTS.get("opening_shop")
    assert shop is not None
    left_a_job = [s.service_id for s in shop.steps_for("ลาออกจากงานประจำมาเปิดร้านกาแฟ")]
    just_a_shop = [s.service_id for s in shop.steps_for("อยากเปิดร้านกาแฟ")]
    assert left_a_job[-1] == "social_security_unemployment"
    assert "social_security_unemployment" not in just_a_shop
    assert left_a_job[:-1] == just_a_shop  # the same checklist otherwise, in the same order


def test_a_step_for_every_story_after_a_conditional_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.yml"
    path.write_text(
        "events:\n  - id: birth\n    steps:\n      - {service: birth_registration, note: x, when: [แฝด]}\n"
        "      - {service: child_support_grant, note: y}\n    cues: [คลอด]\n",
        encoding="utf-8",
    )
    with pytest.raises(LifeEventError, match="conditional"):
        LifeEvents.load(RECORDS, path=path)
