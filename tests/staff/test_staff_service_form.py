"""The edit form's text layout round-trips every seed record, so saving an untouched form is a no-op;
and the preview/diff helpers describe a record the way the pages need."""

from __future__ import annotations

import dataclasses

import pytest

from knowledge.aspects import ASPECTS
from knowledge.record import FAQ, Fee, ServiceRecord
from knowledge.seedfile import load_dir
from staff import diff, preview, service_form

SEEDS = load_dir()


@pytest.mark.parametrize("record", SEEDS, ids=[r.id for r in SEEDS])
def test_every_seed_record_survives_the_form(record):
    form = service_form.to_form(record)
    back = service_form.from_form(form)
    assert back.content_hash() == record.content_hash()
    assert service_form.to_form(back) == form


def test_fee_and_faq_lines():
    form = service_form.to_form(SEEDS[0]) | {
        "fees": "ค่าปรับ | 100 บาท | รอยืนยัน\n50 บาท\nค่าถ่ายเอกสาร | 1 บาท",
        "faqs": "ทำที่ไหน | ที่อำเภอ | หรือเขต",
    }
    record = service_form.from_form(form)
    assert record.fees == (
        Fee("ค่าปรับ", "100 บาท", True),
        Fee("", "50 บาท", False),
        Fee("ค่าถ่ายเอกสาร", "1 บาท", False),
    )
    assert record.faqs == (FAQ("ทำที่ไหน", "ที่อำเภอ | หรือเขต"),)  # only the first bar splits


def test_line_breaks_inside_list_items_become_spaces():
    record = dataclasses.replace(SEEDS[0], documents=("บรรทัดหนึ่ง\nบรรทัดสอง",))
    assert service_form.to_form(record)["documents"] == "บรรทัดหนึ่ง บรรทัดสอง"


def test_preview_uses_the_bots_own_answers_for_every_aspect_and_channel():
    from actions.service import compose_answer

    record = next(r for r in SEEDS if r.id == "id_card_new")
    for channel in preview.CHANNELS:
        bubbles = preview.bubbles(record, channel)
        assert [b.aspect for b in bubbles] == ["", *ASPECTS]
        for bubble in bubbles:
            text, buttons = compose_answer(record, bubble.aspect or None, channel)
            assert bubble.text == text
            assert bubble.buttons == tuple(b.title for b in buttons)
    documents = {b.aspect: b for b in preview.bubbles(record)}["documents"]
    assert record.documents[0] in documents.text and record.agency in documents.text


def test_preview_flags_missing_aspects_and_long_answers():
    bare = ServiceRecord(id="bare", title_th="บริการเปล่า", agency="ก", documents=("ก" * 500,))
    assert preview.missing_aspects(bare) == ["ค่าธรรมเนียม", "ยื่นที่ไหน", "ใช้เวลา", "คุณสมบัติ", "ทำออนไลน์"]
    long = {b.aspect: b for b in preview.bubbles(bare)}["documents"]
    assert long.too_long


def test_diff_names_changed_fields_and_lines():
    old = SEEDS[0]
    new = dataclasses.replace(old, title_th="ชื่อใหม่", synonyms=(*old.synonyms, "คำใหม่"))
    assert diff.changed_fields(old, new) == ["title_th", "synonyms"]
    rows = [r for r in diff.line_diff(old, new) if r is not None]
    assert any(r.kind == "changed" and "ชื่อใหม่" in r.new for r in rows)
    assert any(r.kind == "added" and "คำใหม่" in r.new for r in rows)
    assert diff.line_diff(old, old) == []
